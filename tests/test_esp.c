/*
 * ESP (engine/esp/): the RFC 3602 section 4 sample ESP packets byte for byte, round trips for
 * every transform, and every way an inbound packet is refused (RFC 4303 2.4, 2.6, 3.3.3, 3.4).
 */
#include "cunit.h"
#include "esp.h"
#include "pcapw.h"
#include "rng.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

static const struct ik_esp_xform aes_cbc_none = {IK_ESP_CBC, "AES-128-CBC", 16, 0, 16,
                                                 16,         NULL,          0,  0};
static const struct ik_esp_xform xforms[] = {
	{IK_ESP_CBC, "AES-128-CBC", 16, 0, 16, 16, "SHA1", 20, 12},   /* RFC 3602 + 2404 */
	{IK_ESP_CBC, "AES-256-CBC", 32, 0, 16, 16, "SHA256", 32, 16}, /* RFC 4868 */
	{IK_ESP_CBC, "DES-EDE3-CBC", 24, 0, 8, 8, "MD5", 16, 12},     /* RFC 2451 + 2403 */
	{IK_ESP_CTR, "AES-128-CTR", 16, 4, 8, 4, "SHA1", 20, 12},     /* RFC 3686 */
	{IK_ESP_GCM, "AES-128-GCM", 16, 4, 8, 4, NULL, 0, 16},        /* RFC 4106 */
	{IK_ESP_GCM, "AES-256-GCM", 32, 4, 8, 4, NULL, 0, 16},
	{IK_ESP_NULL, NULL, 0, 0, 0, 4, "SHA512", 64, 32}, /* RFC 2410 + 4868 */
};
#define NX (sizeof(xforms) / sizeof(xforms[0]))

static uint8_t keymat[256];

static void pair(const struct ik_esp_xform *x, struct ik_esp_sa *out, struct ik_esp_sa *in)
{
	struct ik_status st = {0};
	for (size_t i = 0; i < sizeof(keymat); i++)
		keymat[i] = (uint8_t)(i * 7 + 3);
	CU_ASSERT_FATAL(ik_esp_sa_init(out, x, 0x1234abcd, keymat, sizeof(keymat), 64, &st));
	CU_ASSERT_FATAL(ik_esp_sa_init(in, x, 0x1234abcd, keymat, sizeof(keymat), 64, &st));
}

/* One RFC 3602 ESP record: SPI, SEQ, KEY, IV, PLAINTEXT (payload + trailer), CIPHERTEXT. */
struct rec {
	char f[6][1024];
};

static void check_rfc3602(const struct rec *r)
{
	long l[6];
	uint8_t *v[6];
	for (int i = 0; i < 6; i++)
		v[i] = OPENSSL_hexstr2buf(r->f[i], &l[i]);
	CU_ASSERT_FATAL(v[0] && v[1] && v[2] && v[3] && v[4] && v[5]);
	uint32_t spi = (uint32_t)v[0][2] << 8 | v[0][3], seq = v[1][3];
	struct ik_esp_sa sa, rx;
	struct ik_status st = {0};
	CU_ASSERT_FATAL(ik_esp_sa_init(&sa, &aes_cbc_none, spi, v[2], 16, 64, &st));
	CU_ASSERT_FATAL(ik_esp_sa_init(&rx, &aes_cbc_none, spi, v[2], 16, 64, &st));
	sa.seq = seq - 1;
	size_t plen = (size_t)l[4] - 2 - v[4][l[4] - 2], n = 0;
	uint8_t pkt[512], back[512], nh = 0;
	CU_ASSERT_TRUE(
		ik_esp_seal(&sa, v[4][l[4] - 1], v[4], plen, v[3], pkt, sizeof(pkt), &n, &st));
	/* SPI | sequence number | IV | the RFC's encrypted data */
	CU_ASSERT_EQUAL(n, 8 + 16 + (size_t)l[5]);
	CU_ASSERT_EQUAL(memcmp(pkt, v[0], 4) | memcmp(pkt + 4, v[1], 4), 0);
	CU_ASSERT_EQUAL(memcmp(pkt + 8, v[3], 16), 0);
	CU_ASSERT_EQUAL(memcmp(pkt + 24, v[5], (size_t)l[5]), 0);
	CU_ASSERT_EQUAL(ik_esp_open(&rx, pkt, n, back, sizeof(back), &n, &nh, &st), IK_ESP_OK);
	CU_ASSERT_EQUAL(n, plen);
	CU_ASSERT_EQUAL(memcmp(back, v[4], plen), 0);
	CU_ASSERT_EQUAL(nh, v[4][l[4] - 1]);
	ik_esp_sa_free(&sa);
	ik_esp_sa_free(&rx);
	for (int i = 0; i < 6; i++)
		OPENSSL_free(v[i]);
}

