/*
 * Crypto primitives: algorithm tables, cipher edge cases, Diffie-Hellman agreement for every
 * group and the peer public value checks (RFC 2409 5 / RFC 5903 7), and RNG determinism.
 */
#include "cunit.h"

#include "cipher.h"
#include "consts.h"
#include "crypto.h"
#include "dh.h"
#include "prf.h"
#include "rng.h"

#include <openssl/bn.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void test_hash_table(void)
{
	static const struct {
		uint16_t id;
		size_t len;
	} want[] = {{1, 16}, {2, 20}, {4, 32}, {5, 48}, {6, 64}};

	for (size_t i = 0; i < 5; i++) {
		const struct ik_hash_alg *h = ik_hash_by_id(want[i].id);
		CU_ASSERT_PTR_NOT_NULL_FATAL(h);
		CU_ASSERT_EQUAL(h->len, want[i].len);
		CU_ASSERT_PTR_EQUAL(ik_hash_by_name(h->name), h);
	}
	CU_ASSERT_PTR_NULL(ik_hash_by_id(3)); /* Tiger: not supported */
	CU_ASSERT_PTR_NULL(ik_hash_by_id(0));
	CU_ASSERT_PTR_EQUAL(ik_hash_by_name("SHA2-256"), ik_hash_by_id(IK_P1_HASH_SHA2_256));
}

/* ik_digest over spans equals the digest of the concatenation. */
static void test_digest_spans(void)
{
	const struct ik_hash_alg *h = ik_hash_by_id(IK_P1_HASH_SHA2_256);
	static const uint8_t abc[] = "abc";
	uint8_t a[32], b[32];
	struct ik_span one = IK_SPAN(abc, 3);
	struct ik_span three[] = {IK_SPAN(abc, 1), IK_SPAN(abc + 1, 0), IK_SPAN(abc + 1, 2)};
	/* FIPS 180-2 B.1: SHA-256("abc") begins ba7816bf */
	CU_ASSERT_FATAL(ik_digest(h, &one, 1, a));
	CU_ASSERT(a[0] == 0xba && a[1] == 0x78 && a[2] == 0x16 && a[3] == 0xbf);
	CU_ASSERT_FATAL(ik_digest(h, three, 3, b));
	CU_ASSERT_EQUAL(memcmp(a, b, 32), 0);
}

static void test_cipher_table(void)
{
	const struct ik_cipher_alg *c;

	CU_ASSERT_PTR_NULL(
		ik_cipher_by_ike(IK_P1_ENCR_AES_CBC, 0)); /* RFC 3602 5: length required */
	CU_ASSERT_PTR_NULL(ik_cipher_by_ike(IK_P1_ENCR_AES_CBC, 512));
	c = ik_cipher_by_ike(IK_P1_ENCR_AES_CBC, 192);
	CU_ASSERT(c && c->key_len == 24 && c->block == 16);
	c = ik_cipher_by_ike(IK_P1_ENCR_3DES_CBC, 0);
	CU_ASSERT(c && c->key_len == 24 && c->block == 8);
	c = ik_cipher_by_ike(IK_P1_ENCR_DES_CBC, 0);
	CU_ASSERT(c && c->key_len == 8 && c->block == 8);
	c = ik_cipher_by_name("aes256gcm16");
	CU_ASSERT(c && c->mode == IK_MODE_GCM && c->icv == 16 && c->salt == 4 && c->esp_id == 20);
	CU_ASSERT_PTR_NULL(ik_cipher_by_name("rc4"));
}

static void test_cbc_partial_block(void)
{
	uint8_t key[16] = {0}, iv[16] = {0}, buf[40] = {0};
	struct ik_status st = {0};

	CU_ASSERT_FALSE(
		ik_cbc_crypt(ik_cipher_by_name("aes128"), key, iv, buf, 40, buf, true, &st));
	CU_ASSERT_EQUAL(st.notify, 16);
	CU_ASSERT(strstr(st.why, "not a multiple") != NULL);
	/* in == out round trip with no padding added */
	CU_ASSERT_FATAL(ik_cbc_crypt(ik_cipher_by_name("3des"), buf, iv, buf, 32, buf, true, &st));
	CU_ASSERT_FATAL(ik_cbc_crypt(ik_cipher_by_name("3des"), (uint8_t[24]){0}, iv, buf, 32, buf,
	                             false, &st));
	CU_ASSERT_EQUAL(memcmp(buf, (uint8_t[32]){0}, 32), 0);
}

