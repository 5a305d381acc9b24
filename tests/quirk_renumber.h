/*
 * The row of tests/test_quirk.c for quirk renumber-reply (RFC 2408 4.2: the responder "SHOULD
 * retain" the Proposal # and Transform # offered). Included by test_quirk.c only.
 */
#ifndef IK_QUIRK_RENUMBER_H
#define IK_QUIRK_RENUMBER_H

/* MM1 offers its first transform as #7: does the initiator record MM2's answer as renumbered (a
 * broken SHOULD row), phase 1 still completing? */
static bool reply_renumbered(struct ik_pair *p)
{
	static struct ik_mutation m;
	struct ik_status st;
	if (!ik_mutation_parse("MM1 SA.P[0].T[0].number set:7", &m, &st))
		return false;
	p->ini.mut = &m, p->ini.nmut = 1;
	p->ini.auto_quick = false;
	struct ik_sa *sa = ik_initiate(&p->ini);
	SPIN_UNTIL(p, (sa && sa->established) || p->failed, 2000);
	return sa && sa->established && (sa->sh.broke & IK_SH_BIT(IK_SH_KEEP_NUMBERS));
}

#endif
