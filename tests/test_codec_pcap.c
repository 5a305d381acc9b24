/*
 * Round trip over every capture in vectors/pcap/ (every .pcap) (ike-scan now, strongSwan and
 * Libreswan captures from the lab later): encode(decode(x)) == x octet for octet for every message.
 * Every message in vectors/pcap/malformed/ must fail to decode, with a notify.
 */
#include "cunit.h"
#include "codec.h"
#include "pcapio.h"

#include <glob.h>
#include <pcap/pcap.h>
#include <unistd.h>
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

/* IPv4 fragments (RFC 791 3.2) put together: an ISAKMP message of 3000 octets in three
 * fragments of a raw-IP capture, the middle one first; and a datagram missing a fragment gives
 * nothing. */
static void write_frags(const char *path, const uint8_t *msg, size_t n, bool drop_last)
{
	uint8_t dgram[3100], frame[1600];
	size_t ulen = n + 8;
	pcap_t *pd = pcap_open_dead(DLT_RAW, 65535);
	pcap_dumper_t *d = pcap_dump_open(pd, path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	uint8_t udp[8] = {0x01, 0xf4, 0x01, 0xf4, (uint8_t)(ulen >> 8), (uint8_t)ulen, 0, 0};
	memcpy(dgram, udp, 8);
	memcpy(dgram + 8, msg, n);
	static const size_t order[] = {1, 0, 2};
	for (size_t k = 0; k < 3; k++) {
		size_t i = order[k], off = i * 1480, len = ulen - off < 1480 ? ulen - off : 1480;
		if (drop_last && i == 2)
			continue;
		uint16_t frag = (uint16_t)(off / 8) | (i < 2 ? 0x2000 : 0),
			 tot = (uint16_t)(20 + len);
		uint8_t ip[20] = {0x45,
		                  0,
		                  (uint8_t)(tot >> 8),
		                  (uint8_t)tot,
		                  0x12,
		                  0x34,
		                  (uint8_t)(frag >> 8),
		                  (uint8_t)frag,
		                  64,
		                  17,
		                  0,
		                  0,
		                  192,
		                  0,
		                  2,
		                  1,
		                  192,
		                  0,
		                  2,
		                  2};
		memcpy(frame, ip, 20);
		memcpy(frame + 20, dgram + off, len);
		struct pcap_pkthdr h = {.caplen = (bpf_u_int32)(20 + len),
		                        .len = (bpf_u_int32)(20 + len)};
		pcap_dump((u_char *)d, &h, frame);
	}
	pcap_dump_close(d);
	pcap_close(pd);
}

static void test_fragments(void)
{
	char path[] = "/tmp/ik-frag-XXXXXX";
	uint8_t msg[3000];
	struct ik_status st;
	struct ik_pkt k;
	int fd = mkstemp(path);
	close(fd);
	for (size_t i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)(i * 7 + 1);
	for (int drop = 0; drop < 2; drop++) {
		write_frags(path, msg, sizeof(msg), drop);
		struct ik_pcap *pc = ik_pcap_open(path, &st);
		CU_ASSERT_PTR_NOT_NULL_FATAL(pc);
		int rc = ik_pcap_next(pc, &k, &st);
		CU_ASSERT_EQUAL(rc, drop ? 0 : 1);
		if (rc == 1) {
			CU_ASSERT_EQUAL(k.len, sizeof(msg));
			CU_ASSERT_EQUAL(memcmp(k.isakmp, msg, sizeof(msg)), 0);
			CU_ASSERT_EQUAL(k.num, 3); /* the frame that completed it */
			CU_ASSERT_STRING_EQUAL(k.src, "192.0.2.1");
			CU_ASSERT_EQUAL(ik_pcap_next(pc, &k, &st), 0);
		}
		ik_pcap_close(pc);
	}
	unlink(path);
}
static const struct ik_test tests[] = {
	{"phase 1 attribute paths", test_phase1_path},
	{"captures round-trip octet for octet", test_roundtrip},
	{"malformed captures fail with a notify", test_malformed},
	{"UDP 500/4500 classification", test_udp_offsets},
	{"IPv4 fragments put together", test_fragments},
};
IK_TEST_MAIN("codec_pcap", tests)
