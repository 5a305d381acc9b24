/* The message rule check; the rules themselves are the encryption and payload columns of
 * messages.def. */
#include "rules.h"
#include "consts.h"

/* Which authentication method a rule applies under: PK() / PS() / PE() of messages.def, one
 * more than enum ik_rules_auth. */
enum { ANY_AUTH, PSK_ONLY, SIG_ONLY, ENC_ONLY };

struct rule {
	uint8_t type; /* IK_PAYLOAD_NONE (0) ends a message's list */
	uint8_t min, max, pos;
	uint8_t auth;
};

struct msg_rules {
	enum ik_xchg x;
	int msg;
	enum ik_enc enc;
	const struct rule *r;
};

/* A message's payload list is a compound literal ended by {0}: the list may be empty. */
static const struct msg_rules msgs[] = {
#define P(t, lo, hi, pos)  {IK_PAYLOAD_##t, lo, hi, pos, ANY_AUTH},
#define PK(t, lo, hi, pos) {IK_PAYLOAD_##t, lo, hi, pos, PSK_ONLY},
#define PS(t, lo, hi, pos) {IK_PAYLOAD_##t, lo, hi, pos, SIG_ONLY},
#define PE(t, lo, hi, pos) {IK_PAYLOAD_##t, lo, hi, pos, ENC_ONLY},
#define MSG(state, name, x, n, sender, enc, payloads, ios, hint, handlers) \
	{x, n, enc, (const struct rule[]){payloads{0}}},
#include "messages.def"
#undef MSG
#undef PE
#undef PS
#undef PK
#undef P
};

/* Whether rule r applies under the authentication method auth. */
static bool applies(const struct rule *r, enum ik_rules_auth auth)
{
	return r->auth == ANY_AUTH || r->auth == (int)auth + 1;
}

static const struct msg_rules *find(enum ik_xchg x, int msg)
{
	for (size_t i = 0; i < sizeof(msgs) / sizeof(msgs[0]); i++)
		if (msgs[i].x == x && msgs[i].msg == msg)
			return &msgs[i];
	return NULL;
}

/* The rule of the message for payload type t; NULL when the message may not carry it. */
static const struct rule *rule_of(const struct msg_rules *m, uint8_t t, enum ik_rules_auth auth)
{
	for (const struct rule *r = m ? m->r : NULL; r && r->type; r++)
		if (r->type == t && applies(r, auth))
			return r;
	return NULL;
}

enum ik_enc ik_rules_enc(enum ik_xchg x, int msg)
{
	const struct msg_rules *m = find(x, msg);
	return m ? m->enc : IK_ENC_ANY;
}

uint8_t ik_rules_first(enum ik_xchg x, int msg)
{
	const struct msg_rules *m = find(x, msg);
	for (const struct rule *r = m ? m->r : NULL; r && r->type; r++)
		if (r->pos == 1)
			return r->type;
	return 0;
}

unsigned ik_rules_min(enum ik_xchg x, int msg, uint8_t type)
{
	return ik_rules_min_auth(x, msg, type, IK_RULES_PSK);
}

unsigned ik_rules_min_auth(enum ik_xchg x, int msg, uint8_t type, enum ik_rules_auth auth)
{
	const struct rule *r = rule_of(find(x, msg), type, auth);
	return r ? r->min : 0;
}

size_t ik_rules_required(enum ik_xchg x, int msg, uint8_t *types, size_t cap)
{
	const struct msg_rules *m = find(x, msg);
	size_t n = 0;
	for (const struct rule *r = m ? m->r : NULL; r && r->type; r++)
		if (r->min >= 1 && applies(r, IK_RULES_PSK) && n < cap)
			types[n++] = r->type;
	return n;
}

bool ik_rules_check(enum ik_xchg x, int msg, bool encrypted, const uint8_t *types, size_t n,
                    struct ik_status *st)
{
	return ik_rules_check_auth(x, msg, encrypted, IK_RULES_PSK, types, n, st);
}

bool ik_rules_check_auth(enum ik_xchg x, int msg, bool encrypted, enum ik_rules_auth auth,
                         const uint8_t *types, size_t n, struct ik_status *st)
{
	char nb[IK_NAME_MAX];
	const struct msg_rules *mr = find(x, msg);
	enum ik_enc e = mr ? mr->enc : IK_ENC_ANY;
	const char *m = ik_msg_name(x, msg);

	if ((e == IK_ENC_YES && !encrypted) || (e == IK_ENC_NO && encrypted))
		return ik_fail(st, IK_NOTIFY_INVALID_FLAGS, "%s must %sbe encrypted (RFC 2409 5)",
		               m, e == IK_ENC_YES ? "" : "not ");
	for (size_t i = 0; i < n; i++) {
		const struct rule *r = rule_of(mr, types[i], auth);
		if (!r)
			return ik_fail(st, IK_NOTIFY_INVALID_PAYLOAD_TYPE,
			               "%s may not carry a %s payload (payload %zu)", m,
			               ik_fmt(nb, IK_T_PAYLOAD, types[i]), i + 1);
		if (r->pos && r->pos != i + 1)
			return ik_fail(
				st, IK_NOTIFY_PAYLOAD_MALFORMED,
				"%s: %s must be payload %u, found as payload %zu (RFC 2409 5/5.5)",
				m, ik_name(IK_T_PAYLOAD, types[i]), r->pos, i + 1);
	}
	for (const struct rule *r = mr ? mr->r : NULL; r && r->type; r++) {
		size_t count = 0;
		if (!applies(r, auth))
			continue;
		for (size_t i = 0; i < n; i++)
			count += types[i] == r->type;
		if (count < r->min || count > r->max)
			return ik_fail(st, IK_NOTIFY_PAYLOAD_MALFORMED,
			               "%s carries %zu %s payload(s), %u to %u expected", m, count,
			               ik_name(IK_T_PAYLOAD, r->type), r->min, r->max);
	}
	return true;
}

/* Quirk fixed-order: the payloads must come in the order of messages.def's rows, which RFC 2409 5
 * does not ask ("there are no requirements for ISAKMP payloads in any message to be in any
 * particular order"; RFC 2408 5.2 step 7: processing follows the Next Payload field). */
bool ik_rules_in_order(enum ik_xchg x, int msg, enum ik_rules_auth auth, const uint8_t *types,
                       size_t n, struct ik_status *st)
{
	const struct msg_rules *mr = find(x, msg);
	const struct rule *last = NULL;

	for (size_t i = 0; i < n; i++) {
		const struct rule *r = rule_of(mr, types[i], auth);
		if (r && last && r < last)
			return ik_fail(st, IK_NOTIFY_PAYLOAD_MALFORMED, "%s: %s after %s",
			               ik_msg_name(x, msg), ik_name(IK_T_PAYLOAD, r->type),
			               ik_name(IK_T_PAYLOAD, last->type));
		if (r)
			last = r;
	}
	return true;
}
