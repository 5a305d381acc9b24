/*
 * Mutation specs (mutate.h): the parser and the catalogue, both driven by the two tables below
 * -- which operations exist and what argument each takes, and which operations each place
 * accepts. `ikecheck list mutations` prints the same tables the parser checks against.
 */
#include "mutate.h"
#include "rules.h"
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The argument an operation takes. */
enum arg_form { A_NONE, A_VALUE, A_FILL, A_OPT_NUM, A_NUM, A_HEX, A_MS, A_MSG };

static const struct op_desc {
	const char *name;
	enum ik_mut_op op;
	enum arg_form arg;
	const char *form; /* as the catalogue shows it */
	const char *help;
} ops[] = {
	{"set", IK_MO_SET, A_VALUE, "set:V",
         "a number field gets V (decimal or 0x..); an octet field or offset gets hex octets V; "
         "KE.data also takes zero, one, p-1 (RFC 2409 5, RFC 2412)"},
	{"omit", IK_MO_OMIT, A_NONE, "omit",
         "a field is not written at all; a payload, proposal, transform or attribute is removed"},
	{"empty", IK_MO_EMPTY, A_NONE, "empty",
         "an octet field gets length 0; a node loses its children (an SA its proposals, a "
         "transform its attributes), a node without children its octet fields"},
	{"duplicate", IK_MO_DUPLICATE, A_NONE, "duplicate",
         "a copy of the node right after it; send: the datagram twice; recv: processed twice"},
	{"fill", IK_MO_FILL, A_FILL, "fill:BYTE[:LEN]",
         "LEN octets of BYTE (default: the current length; at an offset: to the end)"},
	{"flip", IK_MO_FLIP, A_OPT_NUM, "flip[:N]",
         "octet N (default 0) xor 0xff; on a number field bit N; at an offset octet OFF+N"},
	{"truncate", IK_MO_TRUNCATE, A_NUM, "truncate:N",
         "keep the first N octets (a node: its first N children; an offset: N octets after OFF)"},
	{"append", IK_MO_APPEND, A_HEX, "append:HEX",
         "add hex octets at the end of the field, or at OFF (default: the end of the message)"},
	{"reorder", IK_MO_REORDER, A_NUM, "reorder:POS",
         "move the node to position POS among its siblings (0 = first)"},
	{"drop", IK_MO_DROP, A_NONE, "drop",
         "send: not sent (kept for retransmission); recv: ignored as if lost"},
	{"delay", IK_MO_DELAY, A_MS, "delay:MS", "sent MS milliseconds later (1..60000)"},
	{"replay", IK_MO_REPLAY, A_MSG, "replay:MSG",
         "our earlier message MSG of the same ISAKMP SA, as it went on the wire, is sent again "
         "just before this one"},
};
#define B(op) (1u << (op))

/* Which operations each place takes (mutate.h lists the places). */
static const struct place_desc {
	const char *name;
	enum ik_mut_place place;
	unsigned ops;
	const char *help;
	const char *example;
} places[] = {
	{"FIELD.PATH", IK_MP_FIELD,
         B(IK_MO_SET) | B(IK_MO_OMIT) | B(IK_MO_EMPTY) | B(IK_MO_DUPLICATE) | B(IK_MO_FILL) |
                 B(IK_MO_FLIP) | B(IK_MO_TRUNCATE) | B(IK_MO_APPEND) | B(IK_MO_REORDER),
         "a field or node of the payload tree by codec path (HDR.flags, "
         "SA.P[0].T[0].LIFE_DURATION, "
         "NONCE.data, KE.data, ID.id_type, PL[2], VID[1]); checked against the real message when "
         "applied; paths into HASH apply after the HASH is computed",
         "MM1 SA.P[0].T[0].LIFE_DURATION set:86401"},
	{"plain[OFF]", IK_MP_PLAIN,
         B(IK_MO_SET) | B(IK_MO_FILL) | B(IK_MO_FLIP) | B(IK_MO_TRUNCATE) | B(IK_MO_APPEND),
         "the plaintext payload chain after HASH filling, before padding and encryption; OFF from "
         "the first payload",
         "MM5 plain[0] flip"},
	{"wire[OFF]", IK_MP_WIRE,
         B(IK_MO_SET) | B(IK_MO_FILL) | B(IK_MO_FLIP) | B(IK_MO_TRUNCATE) | B(IK_MO_APPEND),
         "the datagram as sent (after encryption); OFF from the ISAKMP header",
         "MM1 wire truncate:40"},
	{"send", IK_MP_SEND, B(IK_MO_DROP) | B(IK_MO_DUPLICATE) | B(IK_MO_DELAY) | B(IK_MO_REPLAY),
         "our datagram carrying MSG as a whole", "MM3#1 send drop"},
	{"recv", IK_MP_RECV, B(IK_MO_DROP) | B(IK_MO_DUPLICATE),
         "a datagram we receive carrying MSG (the peer's message, matched by exchange type and the "
         "message number we expect next)",
         "MM2 recv drop"},
	{"crypto.iv", IK_MP_IV, B(IK_MO_SET) | B(IK_MO_FILL) | B(IK_MO_FLIP),
         "the CBC IV MSG is encrypted with (a copy: the IV chain continues from what was sent); "
         "encrypted messages only",
         "MM5 crypto.iv flip"},
	{"crypto", IK_MP_CLEAR, B(IK_MO_OMIT),
         "MSG, an encrypted message, goes out in the clear: its plaintext as built (a HASH in it "
         "still filled unless omitted too) with the E flag clear",
         "INFO crypto omit"},
	{"frag[N]", IK_MP_FRAG,
         B(IK_MO_DROP) | B(IK_MO_DUPLICATE) | B(IK_MO_SET) | B(IK_MO_REORDER),
         "fragment N (from 1) of MSG when it goes out in IKEv1 fragments (the profile's "
         "tester.fragmentation): drop, duplicate, set:V gives it Fragment ID V, reorder:POS sends "
         "it at position POS (0 = first); not applied when MSG goes out whole",
         "MM5 frag[1] reorder:9"},
};

