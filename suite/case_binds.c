/*
 * The `binds` line of a case (docs/verdicts.md): which party the cited rule binds, and the
 * sentence of the RFC that binds it. A verdict is a claim about someone's product, so the level
 * of a case must follow from that sentence:
 *
 *   binds  responder: "... the responder MUST ..." (RFC2409 5)
 *
 * WHO is receiver, responder, initiator, sender, both (a rule of the protocol's parties), or
 * robustness (no RFC sentence: what a careful implementation does), policy (the DUT's own configured
 * policy, stated in its profile, which the RFC leaves to it) or advice (security advice).
 * The parser checks what can be checked mechanically: a MUST case quotes a MUST (SHALL,
 * REQUIRED) that binds the party the DUT is in the case, and never a sender rule while the DUT
 * receives our mutated message; a SHOULD case quotes a keyword or says robustness; a MAY case
 * quotes MAY or OPTIONAL. Every case and family has a binds line (the keyword is required).
 */
#include "case_internal.h"
#include "util.h"

#include <ctype.h>
#include <string.h>

static const char *const who_names[] = {
	[IK_BINDS_NONE] = "",
	[IK_BINDS_RECEIVER] = "receiver",
	[IK_BINDS_RESPONDER] = "responder",
	[IK_BINDS_INITIATOR] = "initiator",
	[IK_BINDS_SENDER] = "sender",
	[IK_BINDS_BOTH] = "both",
	[IK_BINDS_ROBUSTNESS] = "robustness",
	[IK_BINDS_ADVICE] = "advice",
	[IK_BINDS_POLICY] = "policy",
};

const char *ik_binds_name(enum ik_binds w)
{
	return (unsigned)w < IK_ARRAY_SIZE(who_names) ? who_names[w] : "?";
}

bool ik_case_parse_binds(struct ik_case *c, const char *text, const struct ik_cpos *at)
{
	size_t n = strcspn(text, " \t:");
	const char *rest = text + n;

	c->binds_who = IK_BINDS_NONE;
	for (size_t i = 1; i < IK_ARRAY_SIZE(who_names); i++)
		if (strlen(who_names[i]) == n && !strncmp(who_names[i], text, n))
			c->binds_who = (enum ik_binds)i;
	if (c->binds_who == IK_BINDS_NONE)
		return ik_case_fail(
			at,
			"binds '%.*s': expected receiver, responder, initiator, sender, "
			"both, robustness, policy or advice, then ':' and the binding sentence",
			(int)(n > 30 ? 30 : n), text);
	rest += strspn(rest, " \t");
	if (*rest != ':')
		return ik_case_fail(at, "binds %s: expected ':' and the sentence that binds it",
		                    who_names[c->binds_who]);
	rest++;
	rest += strspn(rest, " \t");
	if (strlen(rest) < 8)
		return ik_case_fail(at,
		                    "binds %s: expected the sentence (quoted from the RFC, or why "
		                    "it is robustness/advice) after ':'",
		                    who_names[c->binds_who]);
	if (strlen(rest) >= sizeof(c->binds))
		return ik_case_fail(at,
		                    "binds: longer than %zu characters (cut the sentence with ...)",
		                    sizeof(c->binds) - 1);
	snprintf(c->binds, sizeof(c->binds), "%s", rest);
	return true;
}

/* Whether an upper-case RFC 2119 keyword is a word of s. */
static bool has_word(const char *s, const char *w)
{
	size_t n = strlen(w);
	for (const char *p = s; (p = strstr(p, w)); p += n) {
		bool start = p == s || !isalpha((unsigned char)p[-1]);
		bool end = !isalpha((unsigned char)p[n]);
		if (start && end)
			return true;
	}
	return false;
}

static bool has_any(const char *s, const char *const *ws)
{
	for (; *ws; ws++)
		if (has_word(s, *ws))
			return true;
	return false;
}

/* The DUT receives a message we broke on purpose (a mutation of an outgoing message; every
 * case a family generates has one). */
static bool judges_receiver(const struct ik_case *c)
{
	for (size_t i = 0; i < c->nmut; i++)
		if (c->mut[i].place != IK_MP_RECV)
			return true;
	return false;
}

bool ik_case_check_binds(const struct ik_case *c, const char *what, bool family,
                         const struct ik_cpos *at)
{
	static const char *const must[] = {"MUST", "SHALL", "REQUIRED", NULL};
	static const char *const any[] = {"MUST",   "SHALL",       "REQUIRED",
	                                  "SHOULD", "RECOMMENDED", NULL};
	static const char *const may[] = {"MAY", "OPTIONAL", NULL};
	enum ik_binds w = c->binds_who;
	bool dut_resp = c->dut_role == IK_RESPONDER;

	if (w == IK_BINDS_NONE)
		return true; /* no binds line: block_check reports the missing keyword */
	switch (c->level) {
	case IK_LVL_MUST:
		if (w == IK_BINDS_ROBUSTNESS || w == IK_BINDS_ADVICE || w == IK_BINDS_POLICY)
			return ik_case_fail(
				at,
				"%s: level MUST, but binds %s: no RFC MUST binds the DUT "
				"(level SHOULD or ADVISORY)",
				what, ik_binds_name(w));
		if (!has_any(c->binds, must))
			return ik_case_fail(at,
			                    "%s: level MUST, but the binds sentence has no MUST, "
			                    "SHALL or REQUIRED",
			                    what);
		if ((w == IK_BINDS_INITIATOR && dut_resp) || (w == IK_BINDS_RESPONDER && !dut_resp))
			return ik_case_fail(at,
			                    "%s: level MUST, but the rule binds the %s and the DUT "
			                    "is the %s in this case",
			                    what, ik_binds_name(w),
			                    dut_resp ? "responder" : "initiator");
		if (w == IK_BINDS_SENDER && (family || judges_receiver(c)))
			return ik_case_fail(
				at,
				"%s: level MUST, but a sender rule binds us, not the DUT "
				"receiving our mutated message (level SHOULD: robustness)",
				what);
		return true;
	case IK_LVL_SHOULD:
		if (w != IK_BINDS_ROBUSTNESS && w != IK_BINDS_POLICY && !has_any(c->binds, any))
			return ik_case_fail(
				at,
				"%s: level SHOULD, but the binds sentence has no RFC 2119 "
				"keyword (or say 'binds robustness: ...')",
				what);
		return true;
	case IK_LVL_MAY:
		if (!has_any(c->binds, may))
			return ik_case_fail(at,
			                    "%s: level MAY, but the binds sentence has no MAY or "
			                    "OPTIONAL",
			                    what);
		return true;
	case IK_LVL_ADVISORY: return true;
	}
	return true;
}
