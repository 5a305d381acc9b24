/* The message rule check; the rules themselves are data in rules.def. */
#include "rules.h"
#include "consts.h"

struct rule {
	enum ik_xchg x;
	int msg;
	uint8_t type;
	uint8_t min, max, pos;
};

struct enc_rule {
	enum ik_xchg x;
	int msg;
	enum ik_enc enc;
};

static const struct rule rules[] = {
#define ENC(x, m, e)
#define RULE(x, m, t, lo, hi, pos) {x, m, t, lo, hi, pos},
#include "rules.def"
#undef ENC
#undef RULE
};

static const struct enc_rule encs[] = {
#define ENC(x, m, e) {x, m, e},
#define RULE(x, m, t, lo, hi, pos)
#include "rules.def"
#undef ENC
#undef RULE
};

enum ik_enc ik_rules_enc(enum ik_xchg x, int msg)
{
	for (size_t i = 0; i < sizeof(encs) / sizeof(encs[0]); i++)
		if (encs[i].x == x && encs[i].msg == msg)
			return encs[i].enc;
	return IK_ENC_ANY;
}

uint8_t ik_rules_first(enum ik_xchg x, int msg)
{
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (rules[i].x == x && rules[i].msg == msg && rules[i].pos == 1)
			return rules[i].type;
	return 0;
}

unsigned ik_rules_min(enum ik_xchg x, int msg, uint8_t type)
{
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (rules[i].x == x && rules[i].msg == msg && rules[i].type == type)
			return rules[i].min;
	return 0;
}

static const char *msg_label(enum ik_xchg x, int msg)
{
	return x == IK_X_INFO ? (msg == IK_INFO_PLAIN ? "INFO (plain)" : "INFO")
	                      : ik_msg_name(x, msg);
}

bool ik_rules_check(enum ik_xchg x, int msg, bool encrypted, const uint8_t *types, size_t n,
                    struct ik_status *st)
{
	char nb[IK_NAME_MAX];
	enum ik_enc e = ik_rules_enc(x, msg);
	const char *m = msg_label(x, msg);

	if ((e == IK_ENC_YES && !encrypted) || (e == IK_ENC_NO && encrypted))
		return ik_fail(st, IK_NOTIFY_INVALID_FLAGS, "%s must %sbe encrypted (RFC 2409 5)",
		               m, e == IK_ENC_YES ? "" : "not ");
	for (size_t i = 0; i < n; i++) {
		size_t k;
		for (k = 0; k < sizeof(rules) / sizeof(rules[0]); k++)
			if (rules[k].x == x && rules[k].msg == msg && rules[k].type == types[i])
				break;
		if (k == sizeof(rules) / sizeof(rules[0]))
			return ik_fail(st, IK_NOTIFY_INVALID_PAYLOAD_TYPE,
			               "%s may not carry a %s payload (payload %zu)", m,
			               ik_fmt(nb, IK_T_PAYLOAD, types[i]), i + 1);
		if (rules[k].pos && rules[k].pos != i + 1)
			return ik_fail(
				st, IK_NOTIFY_PAYLOAD_MALFORMED,
				"%s: %s must be payload %u, found as payload %zu (RFC 2409 5/5.5)",
				m, ik_name(IK_T_PAYLOAD, types[i]), rules[k].pos, i + 1);
	}
	for (size_t k = 0; k < sizeof(rules) / sizeof(rules[0]); k++) {
		const struct rule *r = &rules[k];
		if (r->x != x || r->msg != msg)
			continue;
		size_t count = 0;
		for (size_t i = 0; i < n; i++)
			count += types[i] == r->type;
		if (count < r->min || count > r->max)
			return ik_fail(st, IK_NOTIFY_PAYLOAD_MALFORMED,
			               "%s carries %zu %s payload(s), %u to %u expected", m, count,
			               ik_name(IK_T_PAYLOAD, r->type), r->min, r->max);
	}
	return true;
}
