/*
 * The IKEv1 key schedule (engine/crypto/keys.c) against direct compositions with OpenSSL's one-shot
 * HMAC() and EVP_Digest() over hand-concatenated buffers, following the RFC 2409 formulas
 * literally. (SKEYID and SKEYID_d/a/e are also covered by the 3,400 NIST cases in test_kat.)
 */
#include "cunit.h"

#include "consts.h"
#include "keys.h"
#include "util.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <string.h>

/* Fixed inputs: values chosen to be distinct so that a swapped field shows. */
static const uint8_t ni[16] = "initiator nonce!", nr[12] = "resp. nonce.";
static const uint8_t gxi[8] = "g^xi....", gxr[8] = "g^xr____", gxy[10] = "shared-sec";
static const uint8_t sa[5] = "SA-b.", idii[6] = "IDii-b", idir[6] = "IDir-b";

static struct ik_p1_in sample_in(enum ik_auth_kind auth)
{
	struct ik_p1_in in = {.auth = auth};
	in.psk = IK_SPAN("secret", 6);
	in.ni_b = IK_SPAN(ni, sizeof(ni));
	in.nr_b = IK_SPAN(nr, sizeof(nr));
	in.gxy = IK_SPAN(gxy, sizeof(gxy));
	in.gxi = IK_SPAN(gxi, sizeof(gxi));
	in.gxr = IK_SPAN(gxr, sizeof(gxr));
	memcpy(in.cky_i, "CKY-I...", 8);
	memcpy(in.cky_r, "CKY-R___", 8);
	return in;
}

/* Concatenate into buf, return the length. */
static size_t cat(uint8_t *buf, const struct ik_span *parts, size_t n)
{
	size_t len = 0;
	for (size_t i = 0; i < n; i++) {
		memcpy(buf + len, parts[i].p, parts[i].len);
		len += parts[i].len;
	}
	return len;
}

static void hmac(const struct ik_hash_alg *h, const uint8_t *key, size_t klen,
                 const struct ik_span *parts, size_t n, uint8_t *out)
{
	uint8_t buf[1024];
	unsigned int len = 0;
	size_t dl = cat(buf, parts, n);
	CU_ASSERT_PTR_NOT_NULL_FATAL(
		HMAC(EVP_get_digestbyname(h->evp), key, (int)klen, buf, dl, out, &len));
	CU_ASSERT_EQUAL(len, h->len);
}

static void test_skeyid_kinds(void)
{
	const struct ik_hash_alg *h = ik_hash_by_id(IK_P1_HASH_SHA);
	uint8_t got[64], want[64], key[64], hk[64];
	struct ik_p1_in in = sample_in(IK_AUTH_PSK);
	struct ik_span nonces[] = {in.ni_b, in.nr_b};
	struct ik_span ckys[] = {IK_SPAN(in.cky_i, 8), IK_SPAN(in.cky_r, 8)};

	/* PSK: prf(pre-shared-key, Ni_b | Nr_b) */
	CU_ASSERT_FATAL(ik_skeyid(h, &in, got, NULL));
	hmac(h, in.psk.p, in.psk.len, nonces, 2, want);
	CU_ASSERT_EQUAL(memcmp(got, want, h->len), 0);
	/* signatures: prf(Ni_b | Nr_b, g^xy) */
	in.auth = IK_AUTH_SIG;
	CU_ASSERT_FATAL(ik_skeyid(h, &in, got, NULL));
	hmac(h, key, cat(key, nonces, 2), &in.gxy, 1, want);
	CU_ASSERT_EQUAL(memcmp(got, want, h->len), 0);
	/* public key encryption: prf(hash(Ni_b | Nr_b), CKY-I | CKY-R) */
	in.auth = IK_AUTH_PKE;
	CU_ASSERT_FATAL(ik_skeyid(h, &in, got, NULL));
	CU_ASSERT_FATAL(EVP_Digest(key, cat(key, nonces, 2), hk, NULL, EVP_sha1(), NULL));
	hmac(h, hk, 20, ckys, 2, want);
	CU_ASSERT_EQUAL(memcmp(got, want, h->len), 0);
}