static void test_gcm_bad_tag(void)
{
	const struct ik_cipher_alg *c = ik_cipher_by_name("aes128gcm16");
	uint8_t key[16] = {1}, iv[12] = {2}, pt[20] = {3}, ct[20], out[20], tag[16];
	struct ik_status st = {0};

	CU_ASSERT_FATAL(ik_gcm_seal(c, key, iv, 12, iv, 4, pt, 20, ct, tag, 16, &st));
	CU_ASSERT(ik_gcm_open(c, key, iv, 12, iv, 4, ct, 20, tag, 16, out, &st));
	tag[15] ^= 1;
	CU_ASSERT_FALSE(ik_gcm_open(c, key, iv, 12, iv, 4, ct, 20, tag, 16, out, &st));
	CU_ASSERT(strstr(st.why, "ICV") != NULL);
	tag[15] ^= 1;
	CU_ASSERT_FALSE(ik_gcm_open(c, key, iv, 12, iv, 3, ct, 20, tag, 16, out, &st)); /* AAD */
}

/* Both parties of every group compute the same g^xy, of the group's secret length. */
static void test_dh_agree_all_groups(void)
{
	for (size_t i = 0; i < ik_dh_group_count; i++) {
		const struct ik_dh_group *g = &ik_dh_groups[i];
		struct ik_dh a, b;
		struct ik_status st = {0};
		uint8_t za[IK_DH_MAX], zb[IK_DH_MAX];

		CU_ASSERT_FATAL(ik_dh_generate(&a, g, &st));
		CU_ASSERT_FATAL(ik_dh_generate(&b, g, &st));
		CU_ASSERT_EQUAL(a.pub_len, g->len);
		CU_ASSERT(memcmp(a.pub, b.pub, g->len) != 0);
		bool ok = ik_dh_shared(&a, b.pub, b.pub_len, za, &st) &&
		          ik_dh_shared(&b, a.pub, a.pub_len, zb, &st);
		CU_assertImplementation(ok && !memcmp(za, zb, g->secret_len), __LINE__, g->name,
		                        __FILE__, "", CU_FALSE);
		ik_dh_free(&a);
		ik_dh_free(&b);
		CU_ASSERT_PTR_NULL(a.priv);
	}
}

/* MODP value of the prime's length from a BIGNUM (p + delta). */
static void modp_value(const struct ik_dh_group *g, long delta, uint8_t *out)
{
	BIGNUM *p = g->prime(NULL);
	CU_ASSERT_FATAL(p != NULL);
	if (delta >= 0)
		BN_add_word(p, (BN_ULONG)delta);
	else
		BN_sub_word(p, (BN_ULONG)-delta);
	CU_ASSERT_EQUAL(BN_bn2binpad(p, out, (int)g->len), (int)g->len);
	BN_free(p);
}

static void expect_reject(const struct ik_dh_group *g, const uint8_t *v, size_t len,
                          uint16_t notify, const char *what)
{
	struct ik_status st = {0};
	char msg[300];
	bool ok = ik_dh_check_peer(g, v, len, &st);

	snprintf(msg, sizeof(msg), "%s %s: accepted=%d notify=%u why=%s", g->name, what, ok,
	         st.notify, st.why);
	CU_assertImplementation(!ok && st.notify == notify && st.why[0], __LINE__, msg, __FILE__,
	                        "", CU_FALSE);
}

static void test_dh_modp_checks(void)
{
	static const uint16_t ids[] = {1, 2, 14, 18};
	uint8_t v[IK_DH_MAX];

	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		const struct ik_dh_group *g = ik_dh_by_id(ids[i]);
		memset(v, 0, g->len);
		expect_reject(g, v, g->len, 17, "0");
		v[g->len - 1] = 1;
		expect_reject(g, v, g->len, 17, "1");
		modp_value(g, -1, v);
		expect_reject(g, v, g->len, 17, "p-1");
		modp_value(g, 0, v);
		expect_reject(g, v, g->len, 17, "p");
		memset(v, 0xff, g->len);
		expect_reject(g, v, g->len, 17, "2^n-1 > p");
		expect_reject(g, v, g->len - 1, 16, "short");
		modp_value(g, -2, v);
		CU_ASSERT(ik_dh_check_peer(g, v, g->len, NULL)); /* p-2 is a legal value */
		memset(v, 0, g->len);
		v[g->len - 1] = 2;
		CU_ASSERT(ik_dh_check_peer(g, v, g->len, NULL)); /* so is 2 */
	}
}

