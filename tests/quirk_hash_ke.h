/*
 * Probes of tests/test_quirk.c for the HASH and KE quirks (ignore-hash, weak-ke; RFC 2409 5,
 * 5.5, 5.7; RFC 2412; RFC 5903): a garbled SKEYID_a, and KE values the responder must refuse.
 * Included by test_quirk.c only.
 */
#ifndef IK_QUIRK_HASH_KE_H
#define IK_QUIRK_HASH_KE_H

/* Phase 1 up, then the initiator's SKEYID_a garbled: its quick mode and informational HASHes
 * are wrong while encryption (SKEYID_e) still works. */
static struct ik_sa *p1_then_bad_skeyid_a(struct ik_pair *p)
{
	p->ini.auto_quick = false;
	struct ik_sa *sa = ik_initiate(&p->ini);
	SPIN_UNTIL(p, (p->res.p1_up && p->ini.p1_up) || p->failed, 2000);
	if (!sa || !sa->established)
		return NULL;
	sa->k.p1.skeyid_a[0] ^= 0xff;
	return sa;
}

static bool qm_bad_hash(struct ik_pair *p)
{
	struct ik_sa *sa = p1_then_bad_skeyid_a(p);
	if (!sa)
		return false;
	ik_quick_initiate(sa);
	SPIN_UNTIL(p, p->res.p2_up || p->failed, 2000);
	return p->res.p2_up > 0;
}

static bool info_bad_hash(struct ik_pair *p)
{
	struct ik_sa *sa = p1_then_bad_skeyid_a(p);
	if (!sa)
		return false;
	uint8_t spi[16];
	memcpy(spi, sa->icookie, 8);
	memcpy(spi + 8, sa->rcookie, 8);
	ik_send_delete(sa, IK_PROTO_ISAKMP, spi, 16, 1);
	SPIN_UNTIL(p, p->deletes, 500);
	return p->deletes > 0;
}

/* Main mode up to MM4 with the initiator's KE replaced: did the responder answer MM3? */
static bool weak_ke(struct ik_pair *p, uint16_t group, const uint8_t *pub, size_t len)
{
	struct ik_status st;
	p->ini.auto_quick = false;
	struct ik_sa *sa = ik_initiate(&p->ini);
	/* MM3 is built when MM2 arrives, from this pair if one is there (phase1.c). */
	if (!sa || !sa->hs || !ik_dh_generate(&sa->hs->k.dh, ik_dh_by_id(group), &st))
		return false;
	memcpy(sa->hs->k.dh.pub, pub, len);
	SPIN_UNTIL(p, (p->res.sas && p->res.sas->msg >= 4) || p->failed, 1500);
	return p->res.sas && p->res.sas->msg >= 4;
}

static bool weak_ke_one(struct ik_pair *p)
{
	uint8_t one[256] = {0};
	one[255] = 1;
	return weak_ke(p, 14, one, sizeof(one));
}

static bool weak_ke_above_p(struct ik_pair *p)
{
	uint8_t ff[256];
	memset(ff, 0xff, sizeof(ff));
	return weak_ke(p, 14, ff, sizeof(ff));
}

/* A KE one octet short of MODP-2048 (RFC 2409 5: it MUST be the group's length). */
static bool weak_ke_short(struct ik_pair *p)
{
	struct ik_status st;
	uint8_t v[255];
	memset(v, 0x5a, sizeof(v));
	p->ini.auto_quick = false;
	struct ik_sa *sa = ik_initiate(&p->ini);
	if (!sa || !sa->hs || !ik_dh_generate(&sa->hs->k.dh, ik_dh_by_id(14), &st))
		return false;
	memcpy(sa->hs->k.dh.pub, v, sizeof(v));
	sa->hs->k.dh.pub_len = sizeof(v);
	SPIN_UNTIL(p, (p->res.sas && p->res.sas->msg >= 4) || p->failed, 1500);
	return p->res.sas && p->res.sas->msg >= 4;
}

static bool weak_ke_off_curve(struct ik_pair *p)
{
	uint8_t pt[64] = {0};
	pt[31] = pt[63] = 1; /* (1, 1) is not on P-256 */
	return weak_ke(p, 19, pt, sizeof(pt));
}

#endif