/* RFC 2409 Appendix B for every IKE cipher and hash: key length, and the K1 | K2 rule. */
static void test_key_expansion(void)
{
	uint8_t skeyid_e[64], ka[64], k1[64], k2[64];
	static const uint8_t zero = 0;

	for (size_t i = 0; i < 64; i++)
		skeyid_e[i] = (uint8_t)(i * 7 + 1);
	for (size_t hi = 0; hi < ik_hash_alg_count; hi++) {
		const struct ik_hash_alg *h = &ik_hash_algs[hi];
		for (size_t ci = 0; ci < ik_cipher_alg_count; ci++) {
			const struct ik_cipher_alg *c = &ik_cipher_algs[ci];
			if (!c->ike_id)
				continue;
			memset(ka, 0xee, sizeof(ka));
			CU_ASSERT_FATAL(ik_key_expand(h, skeyid_e, ka, c->key_len, NULL));
			CU_ASSERT_EQUAL(ka[c->key_len], 0xee); /* nothing written past the key */
			if (c->key_len <= h->len) {
				CU_ASSERT_EQUAL(memcmp(ka, skeyid_e, c->key_len), 0);
				continue;
			}
			/* K1 = prf(SKEYID_e, 0), K2 = prf(SKEYID_e, K1), Ka = K1 | K2 ... */
			struct ik_span z = IK_SPAN(&zero, 1);
			hmac(h, skeyid_e, h->len, &z, 1, k1);
			struct ik_span s1 = IK_SPAN(k1, h->len);
			hmac(h, skeyid_e, h->len, &s1, 1, k2);
			CU_ASSERT_EQUAL(memcmp(ka, k1, h->len), 0);
			CU_ASSERT_EQUAL(memcmp(ka + h->len, k2, c->key_len - h->len), 0);
		}
	}
	/* The classic case: 3DES (24 bytes) with SHA-1 (20) and MD5 (16) needs expansion. */
	CU_ASSERT(ik_cipher_by_ike(IK_P1_ENCR_3DES_CBC, 0)->key_len >
	          ik_hash_by_id(IK_P1_HASH_SHA)->len);
}

static void test_p1_derive_and_wipe(void)
{
	const struct ik_hash_alg *h = ik_hash_by_id(IK_P1_HASH_MD5);
	const struct ik_cipher_alg *c = ik_cipher_by_ike(IK_P1_ENCR_AES_CBC, 256);
	struct ik_p1_in in = sample_in(IK_AUTH_PSK);
	struct ik_p1_keys k, zero;
	uint8_t d[64], a[64], e[64], iv[64], ka[32];
	struct ik_span gs[] = {in.gxi, in.gxr};

	CU_ASSERT_FATAL(ik_p1_derive(&k, h, c, &in, NULL));
	CU_ASSERT_FATAL(ik_skeyid_dae(h, k.skeyid, in.gxy, in.cky_i, in.cky_r, d, a, e, NULL));
	CU_ASSERT_EQUAL(memcmp(k.skeyid_e, e, 16), 0);
	CU_ASSERT_FATAL(ik_key_expand(h, e, ka, 32, NULL));
	CU_ASSERT_EQUAL(memcmp(k.enc_key, ka, 32), 0);
	/* IV = MD5(g^xi | g^xr): 16 bytes = the AES block */
	CU_ASSERT_FATAL(EVP_Digest(iv, cat(iv, gs, 2), iv, NULL, EVP_md5(), NULL));
	CU_ASSERT_EQUAL(memcmp(k.iv, iv, 16), 0);
	ik_p1_keys_wipe(&k);
	memset(&zero, 0, sizeof(zero));
	CU_ASSERT_EQUAL(memcmp(&k, &zero, sizeof(k)), 0);
	/* a failure leaves nothing behind either */
	CU_ASSERT_FALSE(ik_p1_derive(&k, h, NULL, &in, NULL));
	CU_ASSERT_EQUAL(memcmp(&k, &zero, sizeof(k)), 0);
}

