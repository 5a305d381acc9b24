/*
 * `make bench`: the crypto bound of one main mode + quick mode setup without PFS (issue 14
 * item 1), measured with OpenSSL alone (libcrypto's BIGNUM and EVP) in CPU time: the four Diffie-Hellman operations (each
 * side makes a key pair and derives the shared secret: 2 keygen + 2 derive), plus the HMAC and
 * CBC passes both sides make (counted below), for group 14 (MODP-2048, private exponents of 320
 * bits as engine/crypto/dh.c uses, RFC 3526 8) and group 19 (ECP-256).
 *
 *   bench_bound          one line per group, for people
 *   bench_bound GROUP    only the bound in setups per CPU-second (bench/load.sh reads it)
 *
 * What one setup (PSK, AES-128-CBC, HMAC-SHA1, ESP AES-128/HMAC-SHA1, no PFS) costs both sides
 * in symmetric crypto, counted from RFC 2409: per side SKEYID, SKEYID_d/a/e (4 PRF), HASH_I and
 * HASH_R (2), quick mode HASH(1), HASH(2), HASH(3) (3), KEYMAT for two SPIs, two PRF blocks each
 * for AES-128 + HMAC-SHA1 key material (4): 13 PRF runs per side, 26 in all; encrypted
 * messages MM5, MM6, QM1, QM2, QM3 and two Delete informationals: 7, each encrypted once and
 * decrypted once, 14 CBC passes of about 100 octets.
 */
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/params.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PRF_RUNS   26
#define CBC_PASSES 14
#define CBC_LEN    112
#define MIN_CPU_S  0.4 /* measure each part at least this long */

static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ECP-256 through EVP: key generation and ECDH derivation as OpenSSL offers them. */
static EVP_PKEY *ec_keygen(void)
{
	EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	EVP_PKEY *k = NULL;
	OSSL_PARAM p[2] = {
		OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, "P-256", 0),
		OSSL_PARAM_construct_end(),
	};

	if (!c || EVP_PKEY_keygen_init(c) <= 0 || !EVP_PKEY_CTX_set_params(c, p) ||
	    EVP_PKEY_generate(c, &k) <= 0)
		k = NULL;
	EVP_PKEY_CTX_free(c);
	return k;
}

static bool ec_derive(EVP_PKEY *mine, EVP_PKEY *peer)
{
	unsigned char z[64];
	size_t zlen = sizeof(z);
	EVP_PKEY_CTX *c = EVP_PKEY_CTX_new(mine, NULL);
	bool ok = c && EVP_PKEY_derive_init(c) > 0 && EVP_PKEY_derive_set_peer(c, peer) > 0 &&
	          EVP_PKEY_derive(c, z, &zlen) > 0;
	EVP_PKEY_CTX_free(c);
	return ok;
}

static bool ec_dh4(void)
{
	EVP_PKEY *a = ec_keygen(), *b = ec_keygen();
	bool ok = a && b && ec_derive(a, b) && ec_derive(b, a);
	EVP_PKEY_free(a);
	EVP_PKEY_free(b);
	return ok;
}

/* MODP-2048 as the bare exponentiations: EVP's DH derivation also validates the peer's value
 * with a full-length exponentiation (y^q mod p), which would make the bound slower than the
 * engine. Here: g^a, g^b, (g^b)^a, (g^a)^b with 320-bit constant-time exponents. */
static bool modp_dh4(void)
{
	BIGNUM *p = BN_get_rfc3526_prime_2048(NULL), *g = BN_new(), *a = BN_new(), *b = BN_new();
	BIGNUM *ya = BN_new(), *yb = BN_new(), *z1 = BN_new(), *z2 = BN_new();
	BN_CTX *ctx = BN_CTX_new();
	bool ok = p && g && a && b && ya && yb && z1 && z2 && ctx && BN_set_word(g, 2) &&
	          BN_rand(a, 320, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY) &&
	          BN_rand(b, 320, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY);
	if (ok) {
		BN_set_flags(a, BN_FLG_CONSTTIME);
		BN_set_flags(b, BN_FLG_CONSTTIME);
		ok = BN_mod_exp_mont_consttime(ya, g, a, p, ctx, NULL) &&
		     BN_mod_exp_mont_consttime(yb, g, b, p, ctx, NULL) &&
		     BN_mod_exp_mont_consttime(z1, yb, a, p, ctx, NULL) &&
		     BN_mod_exp_mont_consttime(z2, ya, b, p, ctx, NULL) && !BN_cmp(z1, z2);
	}
	BN_free(p), BN_free(g), BN_clear_free(a), BN_clear_free(b);
	BN_free(ya), BN_free(yb), BN_clear_free(z1), BN_clear_free(z2);
	BN_CTX_free(ctx);
	return ok;
}

/* CPU seconds of the four DH operations of one setup; < 0 when OpenSSL refuses. */
static double dh4(int group)
{
	double t0 = cpu_now(), t;
	long n = 0;

	do {
		if (!(group == 14 ? modp_dh4() : ec_dh4()))
			return -1;
		n++;
	} while ((t = cpu_now() - t0) < MIN_CPU_S);
	return t / (double)n;
}

/* CPU seconds of one setup's PRF runs and CBC passes (keyed afresh each time, as per message). */
static double symmetric(void)
{
	unsigned char key[20] = {1}, in[CBC_LEN] = {2}, out[CBC_LEN + 16], md[20], iv[16] = {3};
	unsigned mdlen;
	int len;
	double t0 = cpu_now(), t;
	long n = 0;
	EVP_CIPHER *aes = EVP_CIPHER_fetch(NULL, "AES-128-CBC", NULL);
	EVP_CIPHER_CTX *cc = EVP_CIPHER_CTX_new();

	if (!aes || !cc)
		return -1;
	do {
		for (int i = 0; i < PRF_RUNS; i++)
			HMAC(EVP_sha1(), key, sizeof(key), in, 64, md, &mdlen);
		for (int i = 0; i < CBC_PASSES; i++) {
			EVP_CipherInit_ex(cc, aes, NULL, key, iv, i & 1);
			EVP_CIPHER_CTX_set_padding(cc, 0);
			EVP_CipherUpdate(cc, out, &len, in, CBC_LEN);
		}
		n++;
	} while ((t = cpu_now() - t0) < MIN_CPU_S / 4);
	EVP_CIPHER_CTX_free(cc);
	EVP_CIPHER_free(aes);
	return t / (double)n;
}

int main(int argc, char **argv)
{
	int only = argc > 1 ? atoi(argv[1]) : 0;
	const int groups[] = {14, 19};
	double sym = symmetric();

	if (argc > 1 && only != 14 && only != 19) {
		fprintf(stderr, "bench_bound: GROUP is 14 or 19\n");
		return 2;
	}
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		if (only && groups[i] != only)
			continue;
		double dh = dh4(groups[i]);
		if (dh < 0 || sym < 0) {
			fprintf(stderr, "bench_bound: OpenSSL refused group %d\n", groups[i]);
			return 1;
		}
		if (only) {
			printf("%.1f\n", 1.0 / (dh + sym));
			continue;
		}
		printf("crypto bound group %d (%s): 4 DH ops %.3f ms + %d HMAC-SHA1 and %d "
		       "AES-128-CBC "
		       "%.3f ms = %.0f setups per CPU-second (OpenSSL alone)\n",
		       groups[i], groups[i] == 14 ? "MODP-2048, 320-bit exponents" : "ECP-256",
		       dh * 1e3, PRF_RUNS, CBC_PASSES, sym * 1e3, 1.0 / (dh + sym));
	}
	return 0;
}
