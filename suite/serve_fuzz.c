/*
 * serve's seeded fuzzing mode (serve_fuzz.h). The mutations are text in the case language and
 * go through ik_mutation_parse and the engine's own hooks (engine/mutation/), so this file only
 * decides which mutation, never how to apply one: a finding replays with
 * `ikecheck connect --mutate SPEC` style specs, and a new engine place is fuzzed by adding a line.
 */
#include "serve_fuzz.h"
#include "ike.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool ik_fuzz_set_seed(void *dst, const char *val, char *why, size_t n)
{
	struct ik_fuzz *f = dst;
	char *end;

	errno = 0;
	f->seed = strtoull(val, &end, 0);
	f->on = !errno && *val && !*end && *val != '-';
	if (!f->on)
		snprintf(why, n, "not a number (a seed: 0 to 2^64-1)");
	if (f->on && !f->rate_set)
		f->rate = 1.0;
	return f->on;
}

bool ik_fuzz_set_rate(void *dst, const char *val, char *why, size_t n)
{
	struct ik_fuzz *f = dst;
	char *end;

	errno = 0;
	f->rate = strtod(val, &end);
	f->rate_set = !errno && *val && !*end && isfinite(f->rate) && f->rate >= 0 && f->rate <= 1;
	if (!f->rate_set)
		snprintf(why, n, "not a fraction between 0 and 1 (0.25: a quarter of the replies)");
	return f->rate_set;
}

/* ---- the generator: splitmix64, one stream per (seed, index, slot) ---- */

static uint64_t mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

struct prng {
	uint64_t s;
};

static struct prng stream(uint64_t seed, uint64_t index, unsigned slot)
{
	struct prng r = {mix(seed ^ mix(index * 0x9e3779b97f4a7c15ULL + slot + 1))};
	return r;
}

static uint64_t next(struct prng *r)
{
	r->s += 0x9e3779b97f4a7c15ULL;
	return mix(r->s);
}

static unsigned below(struct prng *r, unsigned n)
{
	return (unsigned)(next(r) % n);
}

/* LEN random octets as hex into buf (2 * LEN + 1 characters). */
static void hex(struct prng *r, char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		sprintf(buf + 2 * i, "%02x", (unsigned)(next(r) & 0xff));
	buf[2 * len] = 0;
}

/* Lengths that break parsers: zero, below a header, off by one, beyond the datagram. */
static unsigned bad_len(struct prng *r)
{
	static const unsigned v[] = {0, 1, 3, 4, 5, 7, 8, 27, 28, 29, 255, 4096, 65535};
	return v[below(r, sizeof(v) / sizeof(v[0]))];
}

static bool encrypted(enum ik_xchg x, int msg)
{
	/* AM3 is in the clear for the mutation language (crypto.iv refuses it) */
	return (x == IK_X_MAIN && msg >= 5) || x == IK_X_QUICK || x == IK_X_INFO;
}

/* What happens to the message: every family of the brief, one case each. */
enum family {
	F_HDR_NUM,   /* a header field set to a random or reserved value */
	F_HDR_LEN,   /* a wrong ISAKMP length */
	F_PL_OMIT,   /* a payload dropped */
	F_PL_DUP,    /* a payload duplicated */
	F_PL_SWAP,   /* payload order changed */
	F_PL_LEN,    /* a wrong payload length */
	F_PL_NP,     /* a wrong next payload */
	F_CONTENT,   /* a payload's contents (HASH, NONCE, KE, SA, ID, N) */
	F_TRUNCATE,  /* the datagram cut short */
	F_GARBAGE,   /* garbage appended */
	F_WIRE_FLIP, /* an octet flipped on the wire: for encrypted messages the ciphertext */
	F_WIRE_SET,  /* random octets over the wire */
	F_PLAIN,     /* the plaintext edited before padding and encryption */
	F_SEND,      /* the datagram dropped, duplicated, delayed, or an older one replayed */
	F_IV,        /* a wrong CBC IV (encrypted messages; else a wire flip) */
	F_COUNT
};