static void test_rfc3602_packets(void)
{
	static const char *const keys[6] = {"SPI", "SEQ", "KEY", "IV", "PLAINTEXT", "CIPHERTEXT"};
	FILE *f = fopen("vectors/rfc3602/aes-cbc-esp.txt", "r");
	char line[1100];
	struct rec r;
	int have = 0, done = 0;

	CU_ASSERT_FATAL(f != NULL);
	memset(&r, 0, sizeof(r));
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "COUNT", 5))
			have = 0; /* a new record (cases 1-4 have no SPI) */
		for (int i = 0; i < 6; i++) {
			size_t k = strlen(keys[i]);
			if (!strncmp(line, keys[i], k) && !strncmp(line + k, " = ", 3)) {
				snprintf(r.f[i], sizeof(r.f[i]), "%s", line + k + 3);
				r.f[i][strcspn(r.f[i], "\r\n")] = 0;
				have |= 1 << i;
			}
		}
		if (have == 0x3f) {
			check_rfc3602(&r);
			done++;
			have = 0;
		}
	}
	fclose(f);
	CU_ASSERT_EQUAL(done, 4); /* cases 5-8 */
}

static void test_round_trips(void)
{
	uint8_t payload[300], pkt[512], back[512], nh = 0;
	struct ik_status st = {0};
	for (size_t i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i ^ 0x5a);
	for (size_t k = 0; k < NX; k++) {
		struct ik_esp_sa out, in;
		pair(&xforms[k], &out, &in);
		for (size_t len = 0; len < sizeof(payload); len += 37) {
			size_t n = 0, m = 0;
			CU_ASSERT_TRUE(ik_esp_seal(&out, 4, payload, len, NULL, pkt, sizeof(pkt),
			                           &n, &st));
			/* RFC 4303 2.4: the encrypted part ends on the block and on 4 octets. */
			size_t clen = n - 8 - xforms[k].iv_len - xforms[k].icv_len;
			CU_ASSERT_EQUAL(clen % (xforms[k].block > 4 ? xforms[k].block : 4), 0);
			CU_ASSERT_EQUAL(ik_esp_open(&in, pkt, n, back, sizeof(back), &m, &nh, &st),
			                IK_ESP_OK);
			CU_ASSERT_EQUAL(m, len);
			CU_ASSERT_EQUAL(nh, 4);
			CU_ASSERT_EQUAL(memcmp(back, payload, len), 0);
		}
		CU_ASSERT_EQUAL(out.seq, 9); /* RFC 4303 3.3.3: 1, 2, ... */
		ik_esp_sa_free(&out);
		ik_esp_sa_free(&in);
	}
}

/* Every single-octet change is refused, and none moves the window. */
static void test_tamper(void)
{
	uint8_t payload[40] = {1, 2, 3}, pkt[256], bad[256], back[256], nh;
	struct ik_status st = {0};
	for (size_t k = 0; k < NX; k++) {
		struct ik_esp_sa out, in;
		size_t n = 0, m;
		pair(&xforms[k], &out, &in);
		CU_ASSERT_TRUE(ik_esp_seal(&out, 17, payload, sizeof(payload), NULL, pkt,
		                           sizeof(pkt), &n, &st));
		for (size_t i = 0; i < n; i++) {
			memcpy(bad, pkt, n);
			bad[i] ^= 0x01;
			enum ik_esp_verdict v =
				ik_esp_open(&in, bad, n, back, sizeof(back), &m, &nh, &st);
			/* The SPI picks the SA; sequence number 0 is refused before any
			 * cryptography (RFC 4303 3.3.3, 3.4.3); the rest fails the ICV. */
			CU_ASSERT_EQUAL(v, i < 4    ? IK_ESP_BAD_SPI
			                   : i == 7 ? IK_ESP_REPLAY
			                            : IK_ESP_BAD_ICV);
		}
		CU_ASSERT_EQUAL(in.win.top, 0);
		CU_ASSERT_EQUAL(ik_esp_open(&in, pkt, n, back, sizeof(back), &m, &nh, &st),
		                IK_ESP_OK);
		ik_esp_sa_free(&out);
		ik_esp_sa_free(&in);
	}
}

