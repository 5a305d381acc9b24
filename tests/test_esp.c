/*
 * ESP (engine/esp/): the RFC 3602 section 4 sample ESP packets byte for byte, round trips for
 * every transform, and every way an inbound packet is refused (RFC 4303 2.4, 2.6, 3.3.3, 3.4).
 */
#include "cunit.h"
#include "esp.h"
#include "rng.h"

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
	static const size_t sizes[] = {32, 64, 100, 1024};
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
		CU_ASSERT_TRUE(w.size >= sizes[s] && w.size >= 64);
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
	                IK_ESP_MALFORMED);
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

static const struct ik_test tests[] = {
	{"RFC 3602 sample ESP packets", test_rfc3602_packets},
	{"round trips, every transform", test_round_trips},
	{"a changed octet is refused", test_tamper},
	{"replays and the window edge", test_replay_and_window},
	{"window against a model", test_window_model},
	{"padding, dummy, malformed", test_padding_dummy_malformed},
	{"SA limits", test_sa_limits},
};
IK_TEST_MAIN("esp", tests)