static void content(struct prng *r, char *arg, size_t n)
{
	char h[2 * 16 + 1];
	switch (below(r, 10)) {
	case 0: snprintf(arg, n, "HASH.data flip:%u", below(r, 20)); break;
	case 1: snprintf(arg, n, "HASH.data truncate:%u", below(r, 20)); break;
	case 2: snprintf(arg, n, "NONCE.data truncate:%u", below(r, 8)); break;
	case 3: snprintf(arg, n, "KE.data set:%s", below(r, 2) ? "zero" : "one"); break;
	case 4: snprintf(arg, n, "KE.data truncate:%u", below(r, 64)); break;
	case 5: snprintf(arg, n, "SA.P[0].T[0] omit"); break;
	case 6: snprintf(arg, n, "SA.P[0] empty"); break;
	case 7: snprintf(arg, n, "ID.id_type set:%u", below(r, 256)); break;
	case 8:
		hex(r, h, 1 + below(r, 16));
		snprintf(arg, n, "ID.data set:%s", h);
		break;
	default: snprintf(arg, n, "PL[%u] empty", below(r, 4)); break;
	}
}

bool ik_fuzz_spec(uint64_t seed, double rate, uint64_t index, enum ik_xchg x, int msg, char *buf,
                  size_t n)
{
	static const char *const hdr_num[] = {"flags", "np", "version", "exch", "msgid"};
	struct prng gate = stream(seed, index, 0);
	/* one draw per index, shared by every slot: the reply to a datagram is mutated or not */
	if ((double)(next(&gate) >> 11) * 0x1p-53 >= rate)
		return false;
	struct prng r = stream(seed, index, 1 + (unsigned)x * 8 + (unsigned)msg);
	const char *name = x == IK_X_INFO ? "INFO" : ik_msg_name(x, msg);
	bool enc = encrypted(x, msg);
	char arg[200], h[2 * 48 + 1];
	unsigned pl = below(&r, 4);

	switch ((enum family)below(&r, F_COUNT)) {
	case F_HDR_NUM: {
		unsigned k = below(&r, 5);
		snprintf(arg, sizeof(arg), "HDR.%s set:%u", hdr_num[k],
		         k == 4 ? (unsigned)next(&r) : below(&r, 256));
		break;
	}
	case F_HDR_LEN: snprintf(arg, sizeof(arg), "HDR.length set:%u", bad_len(&r)); break;
	case F_PL_OMIT: snprintf(arg, sizeof(arg), "PL[%u] omit", pl); break;
	case F_PL_DUP: snprintf(arg, sizeof(arg), "PL[%u] duplicate", pl); break;
	case F_PL_SWAP: snprintf(arg, sizeof(arg), "PL[%u] reorder:%u", pl, below(&r, 4)); break;
	case F_PL_LEN: snprintf(arg, sizeof(arg), "PL[%u].length set:%u", pl, bad_len(&r)); break;
	case F_PL_NP: snprintf(arg, sizeof(arg), "PL[%u].np set:%u", pl, below(&r, 256)); break;
	case F_CONTENT: content(&r, arg, sizeof(arg)); break;
	case F_TRUNCATE: snprintf(arg, sizeof(arg), "wire truncate:%u", below(&r, 96)); break;
	case F_GARBAGE:
		hex(&r, h, 1 + below(&r, 48));
		snprintf(arg, sizeof(arg), "wire append:%s", h);
		break;
	case F_WIRE_FLIP:
		snprintf(arg, sizeof(arg), "wire[%u] flip", (enc ? 28 : 0) + below(&r, 64));
		break;
	case F_WIRE_SET:
		hex(&r, h, 1 + below(&r, 8));
		snprintf(arg, sizeof(arg), "wire[%u] set:%s", below(&r, 96), h);
		break;
	case F_PLAIN:
		switch (below(&r, 3)) {
		case 0: snprintf(arg, sizeof(arg), "plain[%u] flip", below(&r, 64)); break;
		case 1: snprintf(arg, sizeof(arg), "plain truncate:%u", below(&r, 64)); break;
		default:
			hex(&r, h, 1 + below(&r, 24));
			snprintf(arg, sizeof(arg), "plain append:%s", h);
		}
		break;
	case F_SEND:
		switch (below(&r, 4)) {
		case 0: snprintf(arg, sizeof(arg), "send drop"); break;
		case 1: snprintf(arg, sizeof(arg), "send duplicate"); break;
		case 2: snprintf(arg, sizeof(arg), "send delay:%u", 1 + below(&r, 400)); break;
		default:
			/* an earlier message of the same side and SA (the parser takes no other) */
			if ((x == IK_X_MAIN || x == IK_X_QUICK) && msg >= 3)
				snprintf(arg, sizeof(arg), "send replay:%s",
				         ik_msg_name(x, msg - 2));
			else
				snprintf(arg, sizeof(arg), "send duplicate");
		}
		break;
	case F_IV:
	default:
		if (enc)
			snprintf(arg, sizeof(arg), "crypto.iv flip:%u", below(&r, 8));
		else
			snprintf(arg, sizeof(arg), "wire[%u] flip", below(&r, 28));
		break;
	}
	snprintf(buf, n, "%s %s", name, arg);
	return true;
}