static void test_replay_and_window(void)
{
	uint8_t p[8] = {0}, pkt[100][128], back[128], nh;
	size_t n[100], m;
	struct ik_status st = {0};
	struct ik_esp_sa out, in;
	pair(&xforms[0], &out, &in);
	for (int i = 0; i < 100; i++)
		CU_ASSERT_TRUE(ik_esp_seal(&out, 4, p, sizeof(p), NULL, pkt[i], 128, &n[i], &st));
	CU_ASSERT_EQUAL(ik_esp_open(&in, pkt[99], n[99], back, 128, &m, &nh, &st), IK_ESP_OK);
	CU_ASSERT_EQUAL(ik_esp_open(&in, pkt[99], n[99], back, 128, &m, &nh, &st), IK_ESP_REPLAY);
	/* Window 64 with 100 on the right edge: 37 is its left end, 36 outside. */
	CU_ASSERT_EQUAL(ik_esp_open(&in, pkt[36], n[36], back, 128, &m, &nh, &st), IK_ESP_OK);
	CU_ASSERT_EQUAL(ik_esp_open(&in, pkt[35], n[35], back, 128, &m, &nh, &st), IK_ESP_REPLAY);
	CU_ASSERT_PTR_NOT_NULL(strstr(st.why, "left of the window"));
	CU_ASSERT_EQUAL(ik_esp_open(&in, pkt[36], n[36], back, 128, &m, &nh, &st), IK_ESP_REPLAY);
	CU_ASSERT_EQUAL(ik_esp_open(&in, pkt[50], n[50], back, 128, &m, &nh, &st), IK_ESP_OK);
	ik_esp_sa_free(&out);
	ik_esp_sa_free(&in);
}

/* The bitmap against a plain record of what was seen, across word boundaries and big jumps. */
static void test_window_model(void)
{
	static const size_t sizes[] = {20, 32, 64, 100, 1024};
	static bool seen[400000];
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		struct ik_esp_replay w;
		uint32_t top = 0, x = 12345;
		ik_esp_replay_init(&w, sizes[s]);
		memset(seen, 0, sizeof(seen));
		for (int i = 0; i < 20000; i++) {
			x = x * 1103515245 + 12345;
			/* Forward jumps up to 70 (across bitmap words), or back up to 155. */
			uint32_t step = (x >> 8) % 256, back = step - 100;
			uint32_t seq = step < 100   ? top + 1 + step % 70
			               : top > back ? top - back
			                            : 1;
			if (seq >= sizeof(seen))
				break;
			bool want = seq && !seen[seq] && (seq > top || top - seq < w.size);
			CU_ASSERT_EQUAL(ik_esp_replay_check(&w, seq), want);
			if (want) {
				ik_esp_replay_update(&w, seq);
				seen[seq] = true;
				top = seq > top ? seq : top;
			}
		}
		CU_ASSERT_TRUE(top > 1000);
		CU_ASSERT_EQUAL(w.size, sizes[s] < 32 ? 32 : sizes[s]); /* 3.4.3: 32 the least */
	}
}

/* A packet made by hand with NULL encryption and HMAC-SHA-512-256, so its padding can be wrong
 * and its ICV still right. */
static size_t null_packet(const uint8_t *clear, size_t clen, uint8_t *pkt)
{
	static const uint8_t hdr[8] = {0x12, 0x34, 0xab, 0xcd, 0, 0, 0, 1};
	uint8_t icv[64];
	size_t il = 0;
	memcpy(pkt, hdr, 8);
	memcpy(pkt + 8, clear, clen);
	EVP_Q_mac(NULL, "HMAC", NULL, "SHA512", NULL, keymat, 64, pkt, 8 + clen, icv, sizeof(icv),
	          &il);
	memcpy(pkt + 8 + clen, icv, 32);
	return 8 + clen + 32;
}

