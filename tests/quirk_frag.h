/*
 * The rows of tests/test_quirk.c for the IKEv1 fragmentation quirks (frag-loose, frag-no-last).
 * Included by test_quirk.c only (static functions, as tests/quirk_cert.h).
 */
#ifndef IK_QUIRK_FRAG_H
#define IK_QUIRK_FRAG_H

/* IKEv1 fragmentation (frag.h): the initiator fragments MM1 into 36-octet slices, fragment 2 under
 * Fragment ID 2. A conformant responder never completes the set of ID 1; frag-loose takes every ID
 * of the SA as one set and answers. */
static void frag_initiator(struct ik_cfg *ci, struct ik_cfg *cr)
{
	ci->frag = IK_FRAG_FORCE, ci->frag_size = 100;
	cr->frag = IK_FRAG_ACCEPT;
}

static bool frag_mixed_ids_taken(struct ik_pair *p)
{
	static struct ik_mutation m;
	struct ik_status st;
	if (!ik_mutation_parse("MM1 frag[2] set:2", &m, &st))
		return false;
	p->ini.mut = &m, p->ini.nmut = 1;
	return p1_up(p) && m.applied;
}

/* The responder fragments its own messages; frag-no-last leaves the LAST flag off, so the
 * initiator never has MM2 and phase 1 never comes up. */
static void frag_responder(struct ik_cfg *ci, struct ik_cfg *cr)
{
	ci->frag = IK_FRAG_ACCEPT;
	cr->frag = IK_FRAG_FORCE, cr->frag_size = 100;
}

static bool frag_never_complete(struct ik_pair *p)
{
	return !p1_up(p) && p->ini.frags;
}

#endif