/* ---- serve's side: draw per received datagram, print what took effect ---- */

static void slot_msg(size_t i, enum ik_xchg *x, int *msg)
{
	if (i < 6)
		*x = IK_X_MAIN, *msg = (int)i + 1;
	else if (i < 9)
		*x = IK_X_AGGR, *msg = (int)i - 5;
	else if (i < 12)
		*x = IK_X_QUICK, *msg = (int)i - 8;
	else
		*x = IK_X_INFO, *msg = 0;
}

void ik_fuzz_flush(struct ik_fuzz *f)
{
	bool any = false;
	for (size_t i = 0; i < f->nmut; i++) {
		for (; f->logged[i] < f->mut[i].applied; f->logged[i]++) {
			printf("serve_fuzz: #%llu %s\n", (unsigned long long)f->index,
			       f->mut[i].text);
			any = true;
		}
	}
	if (any)
		fflush(stdout);
}

static void draw(struct ik_fuzz *f, struct ik_engine *e)
{
	char spec[sizeof(f->mut[0].text)];
	struct ik_status st;

	f->nmut = 0;
	for (size_t i = 0; i < IK_FUZZ_SLOTS; i++) {
		enum ik_xchg x;
		int msg;
		slot_msg(i, &x, &msg);
		if (!ik_fuzz_spec(f->seed, f->rate, f->index, x, msg, spec, sizeof(spec)))
			break; /* this index is clean */
		/* A spec that does not parse is our bug: said once, that slot stays clean. */
		memset(&st, 0, sizeof(st));
		if (!ik_mutation_parse(spec, &f->mut[i], &st)) {
			fprintf(stderr, "serve_fuzz: '%s': %s\n", spec, st.why);
			snprintf(spec, sizeof(spec), "%s send duplicate",
			         x == IK_X_INFO ? "INFO" : ik_msg_name(x, msg));
			if (!ik_mutation_parse(spec, &f->mut[i], &st))
				break;
		}
		f->logged[i] = 0;
		f->nmut = i + 1;
	}
	e->mut = f->nmut ? f->mut : NULL;
	e->nmut = f->nmut;
}

void ik_fuzz_datagram(struct ik_fuzz *f, struct ik_engine *e, bool sent)
{
	ik_fuzz_flush(f);
	if (sent)
		return;
	f->index++;
	draw(f, e);
}