static void test_padding_dummy_malformed(void)
{
	uint8_t pkt[256], back[256], nh = 0;
	size_t m = 0;
	struct ik_status st = {0};
	struct ik_esp_sa out, in;
	pair(&xforms[NX - 1], &out, &in);
	const uint8_t good[8] = {9, 9, 9, 1, 2, 3, 3, 4}, badpad[8] = {9, 9, 9, 1, 7, 3, 3, 4},
		      longpad[8] = {9, 9, 9, 9, 9, 9, 9, 4};
	size_t n = null_packet(good, 8, pkt);
	CU_ASSERT_EQUAL(ik_esp_open(&in, pkt, n, back, sizeof(back), &m, &nh, &st), IK_ESP_OK);
	CU_ASSERT_EQUAL(m, 3);
	ik_esp_sa_free(&out);
	ik_esp_sa_free(&in);
	pair(&xforms[NX - 1], &out, &in);
	n = null_packet(badpad, 8, pkt);
	CU_ASSERT_EQUAL(ik_esp_open(&in, pkt, n, back, sizeof(back), &m, &nh, &st), IK_ESP_BAD_PAD);
	CU_ASSERT_EQUAL(in.win.top, 0);
	n = null_packet(longpad, 8, pkt);
	CU_ASSERT_EQUAL(ik_esp_open(&in, pkt, n, back, sizeof(back), &m, &nh, &st),
	                IK_ESP_BAD_PAD_LEN);
	/* Next header 59: authentic, counted in the window, discarded (RFC 4303 2.6). */
	CU_ASSERT_TRUE(ik_esp_seal(&out, IK_ESP_NH_NONE, good, 0, NULL, pkt, sizeof(pkt), &n, &st));
	CU_ASSERT_EQUAL(ik_esp_open(&in, pkt, n, back, sizeof(back), &m, &nh, &st), IK_ESP_DUMMY);
	CU_ASSERT_EQUAL(in.win.top, 1);
	for (size_t cut = 0; cut < n; cut += 5)
		CU_ASSERT_EQUAL(ik_esp_open(&in, pkt, cut, back, sizeof(back), &m, &nh, &st),
		                IK_ESP_MALFORMED);
	ik_esp_sa_free(&out);
	ik_esp_sa_free(&in);
}

/* The broken trailers of the ESP probes (RFC 4303 2.4, 2.5), every transform, every payload
 * length: zeros in the padding are refused (and taken by a receiver that does not inspect it,
 * IK_ESP_LAX_PAD), a Pad Length past the payload is refused whatever the receiver skips; neither
 * moves the window, and the next good packet still opens. */
static void test_broken_trailers(void)
{
	uint8_t payload[120], pkt[512], back[512], nh = 0;
	struct ik_status st = {0};
	memset(payload, 0x42, sizeof(payload));
	for (size_t k = 0; k < NX; k++)
		for (size_t len = 0; len < sizeof(payload); len += 13) {
			struct ik_esp_sa out, in;
			size_t n = 0, m = 0;
			pair(&xforms[k], &out, &in);
			CU_ASSERT_TRUE(ik_esp_seal_trailer(&out, 4, payload, len, IK_ESP_PAD_ZEROS,
			                                   pkt, sizeof(pkt), &n, &st));
			CU_ASSERT_EQUAL(ik_esp_open(&in, pkt, n, back, sizeof(back), &m, &nh, &st),
			                IK_ESP_BAD_PAD);
			in.lax |= IK_ESP_LAX_PAD;
			CU_ASSERT_EQUAL(ik_esp_open(&in, pkt, n, back, sizeof(back), &m, &nh, &st),
			                IK_ESP_OK);
			CU_ASSERT_EQUAL(m, len);
			CU_ASSERT_TRUE(ik_esp_seal_trailer(&out, 4, payload, len,
			                                   IK_ESP_PAD_OVERRUN, pkt, sizeof(pkt), &n,
			                                   &st));
			CU_ASSERT_EQUAL(ik_esp_open(&in, pkt, n, back, sizeof(back), &m, &nh, &st),
			                IK_ESP_BAD_PAD_LEN);
			CU_ASSERT_EQUAL(m, 0);
			CU_ASSERT_EQUAL(in.win.top, 1);
			CU_ASSERT_TRUE(ik_esp_seal(&out, 4, payload, len, NULL, pkt, sizeof(pkt),
			                           &n, &st));
			CU_ASSERT_EQUAL(ik_esp_open(&in, pkt, n, back, sizeof(back), &m, &nh, &st),
			                IK_ESP_OK);
			ik_esp_sa_free(&out);
			ik_esp_sa_free(&in);
		}
	/* A Pad Length of 255 cannot run past 255 octets of payload: refused, not sent. */
	struct ik_esp_sa out, in;
	size_t n = 0;
	uint8_t big[300] = {0};
	pair(&xforms[0], &out, &in);
	CU_ASSERT_FALSE(ik_esp_seal_trailer(&out, 4, big, sizeof(big), IK_ESP_PAD_OVERRUN, pkt,
	                                    sizeof(pkt), &n, &st));
	ik_esp_sa_free(&out);
	ik_esp_sa_free(&in);
}

