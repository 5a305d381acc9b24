/*
 * The generated families of the hostile DUT (fuzz_walk.h): two tables, the messages and the
 * families with their grids of values, walked in a fixed order. The families are those of
 * serve --fuzz (serve_fuzz.c), which draws one value at random; here every value of the grid is
 * an entry, so the whole space is covered once and an entry number names one spec for good.
 * Values are where parsers break: lengths of zero, below a header, off by one, beyond the
 * datagram (RFC 2408 3.1 and 3.2 give the header and generic payload header sizes, 28 and 4);
 * Next Payload values of every assigned payload type, unassigned, private (128-255, RFC 2408 3.1,
 * 132 the Cisco fragment) and 255.
 */
#include "fuzz_walk.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

/* The messages: each sent by one side (RFC 2409 5 and 5.5; RFC 3706 for the informational
 * exchange, which both sides send: an R-U-THERE and its ACK). */
static const struct slot {
	enum ik_xchg x;
	int msg;
	enum ik_walk_side sender;
} slots[] = {
	{IK_X_MAIN, 1, IK_WALK_INITIATOR},  {IK_X_MAIN, 2, IK_WALK_RESPONDER},
	{IK_X_MAIN, 3, IK_WALK_INITIATOR},  {IK_X_MAIN, 4, IK_WALK_RESPONDER},
	{IK_X_MAIN, 5, IK_WALK_INITIATOR},  {IK_X_MAIN, 6, IK_WALK_RESPONDER},
	{IK_X_AGGR, 1, IK_WALK_INITIATOR},  {IK_X_AGGR, 2, IK_WALK_RESPONDER},
	{IK_X_AGGR, 3, IK_WALK_INITIATOR},  {IK_X_QUICK, 1, IK_WALK_INITIATOR},
	{IK_X_QUICK, 2, IK_WALK_RESPONDER}, {IK_X_QUICK, 3, IK_WALK_INITIATOR},
	{IK_X_INFO, 0, IK_WALK_INITIATOR},  {IK_X_INFO, 0, IK_WALK_RESPONDER},
};

/* A grid: the listed values, or (v NULL) n values from lo in steps of step. */
struct grid {
	const unsigned *v;
	size_t n;
	unsigned lo, step;
};

#define LIST(a)                           \
	{                                 \
		a, IK_ARRAY_SIZE(a), 0, 0 \
	}
#define RANGE(lo, n, step)        \
	{                         \
		NULL, n, lo, step \
	}
#define ONE                   \
	{                     \
		NULL, 1, 0, 0 \
	}

static const unsigned pls[] = {0, 1, 2, 3, 4, 5};
static const unsigned lens[] = {0, 1, 3, 4, 5, 7, 8, 27, 28, 29, 255, 4096, 65535};
static const unsigned hdr_lens[] = {2, 16, 24, 32, 64, 100, 1000, 4095, 65534};
static const unsigned nps[] = {0,  1,  2,  3,  4,  5,  6,  7,   8,   9,   10, 11,
                               12, 13, 14, 15, 16, 20, 21, 128, 130, 132, 255};
static const unsigned flags[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 0x10, 0x20, 0x40, 0x80, 0xff};
static const unsigned versions[] = {0x00, 0x01, 0x10, 0x11, 0x12, 0x1f, 0x20, 0x21, 0xf0, 0xff};
static const unsigned exchs[] = {0, 1, 2, 3, 4, 5, 6, 32, 33, 34, 255};
static const unsigned msgids[] = {0, 1, 0x7fffffff, 0xffffffff};
static const unsigned hash_cuts[] = {0, 1, 4, 12, 16, 19};
static const unsigned nonce_cuts[] = {0, 1, 4, 7};
static const unsigned ke_cuts[] = {0, 1, 16, 64, 127, 255};
static const unsigned id_types[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 255};
static const unsigned plain_cuts[] = {0, 1, 4, 8, 16, 32, 48, 63};

enum { W_ENC = 1, W_REPLAY = 2 }; /* encrypted messages only; names an earlier message */