static const char *const more_examples[] = {
	"MM5 HASH.data flip:0",
	"MM3 KE.data set:one",
	"QM1 SA.P[0].T[0].SA_LIFE_DURATION set:86400",
	"MM1 SA.P[0].T[0].LIFE_DURATION omit",
	"QM1 send duplicate",
	"MM5 send replay:MM3",
	"QM1 NONCE.data truncate:4",
	"MM3 VID[0] duplicate",
};

static const struct op_desc *op_by_name(const char *s, size_t n)
{
	for (size_t i = 0; i < IK_ARRAY_SIZE(ops); i++)
		if (strlen(ops[i].name) == n && !strncasecmp(ops[i].name, s, n))
			return &ops[i];
	return NULL;
}

static const struct place_desc *place_of(enum ik_mut_place p)
{
	for (size_t i = 0; i < IK_ARRAY_SIZE(places); i++)
		if (places[i].place == p)
			return &places[i];
	return NULL;
}

/* "MM5" -> main mode message 5; "INFO" -> an informational (msg 0). */
static bool msg_by_name(const char *s, enum ik_xchg *x, int *msg)
{
	static const enum ik_xchg xs[] = {IK_X_MAIN, IK_X_AGGR, IK_X_QUICK};

	if (!strcasecmp(s, "INFO")) {
		*x = IK_X_INFO;
		*msg = 0;
		return true;
	}
	for (size_t i = 0; i < IK_ARRAY_SIZE(xs); i++)
		for (int m = 1; m <= ik_xchg_len(xs[i]); m++)
			if (!strcasecmp(s, ik_msg_name(xs[i], m))) {
				*x = xs[i];
				*msg = m;
				return true;
			}
	return false;
}

/* A whole unsigned number, decimal or 0x hex. */
static bool num_of(const char *s, uint64_t *v)
{
	char *end;
	if (!*s || *s == '-' || *s == '+' || isspace((unsigned char)*s))
		return false;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return !errno && !*end;
}

/* Hex octets, an optional 0x prefix, an even number of digits. */
static bool hex_of(const char *s, uint8_t *out, size_t cap, size_t *len)
{
	if (!strncasecmp(s, "0x", 2))
		s += 2;
	size_t n = strlen(s);
	if (!n || n % 2 || n / 2 > cap || !ik_hex_decode(s, n / 2, out))
		return false;
	*len = n / 2;
	return true;
}

static bool path_ok(const char *p)
{
	if (!isalpha((unsigned char)*p))
		return false;
	for (; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("_.-[]", *p))
			return false;
	return true;
}