/* HASH_I = prf(SKEYID, g^xi | g^xr | CKY-I | CKY-R | SAi_b | IDii_b) and the mirror HASH_R. */
static void test_hash_i_r(void)
{
	const struct ik_hash_alg *h = ik_hash_by_id(IK_P1_HASH_SHA2_256);
	struct ik_p1_in in = sample_in(IK_AUTH_PSK);
	uint8_t skeyid[32], got[32], want[32];

	memset(skeyid, 0x5a, sizeof(skeyid));
	struct ik_span pi[] = {
		in.gxi,         in.gxr,          IK_SPAN(in.cky_i, 8), IK_SPAN(in.cky_r, 8),
		IK_SPAN(sa, 5), IK_SPAN(idii, 6)};
	CU_ASSERT_FATAL(ik_hash_i(h, skeyid, &in, IK_SPAN(sa, 5), IK_SPAN(idii, 6), got, NULL));
	hmac(h, skeyid, 32, pi, 6, want);
	CU_ASSERT_EQUAL(memcmp(got, want, 32), 0);
	struct ik_span pr[] = {
		in.gxr,         in.gxi,          IK_SPAN(in.cky_r, 8), IK_SPAN(in.cky_i, 8),
		IK_SPAN(sa, 5), IK_SPAN(idir, 6)};
	CU_ASSERT_FATAL(ik_hash_r(h, skeyid, &in, IK_SPAN(sa, 5), IK_SPAN(idir, 6), got, NULL));
	hmac(h, skeyid, 32, pr, 6, want);
	CU_ASSERT_EQUAL(memcmp(got, want, 32), 0);
}

/* Quick mode HASH(1..3) (RFC 2409 5.5) and informational HASH(1) (5.7). */
static void test_qm_hashes(void)
{
	const struct ik_hash_alg *h = ik_hash_by_id(IK_P1_HASH_SHA);
	uint8_t ska[20], got[20], want[20];
	static const uint8_t mid[4] = {0xde, 0xad, 0xbe, 0xef}, zero = 0;
	static const uint8_t rest[9] = "SA|Nr|ID.";
	struct ik_span r = IK_SPAN(rest, 9), n_i = IK_SPAN(ni, 16), n_r = IK_SPAN(nr, 12);

	memset(ska, 0xa5, sizeof(ska));
	struct ik_span h1[] = {IK_SPAN(mid, 4), r};
	CU_ASSERT_FATAL(ik_qm_hash1(h, ska, 0xdeadbeef, r, got, NULL));
	hmac(h, ska, 20, h1, 2, want);
	CU_ASSERT_EQUAL(memcmp(got, want, 20), 0);
	CU_ASSERT_FATAL(ik_info_hash(h, ska, 0xdeadbeef, r, got, NULL));
	CU_ASSERT_EQUAL(memcmp(got, want, 20), 0); /* same shape: prf(SKEYID_a, M-ID | N/D) */

	struct ik_span h2[] = {IK_SPAN(mid, 4), n_i, r};
	CU_ASSERT_FATAL(ik_qm_hash2(h, ska, 0xdeadbeef, n_i, r, got, NULL));
	hmac(h, ska, 20, h2, 3, want);
	CU_ASSERT_EQUAL(memcmp(got, want, 20), 0);

	struct ik_span h3[] = {IK_SPAN(&zero, 1), IK_SPAN(mid, 4), n_i, n_r};
	CU_ASSERT_FATAL(ik_qm_hash3(h, ska, 0xdeadbeef, n_i, n_r, got, NULL));
	hmac(h, ska, 20, h3, 4, want);
	CU_ASSERT_EQUAL(memcmp(got, want, 20), 0);
}

