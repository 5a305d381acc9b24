/*
 * The requirement catalogue (docs/REQUIREMENTS.md, DESIGN.md "Requirements and coverage"): the
 * rows of its markdown tables whose header begins "| id |", reduced to what coverage needs.
 */
#ifndef IK_REQCAT_H
#define IK_REQCAT_H

#include "status.h"

#include <stdbool.h>
#include <stddef.h>

struct ik_req {
	char id[40];     /* ISAKMP-3.1-02 */
	char source[48]; /* RFC 2408 §3.1 */
	char level[24];  /* MUST, SHOULD, ..., as written */
	char obs[8];     /* observable over the wire: yes, partly, no */
	unsigned line;
};

struct ik_reqcat {
	struct ik_req *r;
	size_t n, cap;
};

/* On failure st->why is "FILE:LINE: reason". */
bool ik_reqcat_load(struct ik_reqcat *rc, const char *file, struct ik_status *st);
const struct ik_req *ik_reqcat_find(const struct ik_reqcat *rc, const char *id);
void ik_reqcat_free(struct ik_reqcat *rc);

#endif
