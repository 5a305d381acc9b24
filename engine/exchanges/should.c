/*
 * The SHOULD rows of should.def (should.h): their requirement ids and sentences, and what the
 * peer's messages showed of each on an SA (docs/verdicts.md 6: a broken row is no fault; a case
 * that cites it WARNs).
 */
#include "xchg.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static const struct {
	const char *req, *rule;
} should_rows[] = {
#define SHOULD(id, req, rule) {req, rule},
#include "should.def"
#undef SHOULD
};

const char *ik_should_req(unsigned i)
{
	return i < IK_SH__N ? should_rows[i].req : NULL;
}

const char *ik_should_rule(unsigned i)
{
	return i < IK_SH__N ? should_rows[i].rule : NULL;
}

void ik_sa_should(struct ik_sa *sa, enum ik_should row, bool kept, const char *fmt, ...)
{
	struct ik_should_state *s = &sa->sh;
	bool first_break = !kept && !(s->broke & IK_SH_BIT(row));
	s->seen |= IK_SH_BIT(row);
	if (!kept)
		s->broke |= IK_SH_BIT(row);
	/* no note where no evidence is kept (serve, load: within the SA's memory share) */
	if (!s->note && !sa->ladder.off)
		s->note = calloc(IK_SH__N, sizeof(*s->note));
	/* the note of the first break, else of the last time it was kept (a quick mode's, after
	 * phase 1's, for a row both judge) */
	if (!s->note || ((s->broke & IK_SH_BIT(row)) && !first_break))
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->note[row], sizeof(s->note[row]), fmt, ap);
	va_end(ap);
}
