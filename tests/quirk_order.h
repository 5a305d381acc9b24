/*
 * The rows of tests/test_quirk.c for quirks renumber-reply (RFC 2408 4.2: the responder "SHOULD
 * retain" the Proposal # and Transform # offered) and fixed-order (RFC 2409 5: payloads in no
 * particular order). Included by test_quirk.c only.
 */
#ifndef IK_QUIRK_ORDER_H
#define IK_QUIRK_ORDER_H

/* Phase 1 alone, the initiator's messages under mutation mut: its SA, up or not; NULL when the
 * mutation does not parse (a broken row, which the caller reports as not going along). */
static struct ik_sa *p1_under(struct ik_pair *p, const char *mut, bool *parsed)
{
	static struct ik_mutation m;
	struct ik_status st;
	if (!(*parsed = ik_mutation_parse(mut, &m, &st)))
		return NULL;
	p->ini.mut = &m, p->ini.nmut = 1;
	p->ini.auto_quick = false;
	struct ik_sa *sa = ik_initiate(&p->ini);
	SPIN_UNTIL(p, (sa && sa->established) || p->failed, 2000);
	return sa;
}

/* MM1 offers its first transform as #7: does the initiator record MM2's answer as renumbered (a
 * broken SHOULD row), phase 1 still completing? */
static bool reply_renumbered(struct ik_pair *p)
{
	bool parsed;
	struct ik_sa *sa = p1_under(p, "MM1 SA.P[0].T[0].number set:7", &parsed);
	return sa && sa->established && (sa->sh.broke & IK_SH_BIT(IK_SH_KEEP_NUMBERS));
}

/* Quirk fixed-order, RFC 2409 5 (no "particular order") and RFC 2408 5.2 step 7: MM3 with its
 * nonce before its KE: does the responder refuse it (no MM4, phase 1 never up)? */
static bool reordered_refused(struct ik_pair *p)
{
	bool parsed;
	struct ik_sa *sa = p1_under(p, "MM3 NONCE reorder:0", &parsed);
	return parsed && !(sa && sa->established);
}

#endif
