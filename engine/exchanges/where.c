/* Message names, IOS states, stall hints and the state enum from messages.def; the ladder
 * printer. */
#include "where.h"
#include "net.h"

#include <stdlib.h>
#include <string.h>

struct step {
	enum ik_xchg xchg;
	int msg;
	const char *name;
	enum ik_who sender;
	const char *ios;  /* NULL: the message changes no IOS state */
	const char *hint; /* NULL: none */
};

/* In the order of enum ik_state: steps[s - 1] is state s. */
static const struct step steps[] = {
#define MSG(state, name, x, n, sender, enc, payloads, ios, hint, handlers) \
	{x, n, name, sender, ios, hint},
#include "messages.def"
#undef MSG
};

static const struct step *at(enum ik_state s)
{
	return s > IK_ST_NONE && s < IK_ST_COUNT ? &steps[s - 1] : NULL;
}

enum ik_state ik_state_of(enum ik_xchg x, int msg)
{
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (steps[i].xchg == x && steps[i].msg == msg)
			return (enum ik_state)(i + 1);
	return IK_ST_NONE;
}

enum ik_xchg ik_state_xchg(enum ik_state s)
{
	const struct step *p = at(s);
	return p ? p->xchg : IK_X_MAIN;
}

int ik_state_msg(enum ik_state s)
{
	const struct step *p = at(s);
	return p ? p->msg : 0;
}

const char *ik_state_name(enum ik_state s)
{
	const struct step *p = at(s);
	return p ? p->name : "?";
}

bool ik_state_final(enum ik_state s)
{
	const struct step *p = at(s);
	return p && p->msg == ik_xchg_len(p->xchg);
}

const char *ik_msg_name(enum ik_xchg x, int msg)
{
	return ik_state_name(ik_state_of(x, msg));
}

const char *ik_ios_state(enum ik_xchg x, int msg)
{
	if (msg == 0)
		return x == IK_X_AGGR ? "AG_NO_STATE" : x == IK_X_MAIN ? "MM_NO_STATE" : "QM_IDLE";
	const struct step *s = at(ik_state_of(x, msg));
	return s && s->ios ? s->ios : "?";
}

const char *ik_stall_hint(enum ik_xchg x, int msg)
{
	const struct step *s = at(ik_state_of(x, msg));
	return s && s->hint ? s->hint : "no hint for this message";
}

enum ik_who ik_msg_sender(enum ik_xchg x, int msg)
{
	const struct step *s = at(ik_state_of(x, msg));
	return s ? s->sender : IK_INITIATOR;
}

int ik_xchg_len(enum ik_xchg x)
{
	int n = 0;
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (steps[i].xchg == x && steps[i].msg > n)
			n = steps[i].msg;
	return n;
}

const char *ik_role_name(enum ik_who r)
{
	return r == IK_INITIATOR ? "initiator" : "responder";
}

void ik_ladder_init(struct ik_ladder *l)
{
	memset(l, 0, sizeof(*l));
	l->t0_ms = ik_now_ms();
}

void ik_ladder_free(struct ik_ladder *l)
{
	free(l->rungs);
	memset(l, 0, sizeof(*l));
}

struct ik_rung *ik_ladder_add(struct ik_ladder *l, bool sent, enum ik_xchg x, int msg)
{
	if (l->off)
		return NULL;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct ik_rung *r = realloc(l->rungs, cap * sizeof(*r));
		if (!r)
			return NULL;
		l->rungs = r;
		l->cap = cap;
	}
	struct ik_rung *r = &l->rungs[l->n++];
	memset(r, 0, sizeof(*r));
	r->t_ms = ik_now_ms() - l->t0_ms;
	r->sent = sent;
	r->xchg = x;
	r->msg = msg;
	return r;
}

void ik_ladder_print(const struct ik_ladder *l, FILE *f, const char *dut_name)
{
	fprintf(f, "  %9s  %-8s %-4s %-22s %s\n", "time", "tester", "", dut_name, "state after");
	for (size_t i = 0; i < l->n; i++) {
		const struct ik_rung *r = &l->rungs[i];
		const char *name = r->msg ? ik_msg_name(r->xchg, r->msg) : "INFO";
		char arrow[48];
		snprintf(arrow, sizeof(arrow), r->sent ? "---- %s%s --->" : "<--- %s%s ----", name,
		         r->retransmit ? "(re)" : "");
		fprintf(f, "  %7.3f s  %-35s %-12s %s%s%s\n", (double)r->t_ms / 1000.0, arrow,
		        r->msg ? ik_ios_state(r->xchg, r->msg) : "", r->payloads,
		        r->note[0] ? "  ; " : "", r->note);
	}
}