/* KEYMAT with and without PFS, expanded over three blocks (RFC 2409 5.5). */
static void test_keymat(void)
{
	const struct ik_hash_alg *h = ik_hash_by_id(IK_P1_HASH_SHA);
	uint8_t skd[20], got[50], k[3][20];
	static const uint8_t spi[4] = {0x11, 0x22, 0x33, 0x44}, proto = 3; /* PROTO_IPSEC_ESP */
	static const uint8_t gqm[6] = "gqm^xy";

	memset(skd, 0x3c, sizeof(skd));
	for (int pfs = 0; pfs < 2; pfs++) {
		struct ik_span g = IK_SPAN(gqm, pfs ? 6 : 0);
		CU_ASSERT_FATAL(ik_keymat(h, skd, g, proto, IK_SPAN(spi, 4), IK_SPAN(ni, 16),
		                          IK_SPAN(nr, 12), got, 50, NULL));
		for (int i = 0; i < 3; i++) {
			struct ik_span p[] = {IK_SPAN(k[i ? i - 1 : 0], i ? 20 : 0),
			                      g,
			                      IK_SPAN(&proto, 1),
			                      IK_SPAN(spi, 4),
			                      IK_SPAN(ni, 16),
			                      IK_SPAN(nr, 12)};
			hmac(h, skd, 20, p, 6, k[i]);
		}
		CU_ASSERT_EQUAL(memcmp(got, k[0], 20), 0);
		CU_ASSERT_EQUAL(memcmp(got + 20, k[1], 20), 0);
		CU_ASSERT_EQUAL(memcmp(got + 40, k[2], 10), 0);
	}
}

/* Appendix B IVs: chaining takes the last cipher block; phase 2 IV = hash(block | M-ID). */
static void test_ivs(void)
{
	const struct ik_hash_alg *h = ik_hash_by_id(IK_P1_HASH_SHA);
	uint8_t ct[32], iv[16], want[20], buf[20];
	static const uint8_t mid[4] = {0, 0, 0x01, 0x02};
	struct ik_status st = {0};

	for (int i = 0; i < 32; i++)
		ct[i] = (uint8_t)i;
	CU_ASSERT_FATAL(ik_iv_chain(iv, 16, ct, 32, &st));
	CU_ASSERT_EQUAL(memcmp(iv, ct + 16, 16), 0);
	CU_ASSERT_FALSE(ik_iv_chain(iv, 16, ct, 24, &st));
	CU_ASSERT_EQUAL(st.notify, 16);
	CU_ASSERT_FATAL(ik_p2_iv(h, ct + 24, 8, 0x0102, iv, NULL)); /* 3DES: 8-byte block */
	memcpy(buf, ct + 24, 8);
	memcpy(buf + 8, mid, 4);
	CU_ASSERT_FATAL(EVP_Digest(buf, 12, want, NULL, EVP_sha1(), NULL));
	CU_ASSERT_EQUAL(memcmp(iv, want, 8), 0);
	/* A block longer than the hash cannot be filled: refused, not overread. */
	CU_ASSERT_FALSE(ik_p2_iv(ik_hash_by_id(IK_P1_HASH_MD5), ct, 32, 1, iv, &st));
}