/* PLACE: a keyword, plain/wire with an optional [OFF], or a field path. */
static bool parse_place(const char *w, struct ik_mutation *m, struct ik_status *st)
{
	static const struct {
		const char *kw;
		enum ik_mut_place p;
	} kws[] = {{"send", IK_MP_SEND},    {"recv", IK_MP_RECV},   {"crypto.iv", IK_MP_IV},
	           {"crypto", IK_MP_CLEAR}, {"plain", IK_MP_PLAIN}, {"wire", IK_MP_WIRE},
	           {"frag", IK_MP_FRAG}};

	m->offset = -1;
	for (size_t i = 0; i < IK_ARRAY_SIZE(kws); i++) {
		size_t n = strlen(kws[i].kw);
		if (strncasecmp(w, kws[i].kw, n))
			continue;
		bool offs =
			kws[i].p == IK_MP_PLAIN || kws[i].p == IK_MP_WIRE || kws[i].p == IK_MP_FRAG;
		if (!w[n] && kws[i].p == IK_MP_FRAG)
			return ik_fail(st, 0,
			               "ik_mutation_parse: place 'frag' needs a fragment: frag[N]");
		if (!w[n]) {
			m->place = kws[i].p;
			return true;
		}
		if (!offs || w[n] != '[')
			continue;
		char buf[32];
		size_t l = strlen(w + n + 1);
		uint64_t off;
		if (l < 2 || l >= sizeof(buf) || w[n + l] != ']')
			return ik_fail(st, 0, "ik_mutation_parse: place '%s': expected %s[OFFSET]",
			               w, kws[i].kw);
		memcpy(buf, w + n + 1, l - 1);
		buf[l - 1] = 0;
		if (!num_of(buf, &off) || off > 65535)
			return ik_fail(st, 0,
			               "ik_mutation_parse: place '%s': offset '%s' is not a "
			               "number 0..65535",
			               w, buf);
		if (kws[i].p == IK_MP_FRAG && (!off || off > 255))
			return ik_fail(st, 0,
			               "ik_mutation_parse: place '%s': fragment numbers are 1..255",
			               w);
		m->place = kws[i].p;
		m->offset = (long)off;
		return true;
	}
	if (!path_ok(w) || strlen(w) >= sizeof(m->path))
		return ik_fail(st, 0,
		               "ik_mutation_parse: place '%s': expected send, recv, crypto.iv, "
		               "crypto, plain[OFF], wire[OFF] or a field path such as HASH.data or "
		               "SA.P[0].T[0].LIFE_DURATION",
		               w);
	m->place = IK_MP_FIELD;
	snprintf(m->path, sizeof(m->path), "%s", w);
	return true;
}

/* KE.data / KE[k].data: the only field set:zero|one|p-1 makes sense for. */
static bool is_ke_data(const char *path)
{
	if (strncasecmp(path, "KE", 2) || (path[2] != '.' && path[2] != '['))
		return false;
	const char *dot = strrchr(path, '.');
	return dot && !strcasecmp(dot, ".data");
}

static bool parse_arg(const struct op_desc *od, const char *arg, struct ik_mutation *m,
                      struct ik_status *st)
{
	const char *op = od->name;
	uint64_t v;