static void test_sa_limits(void)
{
	struct ik_esp_sa sa;
	struct ik_status st = {0};
	uint8_t pkt[128];
	size_t n;
	static const struct ik_esp_xform null_none = {IK_ESP_NULL, NULL, 0, 0, 0, 4, NULL, 0, 0},
					 gcm_hmac = {IK_ESP_GCM, "AES-128-GCM", 16, 4, 8,
	                                             4,          "SHA1",        20, 16},
					 bad_key = {IK_ESP_CBC, "AES-128-CBC", 24, 0, 16,
	                                            16,         NULL,          0,  0};
	CU_ASSERT_FALSE(ik_esp_sa_init(&sa, &null_none, 1, keymat, 64, 64, &st));
	CU_ASSERT_PTR_NOT_NULL(strstr(st.why, "RFC 4303 3.2.2"));
	CU_ASSERT_FALSE(ik_esp_sa_init(&sa, &gcm_hmac, 1, keymat, 64, 64, &st));
	CU_ASSERT_FALSE(ik_esp_sa_init(&sa, &bad_key, 1, keymat, 64, 64, &st));
	CU_ASSERT_FALSE(ik_esp_sa_init(&sa, &xforms[0], 1, keymat, 35, 64, &st));
	CU_ASSERT_EQUAL(ik_esp_keymat_len(&xforms[0]), 36);
	CU_ASSERT_EQUAL(ik_esp_keymat_len(&xforms[4]), 20);
	CU_ASSERT_TRUE(ik_esp_sa_init(&sa, &xforms[0], 1, keymat, 36, 64, &st));
	sa.seq = UINT32_MAX - 1;
	CU_ASSERT_TRUE(ik_esp_seal(&sa, 4, pkt, 4, NULL, pkt, sizeof(pkt), &n, &st));
	CU_ASSERT_FALSE(ik_esp_seal(&sa, 4, pkt, 4, NULL, pkt, sizeof(pkt), &n, &st));
	CU_ASSERT_PTR_NOT_NULL(strstr(st.why, "rekeyed"));
	CU_ASSERT_FALSE(ik_esp_seal(&sa, 4, pkt, 200, NULL, pkt, 64, &n, &st));
	ik_esp_sa_free(&sa);
}

/* An inner IPv4 ICMP echo request (tunnel mode, next header 4) from 10.1.0.1 to 10.2.0.1. */
static size_t inner_ping(uint8_t *p, uint16_t seq)
{
	static const uint8_t ip[20] = {0x45, 0, 0,  36, 0, 1, 0,  0, 64, 1,
	                               0,    0, 10, 1,  0, 1, 10, 2, 0,  1};
	memcpy(p, ip, 20);
	uint8_t *icmp = p + 20;
	memset(icmp, 0, 16);
	icmp[0] = 8; /* echo request */
	icmp[4] = 0x12, icmp[5] = 0x34, icmp[6] = (uint8_t)(seq >> 8), icmp[7] = (uint8_t)seq;
	memcpy(icmp + 8, "ikecheck", 8);
	return 36;
}

static void sockaddr4(struct sockaddr_storage *ss, const char *a, uint16_t port)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	memset(ss, 0, sizeof(*ss));
	s4->sin_family = AF_INET;
	s4->sin_port = htons(port);
	inet_pton(AF_INET, a, &s4->sin_addr);
}

static void hexs(char *out, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
}

/*
 * An independent reader of what we put on the wire (issue 12 item 6): tshark, given the keys as
 * Wireshark esp_sa records, decrypts our UDP-encapsulated ESP (RFC 3948), finds the ICV good and
 * the inner ICMP echo with its sequence number, for each cipher family.
 */
