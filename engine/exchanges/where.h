/*
 * Where an exchange is: RFC message names (MM1..MM6, AM1..AM3, QM1..QM3), Cisco IOS states
 * (MM_NO_STATE .. QM_IDLE), the hint for a stall, and the message ladder that reports print.
 */
#ifndef IK_WHERE_H
#define IK_WHERE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum ik_who { IK_INITIATOR, IK_RESPONDER };
enum ik_xchg { IK_X_MAIN, IK_X_AGGR, IK_X_QUICK, IK_X_INFO, IK_X_TRANS };

/* Where an exchange is, one state per row of messages.def: IK_ST_MM3 = "MM3 is done". An SA's
 * phase 1 and each quick mode are in one of these (ik_sa_state, ik_qm_state of ike.h). */
enum ik_state {
	IK_ST_NONE, /* no message of the exchange done yet */
#define MSG(state, ...) IK_ST_##state,
#include "messages.def"
#undef MSG
	IK_ST_COUNT
};

/* The state once message msg of exchange x is done; IK_ST_NONE for msg 0 or no such message. */
enum ik_state ik_state_of(enum ik_xchg x, int msg);
enum ik_xchg ik_state_xchg(enum ik_state s);
int ik_state_msg(enum ik_state s);          /* its message number; 0 for IK_ST_NONE */
const char *ik_state_name(enum ik_state s); /* "MM3"; "?" for IK_ST_NONE */
/* Whether the state's message is the last of its exchange: the exchange is complete. */
bool ik_state_final(enum ik_state s);

/* "MM3"; "?" when the exchange has no such message. The RFC name column of messages.def. */
const char *ik_msg_name(enum ik_xchg x, int msg);
/* IOS state once message msg is done; msg 0 = before the first message. */
const char *ik_ios_state(enum ik_xchg x, int msg);
/* One sentence on the likely cause when message msg was expected and never came. */
const char *ik_stall_hint(enum ik_xchg x, int msg);
/* Who sends message msg of exchange x. */
enum ik_who ik_msg_sender(enum ik_xchg x, int msg);
/* Number of messages in the exchange (6 main, 3 aggressive and quick, ...). */
int ik_xchg_len(enum ik_xchg x);
const char *ik_role_name(enum ik_who r);

/* One rung of the message ladder: what crossed the wire, and the state after it. */
/* The note of a rung whose datagram our own host refused to send (engine/exchanges/ike.c). */
#define IK_NOT_SENT "not sent: local error"

struct ik_rung {
	uint64_t t_ms; /* since the ladder started */
	bool sent;     /* by us (the tester) */
	enum ik_xchg xchg;
	int msg;         /* RFC message number, 0 when it fits none (a stray notify) */
	uint16_t notify; /* notify type carried, 0 if none */
	bool retransmit;
	char payloads[96]; /* e.g. "HDR*, HASH, ID, NAT-D" (* = encrypted) */
	char note[96];     /* mutation applied, decode finding, ... */
};

struct ik_ladder {
	uint64_t t0_ms;
	bool off; /* nothing reads it (ik_cfg no_ladder): ik_ladder_add keeps no rung */
	struct ik_rung *rungs;
	size_t n, cap;
};

void ik_ladder_init(struct ik_ladder *l);
void ik_ladder_free(struct ik_ladder *l);
struct ik_rung *ik_ladder_add(struct ik_ladder *l, bool sent, enum ik_xchg x, int msg);
/* A new rung at the end; NULL when the ladder is off or memory runs out (callers skip it). */
/* Print as a two-column ladder: tester on the left, DUT on the right. */
void ik_ladder_print(const struct ik_ladder *l, FILE *f, const char *dut_name);

#endif