	if (od->arg == A_NONE) {
		if (arg)
			return ik_fail(st, 0,
			               "ik_mutation_parse: '%s' takes no argument (got ':%s')", op,
			               arg);
		return true;
	}
	if (!arg && od->arg != A_OPT_NUM)
		return ik_fail(st, 0, "ik_mutation_parse: '%s' needs an argument: %s", op,
		               od->form);
	switch (od->arg) {
	case A_VALUE:
		if (!strcasecmp(arg, "zero") || !strcasecmp(arg, "one") ||
		    !strcasecmp(arg, "p-1")) {
			if (m->place != IK_MP_FIELD || !is_ke_data(m->path))
				return ik_fail(st, 0,
				               "ik_mutation_parse: set:%s applies to KE.data only",
				               arg);
			m->special = !strcasecmp(arg, "zero") ? 1 : !strcasecmp(arg, "one") ? 2 : 3;
			return true;
		}
		m->has_num = num_of(arg, &m->num);
		if (!hex_of(arg, m->arg, sizeof(m->arg), &m->arg_len) && !m->has_num)
			return ik_fail(st, 0,
			               "ik_mutation_parse: set:'%s': expected a number (decimal "
			               "or 0x..) or hex octets (at most %zu)",
			               arg, sizeof(m->arg));
		if (m->place == IK_MP_FRAG && (!m->has_num || m->num > 65535))
			return ik_fail(
				st, 0,
				"ik_mutation_parse: set:'%s': a Fragment ID is a number 0..65535",
				arg);
		if (m->place != IK_MP_FIELD && m->place != IK_MP_FRAG && !m->arg_len)
			return ik_fail(st, 0, "ik_mutation_parse: set:'%s': %s takes hex octets",
			               arg, place_of(m->place)->name);
		return true;
	case A_FILL: {
		char b[24];
		const char *colon = strchr(arg, ':');
		size_t n = colon ? (size_t)(colon - arg) : strlen(arg);
		uint64_t len = 0;
		if (n >= sizeof(b))
			n = sizeof(b) - 1;
		memcpy(b, arg, n);
		b[n] = 0;
		if (!num_of(b, &v) || v > 255)
			return ik_fail(st, 0, "ik_mutation_parse: fill:'%s': BYTE must be 0..255",
			               b);
		if (colon && (!num_of(colon + 1, &len) || !len || len > sizeof(m->arg)))
			return ik_fail(st, 0, "ik_mutation_parse: fill:'%s': LEN must be 1..%zu",
			               arg, sizeof(m->arg));
		m->num = v, m->has_num = true;
		memset(m->arg, (int)v, (size_t)len);
		m->arg_len = (size_t)len;
		return true;
	}
	case A_OPT_NUM:
	case A_NUM:
		if (!arg)
			return true;
		if (!num_of(arg, &m->num) || m->num > 65535)
			return ik_fail(st, 0,
			               "ik_mutation_parse: %s:'%s': expected a number 0..65535", op,
			               arg);
		m->has_num = true;
		return true;
	case A_MS:
		if (!num_of(arg, &m->num) || !m->num || m->num > 60000)
			return ik_fail(st, 0, "ik_mutation_parse: delay:'%s': expected 1..60000 ms",
			               arg);
		m->has_num = true;
		return true;
	case A_HEX:
		if (!hex_of(arg, m->arg, sizeof(m->arg), &m->arg_len))
			return ik_fail(st, 0,
			               "ik_mutation_parse: append:'%s': expected hex octets (an "
			               "even number of digits, at most %zu octets)",
			               arg, sizeof(m->arg));
		return true;
	case A_MSG:
		if (!msg_by_name(arg, &m->replay_x, &m->replay_msg) || m->replay_x == IK_X_INFO)
			return ik_fail(st, 0,
			               "ik_mutation_parse: replay:'%s': expected a message "
			               "MM1..MM6, AM1..AM3 or QM1..QM3",
			               arg);
		return true;
	default: return false;
	}
}

/* What the message, place and operation must agree on beyond the table. */
static bool check_combination(struct ik_mutation *m, struct ik_status *st)
{
	const char *mn = m->xchg == IK_X_INFO ? "INFO" : ik_msg_name(m->xchg, m->msg);

	if ((m->place == IK_MP_IV || m->place == IK_MP_CLEAR) && m->xchg != IK_X_INFO &&
	    ik_rules_enc(m->xchg, m->msg) != IK_ENC_YES)
		return ik_fail(st, 0,
		               "ik_mutation_parse: crypto: %s is not encrypted (RFC 2409 5: "
		               "main mode from MM5, quick mode, informational)",
		               mn);
	if (m->op == IK_MO_REPLAY) {
		bool p1 = m->replay_x == IK_X_MAIN || m->replay_x == IK_X_AGGR;
		bool later = m->xchg == IK_X_QUICK || m->xchg == IK_X_INFO;
		if (m->replay_x == m->xchg) {
			if (m->replay_msg >= m->msg ||
			    ik_msg_sender(m->xchg, m->replay_msg) != ik_msg_sender(m->xchg, m->msg))
				return ik_fail(st, 0,
				               "ik_mutation_parse: replay:%s: not an earlier "
				               "message of the side that sends %s",
				               ik_msg_name(m->replay_x, m->replay_msg), mn);
		} else if (!(p1 && later)) {
			return ik_fail(st, 0,
			               "ik_mutation_parse: replay:%s: not a message of %s's "
			               "ISAKMP SA sent before it",
			               ik_msg_name(m->replay_x, m->replay_msg), mn);
		}
	}
	if (m->place == IK_MP_FIELD && m->op == IK_MO_SET && m->special == 0 && !m->has_num &&
	    !m->arg_len)
		return ik_fail(st, 0, "ik_mutation_parse: set needs a value");
	return true;
}