/* Two messages each way with the chained IV (Appendix B), decrypting in place. */
static void test_ike_crypt_chain(void)
{
	const struct ik_cipher_alg *c = ik_cipher_by_ike(IK_P1_ENCR_3DES_CBC, 0);
	uint8_t key[24], iv_s[8], iv_r[8], m[2][24], buf[24];

	for (int i = 0; i < 24; i++) {
		key[i] = (uint8_t)(0x40 + i);
		m[0][i] = (uint8_t)i;
		m[1][i] = (uint8_t)(0xff - i);
	}
	memset(iv_s, 9, 8);
	memcpy(iv_r, iv_s, 8);
	CU_ASSERT_EQUAL(ik_ike_padded_len(c, 17), 24);
	CU_ASSERT_EQUAL(ik_ike_padded_len(c, 24), 24);
	for (int n = 0; n < 2; n++) {
		uint8_t before[8];
		memcpy(before, iv_s, 8);
		CU_ASSERT_FATAL(ik_ike_encrypt(c, key, iv_s, m[n], 24, buf, NULL));
		CU_ASSERT_EQUAL(memcmp(iv_s, buf + 16, 8), 0); /* next IV = last cipher block */
		CU_ASSERT(memcmp(iv_s, before, 8) != 0);
		CU_ASSERT_FATAL(ik_ike_decrypt(c, key, iv_r, buf, 24, buf, NULL));
		CU_ASSERT_EQUAL(memcmp(buf, m[n], 24), 0);
		CU_ASSERT_EQUAL(memcmp(iv_r, iv_s, 8), 0);
	}
	CU_ASSERT_FALSE(ik_ike_decrypt(c, key, iv_r, buf, 20, buf, NULL));
}

/*
 * RFC 2409 5, signatures: SKEYID = prf(Ni_b | Nr_b, g^xy). A known answer made outside this
 * code base with the openssl command line (OpenSSL 3.0), key = Ni_b | Nr_b, data = g^xy:
 *   echo -n $GXY | xxd -r -p | openssl mac -digest SHA1 -macopt hexkey:$NI$NR HMAC
 * and the same with -digest SHA256.
 */
static void test_skeyid_sig_kat(void)
{
	static const struct {
		uint16_t hash;
		const char *want;
	} rows[] = {
		{IK_P1_HASH_SHA, "e7d79db00255fe72194da74321d0ccbc0fbada34"},
		{IK_P1_HASH_SHA2_256,
	         "0c95bd8bdd96004ec3f84f7bcc9526ee33491925dae778d32b6b81a42c38fe93"},
	};
	const char *ni_hex = "000102030405060708090a0b0c0d0e0f",
		   *nr_hex = "101112131415161718191a1b1c1d1e1f",
		   *gxy_hex = "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf";
	uint8_t n_i[16], n_r[16], g[32], want[32], got[64];
	struct ik_p1_in in = {.auth = IK_AUTH_SIG};

	CU_ASSERT_FATAL(ik_hex_decode(ni_hex, 16, n_i));
	CU_ASSERT_FATAL(ik_hex_decode(nr_hex, 16, n_r));
	CU_ASSERT_FATAL(ik_hex_decode(gxy_hex, 32, g));
	in.ni_b = IK_SPAN(n_i, 16);
	in.nr_b = IK_SPAN(n_r, 16);
	in.gxy = IK_SPAN(g, 32);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct ik_hash_alg *h = ik_hash_by_id(rows[i].hash);
		CU_ASSERT_PTR_NOT_NULL_FATAL(h);
		CU_ASSERT_FATAL(ik_hex_decode(rows[i].want, h->len, want));
		CU_ASSERT_FATAL(ik_skeyid(h, &in, got, NULL));
		CU_ASSERT_EQUAL(memcmp(got, want, h->len), 0);
	}
}

static const struct ik_test tests[] = {
	{"SKEYID for PSK, signatures, public key encryption", test_skeyid_kinds},
	{"SKEYID for signatures: known answer from openssl mac (RFC 2409 5)", test_skeyid_sig_kat},
	{"Appendix B key expansion for every cipher and hash", test_key_expansion},
	{"phase 1 derive: keys, IV, and the one wipe path", test_p1_derive_and_wipe},
	{"HASH_I / HASH_R by direct HMAC composition", test_hash_i_r},
	{"quick mode HASH(1)(2)(3), informational HASH", test_qm_hashes},
	{"KEYMAT with and without PFS, 3 blocks", test_keymat},
	{"IV chaining and phase 2 IV", test_ivs},
	{"IKE message encrypt/decrypt with IV chaining", test_ike_crypt_chain},
};
IK_TEST_MAIN("crypto-keys", tests)