static void test_tshark_decrypts(void)
{
	static const struct {
		size_t x;
		const char *cipher, *integ;
	} rows[] = {
		{0, "AES-CBC [RFC3602]", "HMAC-SHA-1-96 [RFC2404]"},
		{1, "AES-CBC [RFC3602]", "HMAC-SHA-256-128 [RFC4868]"},
		{2, "TripleDES-CBC [RFC2451]", "HMAC-MD5-96 [RFC2403]"},
		{3, "AES-CTR [RFC3686]", "HMAC-SHA-1-96 [RFC2404]"},
		{4, "AES-GCM with 16 octet ICV [RFC4106]", "NULL"},
	};
	char dir[] = "/tmp/ik-esp-XXXXXX", path[64], cmd[4096], ek[200], ik[200], line[256];
	struct sockaddr_storage src, dst;
	struct ik_status st = {0};
	CU_ASSERT_FATAL(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/esp.pcap", dir);
	struct ik_pcapw *w = ik_pcapw_open(path, &st);
	CU_ASSERT_FATAL(w != NULL);
	sockaddr4(&src, "192.0.2.1", 4500);
	sockaddr4(&dst, "192.0.2.2", 4500);
	size_t l = (size_t)snprintf(cmd, sizeof(cmd),
	                            "tshark -n -r %s -o esp.enable_encryption_decode:TRUE "
	                            "-o esp.enable_authentication_check:TRUE",
	                            path);
	for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		const struct ik_esp_xform *x = &xforms[rows[r].x];
		struct ik_esp_sa out, in;
		uint8_t ping[64], pkt[256];
		size_t n = 0;
		pair(x, &out, &in);
		out.spi = 0x1000 + (uint32_t)r;
		CU_ASSERT_TRUE(ik_esp_seal(&out, 4, ping, inner_ping(ping, (uint16_t)(100 + r)),
		                           NULL, pkt, sizeof(pkt), &n, &st));
		CU_ASSERT_TRUE(ik_pcapw_udp(w, &src, &dst, false, pkt, n));
		hexs(ek, keymat, x->key_len + x->salt_len);
		hexs(ik, keymat + x->key_len + x->salt_len, x->integ ? x->integ_key_len : 0);
		l += (size_t)snprintf(
			cmd + l, sizeof(cmd) - l,
			" -o 'uat:esp_sa:\"IPv4\",\"192.0.2.1\",\"192.0.2.2\",\"0x%08x\","
			"\"%s\",\"0x%s\",\"%s\",\"0x%s\"'",
			out.spi, rows[r].cipher, ek, rows[r].integ, ik);
		ik_esp_sa_free(&out);
		ik_esp_sa_free(&in);
	}
	ik_pcapw_close(w);
	snprintf(cmd + l, sizeof(cmd) - l,
	         " -T fields -e esp.spi -e esp.icv_good -e icmp.type -e icmp.seq 2>&1");
	FILE *p = popen(cmd, "r");
	CU_ASSERT_FATAL(p != NULL);
	int rows_ok = 0;
	while (fgets(line, sizeof(line), p)) {
		unsigned spi = 0, seq = 0, type = 0;
		char good[16] = "";
		/* "0x00001000<TAB>1<TAB>8<TAB>100": ICV good, echo request, our sequence number */
		if (sscanf(line, "%x %15s %u %u", &spi, good, &type, &seq) == 4 && type == 8 &&
		    seq == 100 + (spi - 0x1000) && (!strcmp(good, "1") || !strcmp(good, "True")))
			rows_ok++;
		else if (sscanf(line, "%x %u %u", &spi, &type, &seq) == 3 && spi == 0x1004 &&
		         type == 8 && seq == 104)
			rows_ok++; /* GCM: the ICV is the cipher's tag, tshark reports no HMAC check */
		else
			fprintf(stderr, "tshark: %s", line);
	}
	CU_ASSERT_EQUAL(pclose(p), 0);
	CU_ASSERT_EQUAL(rows_ok, 5);
	unlink(path);
	rmdir(dir);
}

/* The window is as wide as configured, no wider (RFC 4303 3.4.3: 32 the minimum, 64 the
 * default): with 100 on its right edge, a 32-wide one takes 69 but not 68, a 64-wide one 37
 * but not 36. A wider window than asked would hide a receiver configured narrower. */
static void test_window_sizes(void)
{
	static const struct {
		size_t size;
		uint32_t last_in;
	} rows[] = {{1, 69}, {32, 69}, {64, 37}, {65, 36}, {96, 5}};
	for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		struct ik_esp_replay w;
		ik_esp_replay_init(&w, rows[r].size);
		ik_esp_replay_update(&w, 100);
		CU_ASSERT_TRUE(ik_esp_replay_check(&w, rows[r].last_in));
		CU_ASSERT_FALSE(ik_esp_replay_check(&w, rows[r].last_in - 1));
	}
}

/* A packet far ahead whose ICV does not verify moves nothing (RFC 4303 3.4.3: "The receive
 * window is updated only if the integrity verification succeeds"); ik_esp_authentic tells an
 * authentic packet from a forged one without touching the window, GCM included. */
