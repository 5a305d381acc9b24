/*
 * The row of tests/test_quirk.c for the DPD quirk (engine/mutation/quirk.def, suite/cases/dpd):
 * the responder probes an idle initiator (cfg.dpd_delay, RFC 3706 5.5) and the initiator judges
 * its queries (engine/exchanges/dpd.c). Included by test_quirk.c only, as tests/quirk_esp.h.
 */
#ifndef IK_QUIRK_DPD_H
#define IK_QUIRK_DPD_H

/* DPD both ways (the vendor ID), the responder probing after 1 s of idleness. */
static void responder_probes(struct ik_cfg *ci, struct ik_cfg *cr)
{
	ci->dpd = cr->dpd = true;
	cr->dpd_delay = 1;
}

/* Quirk dpd-seq-stuck (RFC 3706 6.2): the initiator leaves the first query unanswered and answers
 * the second (which may repeat the number: a retransmission, 5.4); the responder's next query,
 * after that ACK, carries the same number again, and the initiator records the break as the
 * peer's fault. Conformant: each query one up, no fault. */
static bool dpd_seq_repeated(struct ik_pair *p)
{
	ik_initiate(&p->ini);
	SPIN_UNTIL(p, (p->ini.sas && p->ini.sas->established) || p->failed, 2000);
	struct ik_sa *si = p->ini.sas;
	if (!si || !si->established)
		return false;
	si->dpd_ack_skip = 1;
	SPIN_UNTIL(p, si->n_dpd_rx >= 3, 5000);
	return si->n_dpd_rx >= 3 && si->dpd_rx[1].acked &&
	       si->dpd_rx[1].msgid != si->dpd_rx[2].msgid && strstr(si->fault, "3706 6.2");
}

/* DPD vendor IDs both ways, nobody probing on its own. */
static void dpd_both(struct ik_cfg *ci, struct ik_cfg *cr)
{
	ci->dpd = cr->dpd = true;
}

/* Phase 1 up, then the initiator's R-U-THERE under mutations a (and b): is it ACKed? */
static bool query_acked(struct ik_pair *p, const char *a, const char *b)
{
	static struct ik_mutation m[2];
	struct ik_status st;
	if (!ik_mutation_parse(a, &m[0], &st) || (b && !ik_mutation_parse(b, &m[1], &st)))
		return false;
	p->ini.mut = m, p->ini.nmut = b ? 2 : 1; /* INFO only: phase 1 goes clean */
	p->ini.auto_quick = false;
	struct ik_sa *sa = ik_initiate(&p->ini);
	SPIN_UNTIL(p, (sa && sa->established) || p->failed, 2000);
	if (!sa || !sa->established || !ik_send_dpd(sa))
		return false;
	SPIN_UNTIL(p, p->dpd_acks > 0, 500);
	return p->dpd_acks > 0;
}

/* Quirk dpd-lax, RFC 3706 5.2: "an entity MUST reject unencrypted R-U-THERE" messages. */
static bool clear_query_acked(struct ik_pair *p)
{
	return query_acked(p, "INFO crypto omit", "INFO HASH omit");
}

/* Quirk dpd-lax, RFC 3706 6.1: the cookies in the SPI field checked. */
static bool cookie_query_acked(struct ik_pair *p)
{
	return query_acked(p, "INFO N.spi flip:0", NULL);
}

/* Quirk dpd-lax, RFC 3706 6.2: two queries answered, then the first one's number again under a
 * new message ID (ik_send_dpd_replay): answered too? */
static bool replay_acked(struct ik_pair *p)
{
	p->ini.auto_quick = false;
	struct ik_sa *sa = ik_initiate(&p->ini);
	SPIN_UNTIL(p, (sa && sa->established) || p->failed, 2000);
	for (int i = 1; sa && sa->established && i <= 2; i++) {
		ik_send_dpd(sa);
		SPIN_UNTIL(p, p->dpd_acks >= i, 500);
	}
	if (p->dpd_acks != 2 || !ik_send_dpd_replay(sa))
		return false;
	SPIN_UNTIL(p, p->dpd_acks > 2, 500);
	return p->dpd_acks > 2;
}

/* The responder probes after 1 s of idleness; the initiator sends no DPD vendor ID. */
static void probes_no_vid(struct ik_cfg *ci, struct ik_cfg *cr)
{
	ci->dpd = false;
	cr->dpd = true;
	cr->dpd_delay = 1;
}

/* Quirk dpd-lax, RFC 3706 5.1: "Both peers of an IKE session MUST send the DPD vendor ID before
 * DPD exchanges can begin": does an R-U-THERE reach the initiator all the same? */
static bool probed_without_vid(struct ik_pair *p)
{
	p->ini.auto_quick = false;
	ik_initiate(&p->ini);
	SPIN_UNTIL(p, (p->ini.sas && p->ini.sas->established) || p->failed, 2000);
	struct ik_sa *si = p->ini.sas;
	if (!si || !si->established)
		return false;
	SPIN_UNTIL(p, si->n_dpd_rx > 0, 2500);
	return si->n_dpd_rx > 0;
}

#endif