static void test_dh_ecp_checks(void)
{
	for (uint16_t id = 19; id <= 21; id++) {
		const struct ik_dh_group *g = ik_dh_by_id(id);
		struct ik_dh a;
		struct ik_status st = {0};
		uint8_t v[IK_DH_MAX], z[IK_DH_MAX];

		CU_ASSERT_FATAL(ik_dh_generate(&a, g, &st));
		CU_ASSERT(ik_dh_check_peer(g, a.pub, a.pub_len, &st));
		memcpy(v, a.pub, g->len);
		v[g->len - 1] ^= 1; /* y changed: off the curve */
		expect_reject(g, v, g->len, 17, "off-curve");
		ik_status_clear(&st);
		CU_ASSERT_FALSE(ik_dh_shared(&a, v, g->len, z, &st));
		CU_ASSERT_EQUAL(st.notify, 17); /* checked where the point is read */
		memset(v, 0, g->len);
		expect_reject(g, v, g->len, 17, "infinity (0,0)");
		memset(v, 0xff, g->len);
		expect_reject(g, v, g->len, 17, "coordinates >= p");
		expect_reject(g, a.pub, g->len + 1, 16, "with a 0x04 prefix length");
		expect_reject(g, a.pub, g->len / 2, 16, "x only");
		ik_dh_free(&a);
	}
}

static void test_dh_private_range(void)
{
	struct ik_dh d;
	struct ik_status st = {0};
	uint8_t zero[32] = {0}, big[32];

	memset(big, 0xff, sizeof(big)); /* >= the P-256 order */
	CU_ASSERT_FALSE(ik_dh_from_private(&d, ik_dh_by_id(19), zero, 32, &st));
	CU_ASSERT_FALSE(ik_dh_from_private(&d, ik_dh_by_id(19), big, 32, &st));
	CU_ASSERT_FALSE(ik_dh_from_private(&d, ik_dh_by_id(2), zero, 32, &st));
	CU_ASSERT_PTR_NULL(ik_dh_by_id(3));
	CU_ASSERT_PTR_EQUAL(ik_dh_by_name("modp2048"), ik_dh_by_id(14));
	CU_ASSERT_PTR_EQUAL(ik_dh_by_name("ecp521"), ik_dh_by_id(21));
}

static void test_rng_determinism(void)
{
	uint8_t a[100], b[100], c[100], d[100];

	ik_rng_seed(42);
	CU_ASSERT(ik_rng_seeded());
	CU_ASSERT(ik_rng_bytes(a, 100));
	ik_rng_seed(42);
	CU_ASSERT(ik_rng_bytes(b, 7) && ik_rng_bytes(b + 7, 93)); /* chunking does not matter */
	CU_ASSERT_EQUAL(memcmp(a, b, 100), 0);
	ik_rng_seed(43);
	CU_ASSERT(ik_rng_bytes(c, 100));
	CU_ASSERT(memcmp(a, c, 100) != 0);
	ik_rng_unseed();
	CU_ASSERT_FALSE(ik_rng_seeded());
	CU_ASSERT(ik_rng_bytes(c, 100) && ik_rng_bytes(d, 100));
	CU_ASSERT(memcmp(c, d, 100) != 0 && memcmp(a, c, 100) != 0);
}

