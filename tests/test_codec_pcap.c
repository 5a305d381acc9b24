/*
 * Round trip over every capture in vectors/pcap/ (every .pcap) (ike-scan now, strongSwan and
 * Libreswan captures from the lab later): encode(decode(x)) == x octet for octet for every message.
 * Every message in vectors/pcap/malformed/ must fail to decode, with a notify.
 */
#include "cunit.h"
#include "codec.h"
#include "pcapio.h"

#include <glob.h>
#include <string.h>

static size_t each(const char *pattern, bool want_ok)
{
	glob_t g;
	size_t msgs = 0;

	CU_ASSERT_EQUAL_FATAL(glob(pattern, 0, NULL, &g), 0);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		struct ik_status st;
		struct ik_pcap *pc = ik_pcap_open(g.gl_pathv[i], &st);
		struct ik_pkt k;
		size_t here = 0;
		CU_ASSERT_PTR_NOT_NULL_FATAL(pc);
		while (ik_pcap_next(pc, &k, &st) == 1) {
			struct ik_msg m;
			struct ik_wr w;
			here++;
			bool ok = ik_decode(&m, k.isakmp, k.len, &st);
			if (!want_ok) {
				CU_ASSERT_FALSE(ok);
				CU_ASSERT(st.notify != 0 && st.why[0]);
				if (ok)
					ik_msg_free(&m);
				continue;
			}
			if (!ok) {
				fprintf(stderr, "\n%s #%zu: %s\n", g.gl_pathv[i], k.num, st.why);
				CU_FAIL("decode of a captured message");
				continue;
			}
			ik_wr_init(&w);
			CU_ASSERT_TRUE(ik_encode(&m, &w, &st));
			if (w.len != k.len || memcmp(w.p, k.isakmp, k.len)) {
				fprintf(stderr, "\n%s #%zu: re-encoded octets differ\n",
				        g.gl_pathv[i], k.num);
				CU_FAIL("encode(decode(x)) == x");
			}
			ik_wr_free(&w);
			ik_msg_free(&m);
		}
		CU_ASSERT(here > 0); /* every capture holds at least one ISAKMP message */
		msgs += here;
		ik_pcap_close(pc);
	}
	globfree(&g);
	return msgs;
}

static void test_roundtrip(void)
{
	CU_ASSERT(each("vectors/pcap/*.pcap", true) >= 13);
}

static void test_malformed(void)
{
	CU_ASSERT(each("vectors/pcap/malformed/*.pcap", false) >= 4);
}

/* RFC 3948 2.2/2.3: which UDP payloads are ISAKMP. */
static void test_udp_offsets(void)
{
	static const uint8_t marker[] = {0, 0, 0, 0, 1, 2}, esp[] = {0, 0, 0, 1, 1, 2},
			     ka[] = {0xff};
	CU_ASSERT_EQUAL(ik_udp_isakmp_offset(4500, 4500, marker, sizeof(marker), 0), 4);
	CU_ASSERT_EQUAL(ik_udp_isakmp_offset(4500, 1234, esp, sizeof(esp), 0), -1);
	CU_ASSERT_EQUAL(ik_udp_isakmp_offset(1234, 4500, ka, sizeof(ka), 0), -1);
	CU_ASSERT_EQUAL(ik_udp_isakmp_offset(500, 1234, esp, sizeof(esp), 0), 0);
	CU_ASSERT_EQUAL(ik_udp_isakmp_offset(53, 1234, esp, sizeof(esp), 0), -1);
	CU_ASSERT_EQUAL(ik_udp_isakmp_offset(53, 1234, esp, sizeof(esp), 1), 0);
}

/* The path the mutation engine will use, on a real phase 1 message (mm-aes-sha2.pcap). */
static void test_phase1_path(void)
{
	struct ik_status st;
	struct ik_pcap *pc = ik_pcap_open("vectors/pcap/mm-aes-sha2.pcap", &st);
	struct ik_pkt k;
	struct ik_msg m;
	struct ik_ref r;
	uint64_t v = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(pc);
	CU_ASSERT_EQUAL_FATAL(ik_pcap_next(pc, &k, &st), 1);
	CU_ASSERT_TRUE_FATAL(ik_decode(&m, k.isakmp, k.len, &st));
	CU_ASSERT_TRUE(ik_path_find(&m, "SA.P[0].T[1].LIFE_DURATION", &r, &st));
	CU_ASSERT(ik_attr_num(r.node, &v) && v == 28800);
	CU_ASSERT_TRUE(ik_path_find(&m, "SA.P[0].T[0].KEY_LENGTH", &r, &st));
	CU_ASSERT_EQUAL(r.node->v[IK_F_A_VALUE].num, 256);
	CU_ASSERT_FALSE(ik_path_find(&m, "SA.P[0].T[0].SA_LIFE_DURATION", &r, &st));
	CU_ASSERT_TRUE(ik_path_find(&m, "VID[1].data", &r, &st));
	CU_ASSERT_EQUAL(r.node->v[r.field].len, 16);
	ik_msg_free(&m);
	ik_pcap_close(pc);
}

static const struct ik_test tests[] = {
	{"phase 1 attribute paths", test_phase1_path},
	{"captures round-trip octet for octet", test_roundtrip},
	{"malformed captures fail with a notify", test_malformed},
	{"UDP 500/4500 classification", test_udp_offsets},
};
IK_TEST_MAIN("codec_pcap", tests)
