/* Decrypting a capture with the phase 1 key (engine/crypto/trace.c): RFC 2409 App. B IV chains. */
#include "cunit.h"
#include "ike_pair.h"
#include "trace.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

struct cap {
	uint8_t *p[64];
	size_t len[64];
	size_t n;
};
static struct cap cap;

static void tap(struct ik_engine *e, bool sent, const struct sockaddr_storage *peer,
                uint16_t local_port, const uint8_t *p, size_t len)
{
	(void)e, (void)peer, (void)local_port;
	if (!sent || cap.n == 64)
		return; /* each message once: as sent */
	cap.p[cap.n] = malloc(len);
	memcpy(cap.p[cap.n], p, len);
	cap.len[cap.n++] = len;
}

/* feed: each message once; with dups, twice in a row (a retransmission) and, at the end, the
 * first encrypted one again (a replay): every copy opens, and the chains are not disturbed. */
static void run_dups(bool aggressive, bool with_info, const char *keyline_override, bool dups)
{
	struct ik_cfg ci, cr;
	struct ik_pair p;
	struct ik_status st;
	char path[] = "/tmp/ik-trace-XXXXXX";
	int fd = mkstemp(path);

	memset(&cap, 0, sizeof(cap));
	pair_cfg(&ci, true);
	pair_cfg(&cr, false);
	ci.aggressive = aggressive;
	CU_ASSERT_TRUE_FATAL(pair_open(&p, &ci, &cr, &st));
	p.ini.tap = p.res.tap = tap;
	struct ik_sa *sa = ik_initiate(&p.ini);
	pair_run(&p, 1, 3000);
	CU_ASSERT_EQUAL_FATAL(p.p2_up, 2);
	if (with_info) {
		ik_send_dpd(sa);
		pair_spin(&p, 100);
	}
	FILE *f = fdopen(fd, "w");
	if (keyline_override)
		fputs(keyline_override, f);
	else {
		fprintf(f, "# initiator cookie, encryption key\n\"");
		for (int i = 0; i < 8; i++)
			fprintf(f, "%02x", sa->icookie[i]);
		fprintf(f, "\",\"");
		for (size_t i = 0; i < sa->k.p1.c->key_len; i++)
			fprintf(f, "%02x", sa->k.p1.enc_key[i]);
		fprintf(f, "\"\n");
	}
	fclose(f);
	struct ik_trace t = {0};
	CU_ASSERT_TRUE_FATAL(ik_trace_load_keys(&t, path, &st));
	size_t encrypted = 0, opened = 0, first_enc = SIZE_MAX;
	size_t order[3 * 64], norder = 0;
	for (size_t i = 0; i < cap.n; i++) {
		order[norder++] = i;
		if (dups)
			order[norder++] = i;
	}
	for (size_t i = 0; i < cap.n && dups; i++)
		if (first_enc == SIZE_MAX && cap.len[i] > 19 && cap.p[i][19] & IK_HDR_FLAG_ENC)
			order[norder++] = first_enc = i;
	for (size_t j = 0; j < norder; j++) {
		size_t i = order[j];
		struct ik_msg m;
		uint8_t *plain;
		CU_ASSERT_TRUE_FATAL(ik_decode(&m, cap.p[i], cap.len[i], &st));
		encrypted += m.body != NULL;
		if (ik_trace_feed(&t, &m, &plain, &st))
			opened++;
		else if (m.body && !keyline_override)
			fprintf(stderr, "message %zu: %s\n", i, st.why);
		free(plain);
		ik_msg_free(&m);
	}
	for (size_t i = 0; i < cap.n; i++)
		free(cap.p[i]);
	CU_ASSERT(encrypted >=
	          (aggressive ? 3u : 5u) * (dups ? 2 : 1)); /* (MM5 MM6) QM1-3 (+ INFO) */
	CU_ASSERT_EQUAL(opened, keyline_override ? 0 : encrypted);
	ik_trace_free(&t);
	unlink(path);
	pair_close(&p);
}

static void run(bool aggressive, bool with_info, const char *keyline_override)
{
	run_dups(aggressive, with_info, keyline_override, false);
}

/* Issue 14 item 7: retransmitted and replayed copies decrypt as their first copy did. */
static void test_duplicates(void)
{
	run_dups(false, true, NULL, true);
	run_dups(true, false, NULL, true);
}

static void test_main(void)
{
	run(false, true, NULL);
}

static void test_aggressive(void)
{
	run(true, false, NULL);
}

static void test_wrong_key(void)
{
	/* A key for another cookie: nothing opens, nothing crashes. */
	run(false, false, "0102030405060708,00112233445566778899aabbccddeeff\n");
}

static void test_bad_key_file(void)
{
	char path[] = "/tmp/ik-trace-XXXXXX";
	int fd = mkstemp(path);
	struct ik_trace t = {0};
	struct ik_status st;

	CU_ASSERT(write(fd, "# ok\nnot-hex,zz\n", 16) == 16);
	close(fd);
	CU_ASSERT_FALSE(ik_trace_load_keys(&t, path, &st));
	CU_ASSERT_PTR_NOT_NULL(strstr(st.why, ":2:"));
	ik_trace_free(&t);
	unlink(path);
}

static const struct ik_test tests[] = {
	{"main + quick + DPD decrypted from the capture", test_main},
	{"retransmissions and replays decrypted as their first copy", test_duplicates},
	{"aggressive + quick decrypted from the capture", test_aggressive},
	{"a key for other cookies opens nothing", test_wrong_key},
	{"malformed key file names its line", test_bad_key_file},
};

IK_TEST_MAIN("trace", tests)
