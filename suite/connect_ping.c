/*
 * `ikecheck connect --ping N` (issue 12 "Done when"): after quick mode, ICMP echo through the
 * tunnel with ikecheck's own ESP (engine/esp/, suite/datapath.c), ESP in UDP on the NAT-T port
 * (RFC 3948), and the round trip of every reply, checked down to the inner ICMP checksum.
 */
#include "connect_ping.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#define PING_GAP_MS    200
#define PING_WAIT_MS   1000 /* after the last ping */
#define PING_SETTLE_MS 250

void ik_connect_ping(struct ik_run *r, const struct ik_sa *sa, const struct ik_qm *qm,
                     struct ik_ping_run *p)
{
	struct ik_status st = {0};
	const struct ik_profile *prof = r->p;
	if (!ik_dp_start(&p->dp, &r->eng, sa, qm, ik_profile_first_host(&prof->tester),
	                 ik_profile_first_host(&prof->dut), &st)) {
		snprintf(p->why, sizeof(p->why), "%s", st.why);
		return;
	}
	/* The DUT installs its SAs once it has QM3, at its own pace (charon: a worker thread, then
	 * kernel-libipsec's route): the first ping waits PING_SETTLE_MS. */
	uint64_t next = ik_now_ms() + PING_SETTLE_MS, end = 0;
	while (!r->loop.stop && p->dp.replies < p->n) {
		uint64_t now = ik_now_ms();
		if (p->dp.sent < p->n && now >= next) {
			if (!ik_dp_ping(&p->dp, (uint16_t)p->dp.sent, &st)) {
				snprintf(p->why, sizeof(p->why), "%s", st.why);
				break;
			}
			next = now + PING_GAP_MS;
			if (p->dp.sent == p->n)
				end = now + PING_WAIT_MS;
		}
		if (end && now >= end)
			break;
		ik_loop_once(&r->loop, 20);
	}
}

bool ik_connect_ping_report(const struct ik_ping_run *p, const struct ik_profile *prof)
{
	const struct ik_datapath *dp = &p->dp;
	char to[INET_ADDRSTRLEN];
	struct in_addr a = ik_profile_first_host(&prof->dut);
	inet_ntop(AF_INET, &a, to, sizeof(to));
	for (unsigned i = 0; i < dp->sent; i++) {
		if (dp->rtt_ms[i] >= 0)
			printf("ping %s through the tunnel: seq %u, %.2f ms\n", to, i,
			       dp->rtt_ms[i]);
		else
			printf("ping %s through the tunnel: seq %u, no reply\n", to, i);
	}
	if (p->why[0])
		printf("traffic: could not ping: %s\n", p->why);
	else if (dp->replies)
		printf("traffic: %u of %u pings came back through ESP in UDP (SPI out 0x%08x, in "
		       "0x%08x): the SA carries traffic\n",
		       dp->replies, dp->sent, dp->out.spi, dp->in.spi);
	else
		printf("traffic: none of %u pings came back through ESP%s%s\n", dp->sent,
		       dp->refused ? "; refused: " : "", dp->refused ? dp->why : "");
	return dp->replies > 0;
}

void ik_connect_ping_end(struct ik_ping_run *p)
{
	ik_dp_stop(&p->dp);
}
