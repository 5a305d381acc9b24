/*
 * Two engines in one process on loopback (DESIGN.md: integration tests run two engines against
 * each other in-process). Shared by the exchange tests and the benchmark; tests/ike_pair.c.
 */
#ifndef IK_TEST_PAIR_H
#define IK_TEST_PAIR_H

#include "consts.h"
#include "ike.h"

#include <stdbool.h>
#include <stdint.h>

/* What the responder's handshake part (struct ik_hs, freed right after IK_EV_P1_UP) held when
 * its phase 1 came up: its first offer as received, the initiator's nonce length, the identity. */
struct pair_hs {
	struct ik_p1_xform offer0;
	size_t ni_len;
	struct ik_id id_peer;
	bool seen; /* the event found the handshake part still there */
};

struct ik_pair {
	struct ik_loop loop;
	struct ik_engine ini, res;
	int p1_up, p2_up, failed, dpd_acks, deletes, notifies;
	int ipsec_deletes; /* IK_EV_DELETE naming a quick mode: the peer deleted that IPsec SA */
	struct ik_status why;
	struct pair_hs res_hs, ini_hs; /* each side's, as its phase 1 came up */
};

/* An IPv4 address, or a subnet as address and mask, as a phase 1 or phase 2 identity. */
void id_addr4(struct ik_id *id, const char *a);
void id_subnet4(struct ik_id *id, const char *a, const char *mask);

/* A symmetric default: AES-128/SHA-1/MODP-2048 PSK, ESP AES-128/HMAC-SHA1 with PFS 14. */
void pair_cfg(struct ik_cfg *c, bool initiator);
/* Both engines on one loop, the initiator aimed at the responder's port and bringing quick mode
 * up by itself; false (st says why) when either cannot start. */
bool pair_open(struct ik_pair *p, struct ik_cfg *ci, struct ik_cfg *cr, struct ik_status *st);
/* Run the loop for ms milliseconds whatever happens. */
void pair_spin(struct ik_pair *p, uint64_t ms);
/* Run until both sides have `want` quick modes up, something failed, or ms passed. */
void pair_run(struct ik_pair *p, int want, uint64_t ms);
void pair_close(struct ik_pair *p);

#endif
