/*
 * Why something failed: a notify type (RFC 2408 3.14.1, 0 when none applies) and a sentence.
 * Handlers and parsers fill one of these instead of returning a bare -1 (DESIGN.md).
 */
#ifndef IK_STATUS_H
#define IK_STATUS_H

#include <stdbool.h>
#include <stdint.h>

struct ik_status {
	uint16_t notify; /* RFC 2408 3.14.1 notify message type that applies, 0 if none */
	char why[256];
};

/* Record the reason (printf-style) and return false, so callers can `return ik_fail(...)`. */
bool ik_fail(struct ik_status *st, uint16_t notify, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void ik_status_clear(struct ik_status *st);

#endif
