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

#endif
