/*
 * Reassembly of IKEv1 fragments (engine/exchanges/frag.h), table-driven: each row is a sequence
 * of fragments (number, LAST flag, Fragment ID, data) fed to a fresh table, and what must come
 * out: the result of the last fragment, the message when complete, and a word of the sentence.
 * Then the limits one at a time: the timeout, the table full, the quirk frag-loose.
 */
#include "cunit.h"
#include "frag.h"

#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#define MAXF 40

struct frag_row {
	const char *name;
	const char *frags; /* "N[L][@ID]:DATA ..." in arrival order; L = LAST, ID default 1 */
	enum ik_frag_res last_res;
	const char *message; /* the reassembled message when last_res is DONE */
	const char *why;     /* a word of the sentence for the last fragment */
	unsigned pending;    /* incomplete sets left */
};

static const struct frag_row rows[] = {
	{"in order", "1:ab 2:cd 3L:ef", IK_FRAG_DONE, "abcdef", "3 fragments", 0},
	{"reversed", "3L:ef 2:cd 1:ab", IK_FRAG_DONE, "abcdef", "complete", 0},
	{"shuffled", "2:cd 3L:ef 1:ab", IK_FRAG_DONE, "abcdef", "complete", 0},
	{"one fragment", "1L:whole", IK_FRAG_DONE, "whole", "1 fragments", 0},
	{"duplicate ignored", "1:ab 1:ab", IK_FRAG_DUPLICATE, NULL, "again", 1},
	{"a copy after completion starts a new set", "1:ab 2L:cd 2L:cd", IK_FRAG_MORE, NULL, "kept",
         1},
	{"duplicate before completion", "1:ab 1:ab 2L:cd", IK_FRAG_DONE, "abcd", "complete", 0},
	{"missing middle never completes", "1:ab 3L:ef", IK_FRAG_MORE, NULL, "kept", 1},
	{"missing LAST never completes", "1:ab 2:cd 3:ef", IK_FRAG_MORE, NULL, "unknown number", 1},
	{"number 0 refused", "0:ab", IK_FRAG_REFUSED, NULL, "start at 1", 0},
	{"empty data refused", "1:", IK_FRAG_REFUSED, NULL, "without data", 0},
	{"two LAST refused", "2L:cd 3L:ef", IK_FRAG_REFUSED, NULL, "second LAST", 0},
	{"past LAST refused", "2L:cd 3:ef", IK_FRAG_REFUSED, NULL, "after the LAST", 0},
	{"LAST below a number held refused", "3:ef 2L:cd", IK_FRAG_REFUSED, NULL, "higher number",
         0},
	{"too many fragments refused", "33:x", IK_FRAG_REFUSED, NULL, "limit of 32 fragments", 0},
	{"mixed ids: two sets, neither complete", "1@1:ab 2L@2:cd", IK_FRAG_MORE, NULL, "kept", 2},
	{"mixed ids: each set complete on its own", "1@1:ab 1@2:xy 2L@2:zz 2L@1:cd", IK_FRAG_DONE,
         "abcd", "set 1 complete", 0},
};

static const struct sockaddr_storage *peer(void)
{
	static struct sockaddr_storage ss;
	struct sockaddr_in *a = (struct sockaddr_in *)&ss;
	a->sin_family = AF_INET;
	a->sin_port = htons(500);
	a->sin_addr.s_addr = htonl(0x7f000002);
	return &ss;
}

static const uint8_t cookies[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

/* Feed one "N[L][@ID]:DATA" token; returns the result. */
static enum ik_frag_res feed(struct ik_frag_table *t, const char *tok, uint64_t now, uint8_t *out,
                             size_t *outlen, char *why)
{
	unsigned num = 0, id = 1;
	const char *p = tok;
	while (*p >= '0' && *p <= '9')
		num = num * 10 + (unsigned)(*p++ - '0');
	bool last = *p == 'L';
	if (last)
		p++;
	if (*p == '@') {
		id = 0;
		for (p++; *p >= '0' && *p <= '9'; p++)
			id = id * 10 + (unsigned)(*p - '0');
	}
	CU_ASSERT_EQUAL_FATAL(*p, ':');
	p++;
	struct ik_frag_in f = {.peer = peer(),
	                       .cookies = cookies,
	                       .id = (uint16_t)id,
	                       .num = (uint8_t)num,
	                       .last = last,
	                       .data = (const uint8_t *)p,
	                       .len = strlen(p)};
	return ik_frag_add(t, &f, now, out, 65535, outlen, why, 200);
}

static enum ik_frag_res feed_all(struct ik_frag_table *t, const char *seq, uint8_t *out,
                                 size_t *outlen, char *why)
{
	char buf[256], *save = NULL;
	enum ik_frag_res r = IK_FRAG_MORE;
	snprintf(buf, sizeof(buf), "%s", seq);
	for (char *tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
		r = feed(t, tok, 1000, out, outlen, why);
	return r;
}

static void test_rows(void)
{
	static uint8_t out[65535];

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct frag_row *r = &rows[i];
		struct ik_frag_table t;
		char why[200] = "";
		size_t len = 0;

		ik_frag_table_init(&t);
		enum ik_frag_res res = feed_all(&t, r->frags, out, &len, why);
		bool ok = res == r->last_res && strstr(why, r->why) &&
		          ik_frag_pending(&t) == r->pending &&
		          (!r->message ||
		           (len == strlen(r->message) && !memcmp(out, r->message, len)));
		if (!ok)
			fprintf(stderr, "\n  row '%s': result %d, why '%s', pending %u\n", r->name,
			        res, why, ik_frag_pending(&t));
		CU_ASSERT_TRUE(ok);
		ik_frag_table_free(&t);
	}
}

/* More octets than the limit: the set is refused and dropped. */
static void test_octets_limit(void)
{
	static uint8_t out[65535];
	static uint8_t big[IK_FRAG_MAX_OCTETS];
	struct ik_frag_table t;
	char why[200];
	size_t len;

	ik_frag_table_init(&t);
	memset(big, 'x', sizeof(big));
	struct ik_frag_in f = {.peer = peer(),
	                       .cookies = cookies,
	                       .id = 1,
	                       .num = 1,
	                       .data = big,
	                       .len = sizeof(big)};
	CU_ASSERT_EQUAL(ik_frag_add(&t, &f, 0, out, sizeof(out), &len, why, sizeof(why)),
	                IK_FRAG_MORE);
	f.num = 2, f.len = 1, f.last = true;
	CU_ASSERT_EQUAL(ik_frag_add(&t, &f, 0, out, sizeof(out), &len, why, sizeof(why)),
	                IK_FRAG_REFUSED);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "over the limit"));
	CU_ASSERT_EQUAL(ik_frag_pending(&t), 0);
	ik_frag_table_free(&t);
}

