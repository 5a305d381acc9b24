/* `ikecheck connect --ping N`: pings through the tunnel connect brought up (connect_ping.c). */
#ifndef IK_CONNECT_PING_H
#define IK_CONNECT_PING_H

#include "datapath.h"
#include "run_engine.h"

struct ik_ping_run {
	unsigned n;            /* pings asked for (0: none) */
	struct ik_datapath dp; /* what happened to them */
	char why[256];         /* the data path could not start */
};

/* Send p->n echo requests, PING_GAP_MS apart, from the first host of tester.subnet to the first
 * host of dut.subnet through qm's ESP SA, and wait for the replies. */
void ik_connect_ping(struct ik_run *r, const struct ik_sa *sa, const struct ik_qm *qm,
                     struct ik_ping_run *p);
/* One line per ping and the summary; true when at least one came back. */
bool ik_connect_ping_report(const struct ik_ping_run *p, const struct ik_profile *prof);
void ik_connect_ping_end(struct ik_ping_run *p);

#endif