bool ik_mutation_parse(const char *spec, struct ik_mutation *m, struct ik_status *st)
{
	char buf[sizeof(m->text)], *w[4], *save = NULL;
	size_t nw = 0;

	memset(m, 0, sizeof(*m));
	ik_status_clear(st);
	if (!spec || strlen(spec) >= sizeof(buf))
		return ik_fail(st, 0, "ik_mutation_parse: empty or longer than %zu characters",
		               sizeof(buf) - 1);
	snprintf(buf, sizeof(buf), "%s", spec);
	for (char *t = strtok_r(buf, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
		if (nw == 3)
			return ik_fail(st, 0,
			               "ik_mutation_parse: '%s': unexpected word '%s' after the "
			               "operation (expected MSG[#N] PLACE OP[:ARG])",
			               spec, t);
		w[nw++] = t;
	}
	if (nw != 3)
		return ik_fail(st, 0,
		               "ik_mutation_parse: '%s': expected three words MSG[#N] PLACE "
		               "OP[:ARG], e.g. \"MM5 HASH.data flip:0\"",
		               spec);
	/* MSG[#N] */
	char *hash = strchr(w[0], '#');
	if (hash) {
		uint64_t n;
		*hash = 0;
		if (!num_of(hash + 1, &n) || !n || n > 1000)
			return ik_fail(st, 0,
			               "ik_mutation_parse: '#%s': expected #N, the Nth "
			               "transmission (1..1000)",
			               hash + 1);
		m->nth = (unsigned)n;
	}
	if (!msg_by_name(w[0], &m->xchg, &m->msg))
		return ik_fail(st, 0,
		               "ik_mutation_parse: message '%s': expected MM1..MM6, AM1..AM3, "
		               "QM1..QM3 or INFO",
		               w[0]);
	if (!parse_place(w[1], m, st))
		return false;
	/* OP[:ARG] */
	char *colon = strchr(w[2], ':');
	size_t oplen = colon ? (size_t)(colon - w[2]) : strlen(w[2]);
	const struct op_desc *od = op_by_name(w[2], oplen);
	const struct place_desc *pd = place_of(m->place);
	if (!od)
		return ik_fail(st, 0,
		               "ik_mutation_parse: operation '%.*s': expected one of set, omit, "
		               "empty, duplicate, fill, flip, truncate, append, reorder, drop, "
		               "delay, replay",
		               (int)oplen, w[2]);
	if (!(pd->ops & B(od->op))) {
		char list[160] = "";
		for (size_t i = 0; i < IK_ARRAY_SIZE(ops); i++)
			if (pd->ops & B(ops[i].op))
				snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
				         list[0] ? ", " : "", ops[i].name);
		return ik_fail(st, 0, "ik_mutation_parse: '%s' does not apply to %s (it takes: %s)",
		               od->name, m->place == IK_MP_FIELD ? "a field path" : pd->name, list);
	}
	m->op = od->op;
	if (!parse_arg(od, colon ? colon + 1 : NULL, m, st) || !check_combination(m, st))
		return false;
	/* The spec as written, one space between the words: ladders and reports quote it. */
	snprintf(m->text, sizeof(m->text), "%s%s%.0u %s %s", w[0], m->nth ? "#" : "", m->nth, w[1],
	         w[2]);
	return true;
}

void ik_mutation_catalogue(FILE *f)
{
	fputs("Mutations: MSG[#N] PLACE OP[:ARG]  (one per --mutate; docs/mutations.md)\n\n"
	      "MSG    MM1..MM6, AM1..AM3, QM1..QM3 (RFC 2409 5, 5.5 message numbers), INFO\n"
	      "#N     only the Nth transmission (retransmissions count) or reception of MSG;\n"
	      "       the retransmissions after it are clean. Default: every one.\n\n"
	      "PLACES\n",
	      f);
	for (size_t i = 0; i < IK_ARRAY_SIZE(places); i++) {
		fprintf(f, "  %-11s ", places[i].name);
		for (size_t k = 0, first = 1; k < IK_ARRAY_SIZE(ops); k++)
			if (places[i].ops & B(ops[k].op)) {
				fprintf(f, "%s%s", first ? "" : " ", ops[k].form);
				first = 0;
			}
		fprintf(f, "\n              %s\n              e.g. \"%s\"\n", places[i].help,
		        places[i].example);
	}
	fputs("\nOPERATIONS\n", f);
	for (size_t i = 0; i < IK_ARRAY_SIZE(ops); i++)
		fprintf(f, "  %-16s %s\n", ops[i].form, ops[i].help);
	fputs("\nMORE EXAMPLES\n", f);
	for (size_t i = 0; i < IK_ARRAY_SIZE(more_examples); i++)
		fprintf(f, "  %s\n", more_examples[i]);
}

const char *ik_mutation_op_word(enum ik_mut_op op)
{
	for (size_t i = 0; i < IK_ARRAY_SIZE(ops); i++)
		if (ops[i].op == op)
			return ops[i].name;
	return "?";
}