/* A seeded RNG makes DH key pairs reproducible (golden transcripts). */
static void test_rng_dh_reproducible(void)
{
	struct ik_dh x, y;
	struct ik_status st = {0};

	ik_rng_seed(7);
	CU_ASSERT_FATAL(ik_dh_generate(&x, ik_dh_by_id(14), &st));
	ik_rng_seed(7);
	CU_ASSERT_FATAL(ik_dh_generate(&y, ik_dh_by_id(14), &st));
	CU_ASSERT_EQUAL(memcmp(x.pub, y.pub, x.pub_len), 0);
	ik_dh_free(&y);
	ik_rng_seed(8);
	CU_ASSERT_FATAL(ik_dh_generate(&y, ik_dh_by_id(14), &st));
	CU_ASSERT(memcmp(x.pub, y.pub, x.pub_len) != 0);
	ik_dh_free(&x);
	ik_dh_free(&y);
	ik_rng_unseed();
}

/* RFC 3526 8: MODP private values of twice the strength (320 bits for group 14), not of the
 * prime's length; two such pairs still agree. ECP keeps the full range. */
static void test_dh_exp_bits(void)
{
	struct ik_dh a, b;
	struct ik_status st = {0};
	uint8_t sa[IK_DH_MAX], sb[IK_DH_MAX];

	CU_ASSERT_EQUAL(ik_dh_exp_bits(ik_dh_by_id(14)), 320);
	CU_ASSERT_EQUAL(ik_dh_exp_bits(ik_dh_by_id(18)), 620);
	CU_ASSERT_EQUAL(ik_dh_exp_bits(ik_dh_by_id(19)), 0);
	for (int i = 0; i < 4; i++) {
		CU_ASSERT_FATAL(ik_dh_generate(&a, ik_dh_by_id(14), &st));
		CU_ASSERT_FATAL(ik_dh_generate(&b, ik_dh_by_id(14), &st));
		CU_ASSERT(BN_num_bits(a.priv) <= 320 && BN_num_bits(a.priv) > 256);
		CU_ASSERT(ik_dh_shared(&a, b.pub, b.pub_len, sa, &st));
		CU_ASSERT(ik_dh_shared(&b, a.pub, a.pub_len, sb, &st));
		CU_ASSERT_EQUAL(memcmp(sa, sb, 256), 0);
		ik_dh_free(&a);
		ik_dh_free(&b);
	}
}

/* The unseeded pool (rng.c): a child of fork() draws fresh octets, never the ones its parent
 * hands out next (two processes with one cookie, nonce or private value). */
static void test_rng_pool_fork(void)
{
	uint8_t warm[4], mine[16], theirs[16];
	int fds[2];

	ik_rng_unseed();
	CU_ASSERT_FATAL(ik_rng_bytes(warm, sizeof(warm))); /* the pool is filled */
	CU_ASSERT_FATAL(pipe(fds) == 0);
	pid_t pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (!pid) {
		uint8_t b[16];
		bool ok = ik_rng_bytes(b, sizeof(b)) && write(fds[1], b, sizeof(b)) == sizeof(b);
		_exit(ok ? 0 : 1);
	}
	close(fds[1]);
	CU_ASSERT(read(fds[0], theirs, sizeof(theirs)) == sizeof(theirs));
	close(fds[0]);
	int status = 0;
	waitpid(pid, &status, 0);
	CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CU_ASSERT_FATAL(ik_rng_bytes(mine, sizeof(mine)));
	CU_ASSERT(memcmp(mine, theirs, sizeof(mine)) != 0);
}

static const struct ik_test tests[] = {
	{"MODP private values of twice the strength (RFC 3526 8)", test_dh_exp_bits},
	{"hash table by IKE id", test_hash_table},
	{"digest over spans", test_digest_spans},
	{"cipher table by IKE id", test_cipher_table},
	{"CBC rejects partial blocks, no padding", test_cbc_partial_block},
	{"GCM rejects a wrong tag or AAD", test_gcm_bad_tag},
	{"DH: two parties agree in every group", test_dh_agree_all_groups},
	{"DH: MODP peer 0, 1, p-1, p, >p, short rejected", test_dh_modp_checks},
	{"DH: ECP off-curve, infinity, >=p, wrong length rejected", test_dh_ecp_checks},
	{"DH: private value range, group lookup", test_dh_private_range},
	{"RNG: same seed same bytes, other seed other bytes", test_rng_determinism},
	{"RNG: seeded DH key pairs reproduce", test_rng_dh_reproducible},
	{"RNG: a forked child draws other octets than its parent", test_rng_pool_fork},
};
IK_TEST_MAIN("crypto", tests)
