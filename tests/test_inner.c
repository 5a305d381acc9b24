/* Inner packets (engine/esp/inner.c): the RFC 3602 sample pings parse with good checksums, ours
 * round-trip, and every broken field is named. */
#include "cunit.h"
#include "inner.h"

#include <arpa/inet.h>
#include <openssl/crypto.h>
#include <string.h>

/* RFC 3602 section 4 case 7: the inner packet of the tunnel-mode sample (ping 192.168.123.200). */
static const char case7[] =
	"45000054090400004001f988c0a87b03c0a87bc808009f76a90a0100b49c083d02a2040008"
	"090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20212223242526272829"
	"2a2b2c2d2e2f3031323334353637";

static void test_rfc3602_ping(void)
{
	long n = 0;
	uint8_t *p = OPENSSL_hexstr2buf(case7, &n);
	struct ik_inner in;
	struct ik_status st = {0};
	char a[INET_ADDRSTRLEN];
	CU_ASSERT_FATAL(p != NULL && n == 84);
	CU_ASSERT_TRUE(ik_inner_parse(p, (size_t)n, &in, &st));
	CU_ASSERT_EQUAL(in.proto, IK_INNER_ICMP);
	CU_ASSERT_EQUAL(in.icmp_type, 8);
	CU_ASSERT_EQUAL(in.id, 0xa90a);
	CU_ASSERT_EQUAL(in.seq, 0x0100);
	CU_ASSERT_EQUAL(in.data_len, 56);
	CU_ASSERT_STRING_EQUAL(inet_ntop(AF_INET, &in.dst, a, sizeof(a)), "192.168.123.200");
	p[11] ^= 1; /* the IPv4 header checksum */
	CU_ASSERT_FALSE(ik_inner_parse(p, (size_t)n, &in, &st));
	CU_ASSERT_PTR_NOT_NULL(strstr(st.why, "header checksum"));
	p[11] ^= 1;
	p[40] ^= 1; /* ICMP data */
	CU_ASSERT_FALSE(ik_inner_parse(p, (size_t)n, &in, &st));
	CU_ASSERT_PTR_NOT_NULL(strstr(st.why, "RFC 792"));
	OPENSSL_free(p);
}

static void test_round_trips(void)
{
	struct in_addr s, d;
	uint8_t b[2000], data[1500] = {7, 7, 7};
	struct ik_inner in;
	struct ik_status st = {0};
	inet_pton(AF_INET, "10.1.0.1", &s);
	inet_pton(AF_INET, "10.2.0.1", &d);
	for (size_t len = 0; len < 1500; len += 97) {
		size_t n = ik_inner_echo(b, sizeof(b), s, d, 8, 0x4242, (uint16_t)len, len);
		CU_ASSERT_EQUAL(n, 28 + len);
		CU_ASSERT_TRUE(ik_inner_parse(b, n, &in, &st));
		CU_ASSERT_EQUAL(in.seq, len);
		CU_ASSERT_EQUAL(in.data_len, len);
		CU_ASSERT_EQUAL(in.src.s_addr, s.s_addr);
		n = ik_inner_udp(b, sizeof(b), s, d, 4321, 7, data, len);
		CU_ASSERT_TRUE(ik_inner_parse(b, n, &in, &st));
		CU_ASSERT_EQUAL(in.proto, IK_INNER_UDP);
		CU_ASSERT_EQUAL(in.dport, 7);
		CU_ASSERT_EQUAL(in.data_len, len);
		b[n - 1 - (len ? 0 : 8)] ^= 0x80; /* payload, or the UDP header when empty */
		CU_ASSERT_FALSE(ik_inner_parse(b, n, &in, &st));
	}
	CU_ASSERT_EQUAL(ik_inner_echo(b, 30, s, d, 8, 1, 1, 64), 0);
}

static void test_malformed(void)
{
	struct in_addr s = {0}, d = {0};
	uint8_t b[100];
	struct ik_inner in;
	struct ik_status st = {0};
	size_t n = ik_inner_echo(b, sizeof(b), s, d, 0, 1, 2, 8);
	for (size_t cut = 0; cut < n; cut++)
		CU_ASSERT_FALSE(ik_inner_parse(b, cut, &in, &st));
	CU_ASSERT_TRUE(ik_inner_parse(b, n, &in, &st));
	b[0] = 0x65;
	CU_ASSERT_FALSE(ik_inner_parse(b, n, &in, &st));
	CU_ASSERT_PTR_NOT_NULL(strstr(st.why, "not IPv4"));
	n = ik_inner_udp(b, sizeof(b), s, d, 1, 2, (const uint8_t *)"x", 1);
	b[25] = 20; /* UDP length beyond the packet */
	CU_ASSERT_FALSE(ik_inner_parse(b, n, &in, &st));
	CU_ASSERT_PTR_NOT_NULL(strstr(st.why, "length field"));
}

/* Transport mode (RFC 4303 3.1.1): an echo's upper layer put back behind a header is the echo. */
static void test_wrap(void)
{
	uint8_t b[200], w[200];
	struct in_addr s, d;
	struct ik_inner in;
	struct ik_status st = {0};
	inet_pton(AF_INET, "192.0.2.1", &s);
	inet_pton(AF_INET, "192.0.2.2", &d);
	size_t n = ik_inner_echo(b, sizeof(b), s, d, 8, 7, 9, 40);
	CU_ASSERT_EQUAL(ik_inner_wrap(w, sizeof(w), s, d, IK_INNER_ICMP, b + 20, n - 20), n);
	CU_ASSERT_TRUE(ik_inner_parse(w, n, &in, &st));
	CU_ASSERT_TRUE(in.icmp_type == 8 && in.id == 7 && in.seq == 9 && in.data_len == 40);
	CU_ASSERT_EQUAL(memcmp(w + 20, b + 20, n - 20), 0);
	/* in place, as the data path does it */
	memcpy(w, b + 20, n - 20);
	CU_ASSERT_EQUAL(ik_inner_wrap(w, sizeof(w), s, d, IK_INNER_ICMP, w, n - 20), n);
	CU_ASSERT_TRUE(ik_inner_parse(w, n, &in, &st));
	CU_ASSERT_EQUAL(ik_inner_wrap(w, n - 1, s, d, IK_INNER_ICMP, b + 20, n - 20), 0);
}

static const struct ik_test tests[] = {
	{"RFC 3602 sample ping", test_rfc3602_ping},
	{"echo and UDP round trips", test_round_trips},
	{"malformed inner packets", test_malformed},
	{"transport mode: a header put back", test_wrap},
};
IK_TEST_MAIN("inner", tests)