/* An incomplete set is dropped after the timeout: the fragment that completes it late starts
 * a new set instead. */
static void test_timeout(void)
{
	uint8_t out[64];
	struct ik_frag_table t;
	char why[200];
	size_t len;

	ik_frag_table_init(&t);
	CU_ASSERT_EQUAL(feed(&t, "1:ab", 0, out, &len, why), IK_FRAG_MORE);
	CU_ASSERT_EQUAL(feed(&t, "2L:cd", IK_FRAG_TIMEOUT_MS + 1, out, &len, why), IK_FRAG_MORE);
	CU_ASSERT_EQUAL(ik_frag_pending(&t), 1);
	CU_ASSERT_EQUAL(feed(&t, "1:ab", IK_FRAG_TIMEOUT_MS + 2, out, &len, why), IK_FRAG_DONE);
	ik_frag_table_free(&t);
}

/* A full table evicts its oldest incomplete set for a new one. */
static void test_table_full(void)
{
	uint8_t out[64];
	struct ik_frag_table t;
	char why[200], tok[16];
	size_t len;

	ik_frag_table_init(&t);
	for (unsigned id = 1; id <= IK_FRAG_SETS; id++) {
		snprintf(tok, sizeof(tok), "1@%u:ab", id);
		CU_ASSERT_EQUAL(feed(&t, tok, id, out, &len, why), IK_FRAG_MORE);
	}
	CU_ASSERT_EQUAL(ik_frag_pending(&t), IK_FRAG_SETS);
	CU_ASSERT_EQUAL(feed(&t, "1@99:ab", 100, out, &len, why), IK_FRAG_MORE);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "evicted"));
	/* set 1 was the oldest: its second fragment now starts a set of its own */
	CU_ASSERT_EQUAL(feed(&t, "2L@1:cd", 101, out, &len, why), IK_FRAG_MORE);
	ik_frag_table_free(&t);
}

/* Quirk frag-loose: arrival order, one set for every Fragment ID, no limits. */
static void test_loose(void)
{
	static uint8_t out[65535];
	struct ik_frag_table t;
	char why[200];
	size_t len = 0;

	ik_frag_table_init(&t);
	t.lim = (struct ik_frag_limits){.max_num = IK_FRAG_NUM_CAP,
	                                .max_octets = 65535,
	                                .timeout_ms = IK_FRAG_TIMEOUT_MS,
	                                .ignore_id = true,
	                                .arrival_order = true};
	CU_ASSERT_EQUAL(feed_all(&t, "2:cd 1@7:ab 3L:ef", out, &len, why), IK_FRAG_DONE);
	CU_ASSERT_EQUAL(len, 6);
	CU_ASSERT_EQUAL(memcmp(out, "cdabef", 6), 0);
	CU_ASSERT_EQUAL(feed_all(&t, "40L:x", out, &len, why), IK_FRAG_MORE);
	ik_frag_table_free(&t);
}

static void test_data_len(void)
{
	/* strongSwan's arithmetic: 576 - 20 (IPv4) - 8 (UDP) - 28 (ISAKMP) - 8 (FRAG) */
	CU_ASSERT_EQUAL(ik_frag_data_len(576, false, false), 512);
	CU_ASSERT_EQUAL(ik_frag_data_len(576, false, true), 508); /* non-ESP marker */
	CU_ASSERT_EQUAL(ik_frag_data_len(1280, true, false), 1196);
	CU_ASSERT_EQUAL(ik_frag_data_len(IK_FRAG_SIZE_MIN, false, true), 1);
	CU_ASSERT_EQUAL(ik_frag_data_len(10, false, false), 1);
}

static const struct ik_test tests[] = {
	{"reassembly table: order, duplicates, missing, malformed, mixed ids", test_rows},
	{"more octets than the limit refused", test_octets_limit},
	{"an incomplete set expires after the timeout", test_timeout},
	{"a full table evicts the oldest set", test_table_full},
	{"quirk frag-loose: arrival order, ids mixed, no limits", test_loose},
	{"data octets per fragment for a datagram size", test_data_len},
};

IK_TEST_MAIN("frag", tests)
