/* Message names, IOS states and stall hints from where.def; the ladder printer. */
#include "where.h"
#include "net.h"

#include <stdlib.h>
#include <string.h>

struct step {
	enum ik_xchg xchg;
	int msg;
	const char *name;
	enum ik_who sender;
	const char *ios;
	const char *hint;
};

static const struct step steps[] = {
#define STEP(x, n, name, sender, ios, hint) {x, n, name, sender, ios, hint},
#include "where.def"
#undef STEP
};

static const struct step *find(enum ik_xchg x, int msg)
{
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (steps[i].xchg == x && steps[i].msg == msg)
			return &steps[i];
	return NULL;
}

const char *ik_msg_name(enum ik_xchg x, int msg)
{
	const struct step *s = find(x, msg);
	return s ? s->name : "?";
}

const char *ik_ios_state(enum ik_xchg x, int msg)
{
	if (msg == 0)
		return x == IK_X_AGGR ? "AG_NO_STATE" : x == IK_X_MAIN ? "MM_NO_STATE" : "QM_IDLE";
	const struct step *s = find(x, msg);
	return s ? s->ios : "?";
}

const char *ik_stall_hint(enum ik_xchg x, int msg)
{
	const struct step *s = find(x, msg);
	return s ? s->hint : "no hint for this message";
}

enum ik_who ik_msg_sender(enum ik_xchg x, int msg)
{
	const struct step *s = find(x, msg);
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