static const struct family {
	const char *fmt; /* the spec after the message name; %u for a, then b */
	struct grid a, b;
	unsigned when;
} families[] = {
	{"HDR.flags set:%u", LIST(flags), ONE, 0},
	{"HDR.np set:%u", LIST(nps), ONE, 0},
	{"HDR.version set:%u", LIST(versions), ONE, 0},
	{"HDR.exch set:%u", LIST(exchs), ONE, 0},
	{"HDR.msgid set:%u", LIST(msgids), ONE, 0},
	{"HDR.length set:%u", LIST(lens), ONE, 0},
	{"HDR.length set:%u", LIST(hdr_lens), ONE, 0},
	{"HDR.icookie flip:%u", RANGE(0, 8, 1), ONE, 0},
	{"HDR.rcookie flip:%u", RANGE(0, 8, 1), ONE, 0},
	{"HDR.icookie set:0000000000000000", ONE, ONE, 0},
	{"HDR.rcookie set:0000000000000000", ONE, ONE, 0},
	{"PL[%u] omit", LIST(pls), ONE, 0},
	{"PL[%u] duplicate", LIST(pls), ONE, 0},
	{"PL[%u] empty", LIST(pls), ONE, 0},
	{"PL[%u] reorder:%u", LIST(pls), LIST(pls), 0},
	{"PL[%u].length set:%u", LIST(pls), LIST(lens), 0},
	{"PL[%u].np set:%u", LIST(pls), LIST(nps), 0},
	{"HASH.data flip:%u", RANGE(0, 20, 1), ONE, 0},
	{"HASH.data truncate:%u", LIST(hash_cuts), ONE, 0},
	{"NONCE.data truncate:%u", LIST(nonce_cuts), ONE, 0},
	{"KE.data set:zero", ONE, ONE, 0},
	{"KE.data set:one", ONE, ONE, 0},
	{"KE.data set:p-1", ONE, ONE, 0},
	{"KE.data truncate:%u", LIST(ke_cuts), ONE, 0},
	{"SA.P[0].T[0] omit", ONE, ONE, 0},
	{"SA.P[0] empty", ONE, ONE, 0},
	{"ID.id_type set:%u", LIST(id_types), ONE, 0},
	{"ID.data set:00", ONE, ONE, 0},
	{"ID.data set:ffffffffffffffffffff", ONE, ONE, 0},
	{"wire truncate:%u", RANGE(0, 24, 4), ONE, 0},
	{"wire append:00", ONE, ONE, 0},
	{"wire append:0000000400000000", ONE, ONE, 0},
	{"wire append:ffffffffffffffffffffffffffffffff", ONE, ONE, 0},
	{"wire[%u] flip", RANGE(0, 96, 1), ONE, 0},
	{"wire[%u] set:ff", RANGE(0, 28, 1), ONE, 0},
	{"plain[%u] flip", RANGE(0, 64, 1), ONE, W_ENC},
	{"plain truncate:%u", LIST(plain_cuts), ONE, W_ENC},
	{"plain append:00", ONE, ONE, W_ENC},
	{"plain append:ffffffffffffffffffffffffffffffff", ONE, ONE, W_ENC},
	{"crypto.iv flip:%u", RANGE(0, 8, 1), ONE, W_ENC},
	{"send drop", ONE, ONE, 0},
	{"send duplicate", ONE, ONE, 0},
	{"send delay:30", ONE, ONE, 0},
	{"send replay:%s", ONE, ONE, W_REPLAY},
};

static unsigned grid_at(const struct grid *g, size_t i)
{
	return g->v ? g->v[i] : g->lo + (unsigned)i * g->step;
}

static bool encrypted(const struct slot *s)
{
	/* AM3 goes in the clear for the mutation language (crypto.iv refuses it) */
	return (s->x == IK_X_MAIN && s->msg >= 5) || s->x == IK_X_QUICK || s->x == IK_X_INFO;
}

/* How many entries family f gives message s (0: it does not apply there). */
static size_t fam_count(const struct family *f, const struct slot *s)
{
	if ((f->when & W_ENC) && !encrypted(s))
		return 0;
	/* a replay needs an earlier message of the same side and SA (the parser takes no other) */
	if ((f->when & W_REPLAY) && !((s->x == IK_X_MAIN || s->x == IK_X_QUICK) && s->msg >= 3))
		return 0;
	return f->a.n * f->b.n;
}

static void fam_spec(const struct family *f, const struct slot *s, size_t i, char *buf, size_t n)
{
	const char *name = s->x == IK_X_INFO ? "INFO" : ik_msg_name(s->x, s->msg);
	char arg[128];

	if (f->when & W_REPLAY)
		snprintf(arg, sizeof(arg), f->fmt, ik_msg_name(s->x, s->msg - 2));
	else
		snprintf(arg, sizeof(arg), f->fmt, grid_at(&f->a, i / f->b.n),
		         grid_at(&f->b, i % f->b.n));
	snprintf(buf, n, "%s %s", name, arg);
}

size_t ik_fuzz_walk_count(void)
{
	size_t n = 0;
	for (size_t s = 0; s < IK_ARRAY_SIZE(slots); s++)
		for (size_t f = 0; f < IK_ARRAY_SIZE(families); f++)
			n += fam_count(&families[f], &slots[s]);
	return n;
}

bool ik_fuzz_walk(size_t k, struct ik_walk *w)
{
	for (size_t s = 0; s < IK_ARRAY_SIZE(slots); s++) {
		for (size_t f = 0; f < IK_ARRAY_SIZE(families); f++) {
			size_t c = fam_count(&families[f], &slots[s]);
			if (k >= c) {
				k -= c;
				continue;
			}
			w->x = slots[s].x;
			w->msg = slots[s].msg;
			w->sender = slots[s].sender;
			fam_spec(&families[f], &slots[s], k, w->spec, sizeof(w->spec));
			return true;
		}
	}
	return false;
}