static void test_authentic_before_window(void)
{
	uint8_t p[30] = {4}, pkt[3][128], back[128], nh;
	size_t n[3], m;
	struct ik_status st = {0};
	for (size_t k = 0; k < NX; k++) {
		struct ik_esp_sa out, in;
		pair(&xforms[k], &out, &in);
		CU_ASSERT_TRUE(ik_esp_seal(&out, 4, p, sizeof(p), NULL, pkt[0], 128, &n[0], &st));
		out.seq = 1000000 - 1;
		CU_ASSERT_TRUE(ik_esp_seal(&out, 4, p, sizeof(p), NULL, pkt[1], 128, &n[1], &st));
		pkt[1][n[1] - 1] ^= 0x80; /* forged: its ICV (or tag) no longer verifies */
		out.seq = 1;
		CU_ASSERT_TRUE(ik_esp_seal(&out, 4, p, sizeof(p), NULL, pkt[2], 128, &n[2], &st));
		CU_ASSERT_TRUE(ik_esp_authentic(&in, pkt[0], n[0]));
		CU_ASSERT_FALSE(ik_esp_authentic(&in, pkt[1], n[1]));
		CU_ASSERT_EQUAL(in.win.top, 0);
		CU_ASSERT_EQUAL(ik_esp_open(&in, pkt[0], n[0], back, 128, &m, &nh, &st), IK_ESP_OK);
		CU_ASSERT_EQUAL(ik_esp_open(&in, pkt[1], n[1], back, 128, &m, &nh, &st),
		                IK_ESP_BAD_ICV);
		CU_ASSERT_EQUAL(in.win.top, 1);
		CU_ASSERT_EQUAL(ik_esp_open(&in, pkt[2], n[2], back, 128, &m, &nh, &st), IK_ESP_OK);
		/* Refused by the window, authentic all the same: the tester's evidence that a
		 * sender used a number twice (RFC 4303 2.2). */
		CU_ASSERT_EQUAL(ik_esp_open(&in, pkt[0], n[0], back, 128, &m, &nh, &st),
		                IK_ESP_REPLAY);
		CU_ASSERT_TRUE(ik_esp_authentic(&in, pkt[0], n[0]));
		ik_esp_sa_free(&out);
		ik_esp_sa_free(&in);
	}
}

/* Padding a receiver must take (RFC 4303 2.4: "The sender MAY add 0 to 255 bytes of padding",
 * "all implementations MUST support generation and consumption of padding"): none and 255
 * octets, every transform, payloads sized so that they align; other sizes are refused. */
static void test_pad_none_and_max(void)
{
	static const enum ik_esp_trailer trs[] = {IK_ESP_PAD_NONE, IK_ESP_PAD_MAX};
	uint8_t payload[64], pkt[512], back[512], nh = 0;
	struct ik_status st = {0};
	memset(payload, 0x42, sizeof(payload));
	for (size_t k = 0; k < NX; k++)
		for (size_t t = 0; t < 2; t++)
			for (size_t len = 0; len < sizeof(payload); len++) {
				struct ik_esp_sa out, in;
				size_t n = 0, m = 0;
				bool fits = ik_esp_pad_fits(&xforms[k], len, trs[t]);
				pair(&xforms[k], &out, &in);
				CU_ASSERT_EQUAL(ik_esp_seal_trailer(&out, 4, payload, len, trs[t],
				                                    pkt, sizeof(pkt), &n, &st),
				                fits);
				if (fits) {
					CU_ASSERT_EQUAL(ik_esp_open(&in, pkt, n, back, sizeof(back),
					                            &m, &nh, &st),
					                IK_ESP_OK);
					CU_ASSERT_EQUAL(m, len);
					CU_ASSERT_EQUAL(in.last_pad, t ? 255 : 0);
				}
				ik_esp_sa_free(&out);
				ik_esp_sa_free(&in);
			}
}

/* IK_ESP_UNALIGNED (quirk esp-bad-align, RFC 4303 2.4): a stream mode leaves out the padding
 * for the 4-octet alignment; a receiver refuses that as malformed, the tester's opens and counts
 * it. CBC pads to its block whatever the flag says. */
static void test_unaligned(void)
{
	uint8_t payload[21] = {0}, pkt[256], back[256], nh = 0; /* 21 + 2: one short of 24 */
	struct ik_status st = {0};
	for (size_t k = 0; k < NX; k++) {
		struct ik_esp_sa out, in;
		size_t n = 0, m = 0, over = 8 + xforms[k].iv_len + xforms[k].icv_len;
		bool stream = xforms[k].mode != IK_ESP_CBC;
		pair(&xforms[k], &out, &in);
		out.lax |= IK_ESP_UNALIGNED;
		CU_ASSERT_TRUE(ik_esp_seal(&out, 4, payload, sizeof(payload), NULL, pkt,
		                           sizeof(pkt), &n, &st));
		CU_ASSERT_EQUAL((n - over) % 4 != 0, stream);
		CU_ASSERT_EQUAL(ik_esp_open(&in, pkt, n, back, sizeof(back), &m, &nh, &st),
		                stream ? IK_ESP_MALFORMED : IK_ESP_OK);
		in.lax |= IK_ESP_UNALIGNED;
		CU_ASSERT_EQUAL(ik_esp_open(&in, pkt, n, back, sizeof(back), &m, &nh, &st),
		                stream ? IK_ESP_OK : IK_ESP_REPLAY);
		CU_ASSERT_EQUAL(in.unaligned, stream ? 1u : 0u);
		ik_esp_sa_free(&out);
		ik_esp_sa_free(&in);
	}
}

