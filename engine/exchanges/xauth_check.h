/*
 * The rows of xauth_check.def (XAUTH) and cfg_check.def (mode-config) by requirement id, for the
 * case language (`expect kept`, suite/case_values.c) without the engine's other headers.
 */
#ifndef IK_XAUTH_CHECK_H
#define IK_XAUTH_CHECK_H

#include <stdint.h>

/* What the peer's XAUTH and mode-config messages are judged on (xauth_check.c, cfg_check.c), one
 * per row of xauth_check.def, then one per row of cfg_check.def. */
enum ik_xa_check {
#define XCHK(id, req, from, fn) IK_XC_##id,
#include "xauth_check.def"
#include "cfg_check.def"
#undef XCHK
	IK_XC__N
};

/* A row's bit in the sets of rows read, broken and named (at most 64 rows). */
#define IK_XC_BIT(i) ((uint64_t)1 << (i))
_Static_assert(IK_XC__N <= 64, "the rows' sets are 64-bit");

/* The requirement id of row i ("XAUTH-6.1-01"), and the row of a requirement id (-1: none). */
const char *ik_xa_check_req(unsigned i);
int ik_xa_check_find(const char *req);

#endif
