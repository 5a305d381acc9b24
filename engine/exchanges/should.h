/*
 * The SHOULD rows of should.def by requirement id, for the engine (which judges them in what the
 * peer sends) and the runner (which WARNs a case that cites a broken one) without the engine's
 * other headers.
 */
#ifndef IK_SHOULD_H
#define IK_SHOULD_H

#include <stdint.h>

enum ik_should {
#define SHOULD(id, req, rule) IK_SH_##id,
#include "should.def"
#undef SHOULD
	IK_SH__N
};

#define IK_SH_BIT(i) ((uint32_t)1 << (i))
#define IK_SH_NOTE   160 /* what the row saw, for the evidence */
_Static_assert(IK_SH__N <= 32, "the rows' sets are 32-bit");

/* Row i's requirement id ("NATT-5.2-02") and its sentence. */
const char *ik_should_req(unsigned i);
const char *ik_should_rule(unsigned i);

/* What the peer's messages showed of the rows: those judged, those broken, and a note each
 * (allocated at the first row judged, none when nothing keeps evidence: the SA's ladder off). */
struct ik_should_state {
	uint32_t seen, broke;
	char (*note)[IK_SH_NOTE]; /* IK_SH__N notes, or NULL */
};

#endif