/* RFC 4868 2.3: an HMAC-SHA-256 ICV is 128 bits. A sender that cuts it to 96 (quirk esp-sha2-96)
 * has its packets refused, and the refusal says they verify as 96 bits; a 128-bit one that is
 * merely wrong gets no such hint. */
static void test_sha2_96_hint(void)
{
	uint8_t payload[32] = {0}, pkt[256], back[256], nh = 0;
	struct ik_status st = {0};
	struct ik_esp_xform x96 = xforms[1];
	struct ik_esp_sa out, in;
	size_t n = 0, m = 0;
	x96.icv_len = 12;
	pair(&xforms[1], &out, &in);
	ik_esp_sa_free(&out);
	CU_ASSERT_FATAL(ik_esp_sa_init(&out, &x96, 0x1234abcd, keymat, sizeof(keymat), 64, &st));
	CU_ASSERT_TRUE(ik_esp_seal(&out, 4, payload, 30, NULL, pkt, sizeof(pkt), &n, &st));
	CU_ASSERT_NOT_EQUAL(ik_esp_open(&in, pkt, n, back, sizeof(back), &m, &nh, &st), IK_ESP_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(st.why, "verifies as a 96-bit ICV"));
	pkt[n - 1] ^= 1;
	CU_ASSERT_NOT_EQUAL(ik_esp_open(&in, pkt, n, back, sizeof(back), &m, &nh, &st), IK_ESP_OK);
	CU_ASSERT_PTR_NULL(strstr(st.why, "96-bit"));
	ik_esp_sa_free(&out);
	ik_esp_sa_free(&in);
}

/* RFC 2404 2: an HMAC-SHA-1-96 ICV is the first 96 bits. A sender that sends all 160 (quirk
 * esp-sha1-160) has its packets refused, and the refusal says so. */
static void test_sha1_160_hint(void)
{
	uint8_t payload[32] = {0}, pkt[256], back[256], nh = 0;
	struct ik_status st = {0};
	struct ik_esp_xform x = xforms[0], x160;
	struct ik_esp_sa out, in;
	size_t n = 0, m = 0;
	CU_ASSERT_FATAL(x.integ && !strcmp(x.integ, "SHA1") && x.icv_len == 12);
	x160 = x;
	x160.icv_len = 20;
	pair(&x, &out, &in);
	ik_esp_sa_free(&out);
	CU_ASSERT_FATAL(ik_esp_sa_init(&out, &x160, 0x1234abcd, keymat, sizeof(keymat), 64, &st));
	CU_ASSERT_TRUE(ik_esp_seal(&out, 4, payload, 26, NULL, pkt, sizeof(pkt), &n, &st));
	CU_ASSERT_NOT_EQUAL(ik_esp_open(&in, pkt, n, back, sizeof(back), &m, &nh, &st), IK_ESP_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(st.why, "whole 160-bit HMAC-SHA-1"));
	ik_esp_sa_free(&out);
	ik_esp_sa_free(&in);
}

static const struct ik_test tests[] = {
	{"an HMAC-SHA-256 ICV cut to 96 bits is named", test_sha2_96_hint},
	{"an HMAC-SHA-1 ICV of 160 bits is named", test_sha1_160_hint},
	{"RFC 3602 sample ESP packets", test_rfc3602_packets},
	{"round trips, every transform", test_round_trips},
	{"a changed octet is refused", test_tamper},
	{"replays and the window edge", test_replay_and_window},
	{"window against a model", test_window_model},
	{"window as wide as configured", test_window_sizes},
	{"ICV before the window moves; ik_esp_authentic", test_authentic_before_window},
	{"no padding and 255 octets of it", test_pad_none_and_max},
	{"a trailer not aligned to 4 octets", test_unaligned},
	{"padding, dummy, malformed", test_padding_dummy_malformed},
	{"broken trailers: zero padding, Pad Length overrun", test_broken_trailers},
	{"SA limits", test_sa_limits},
	{"tshark decrypts our ESP", test_tshark_decrypts},
};
IK_TEST_MAIN("esp", tests)
