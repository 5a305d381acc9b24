/*
 * The rows of xauth_check.def by requirement id, for the case language (`expect kept`,
 * suite/case_values.c) without the engine's other headers.
 */
#ifndef IK_XAUTH_CHECK_H
#define IK_XAUTH_CHECK_H

/* What the peer's XAUTH messages are judged on (xauth_check.c), one per row of xauth_check.def. */
enum ik_xa_check {
#define XCHK(id, req, from, fn) IK_XC_##id,
#include "xauth_check.def"
#undef XCHK
	IK_XC__N
};

/* The requirement id of row i ("XAUTH-6.1-01"), and the row of a requirement id (-1: none). */
const char *ik_xa_check_req(unsigned i);
int ik_xa_check_find(const char *req);

#endif
