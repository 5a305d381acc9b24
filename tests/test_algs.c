/*
 * The algorithm table (engine/crypto/algs.def) against itself, consts.def and OpenSSL: every
 * number is a named IANA value, no number or keyword names two rows, and what a row says about
 * sizes is what OpenSSL says about the algorithm it names.
 */
#include "cunit.h"

#include "algs.h"
#include "cipher.h"
#include "consts.h"
#include "crypto.h"
#include "dh.h"

#include <stdio.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>

/* Report the row that fails, not only the line. */
static void check(bool ok, const char *row, const char *what)
{
	char msg[128];

	snprintf(msg, sizeof(msg), "%s: %s", row, what);
	CU_assertImplementation(ok, __LINE__, msg, __FILE__, "", CU_FALSE);
}

/* Every numbered column is an entry of consts.def, so dumps and reports can name it. */
static void test_numbers_are_named(void)
{
	for (size_t i = 0; i < ik_cipher_alg_count; i++) {
		const struct ik_cipher_alg *c = &ik_cipher_algs[i];
		check(!c->ike_id || ik_known(IK_T_P1_ENCR, c->ike_id), c->name, "phase 1 id");
		check(ik_known(IK_T_ESP_TRANS, c->esp_id), c->name, "ESP id");
	}
	for (size_t i = 0; i < ik_hash_alg_count; i++) {
		const struct ik_hash_alg *h = &ik_hash_algs[i];
		check(ik_known(IK_T_P1_HASH, h->ike_hash), h->name, "phase 1 hash");
		check(ik_known(IK_T_P2_AUTH, h->esp_auth), h->name, "ESP auth");
	}
	for (size_t i = 0; i < ik_dh_group_count; i++)
		check(ik_known(IK_T_GROUP, ik_dh_groups[i].id), ik_dh_groups[i].name, "group");
}

/* A proposal keyword is looked up in every table: it may name one row only. */
static void test_keywords_unique(void)
{
	const char *alias, *canon;
	size_t n = 0;

	for (size_t i = 0; i < ik_cipher_alg_count; i++) {
		const char *kw = ik_cipher_algs[i].name;
		n++;
		check(ik_cipher_by_name(kw) == &ik_cipher_algs[i], kw, "keyword of two ciphers");
		check(!ik_hash_by_keyword(kw) && !ik_dh_by_name(kw), kw, "keyword in two tables");
	}
	for (size_t i = 0; i < ik_hash_alg_count; i++) {
		const char *kw = ik_hash_algs[i].name;
		n++;
		check(ik_hash_by_keyword(kw) == &ik_hash_algs[i], kw, "keyword of two hashes");
		check(!ik_dh_by_name(kw), kw, "keyword in two tables");
	}
	for (size_t i = 0; i < ik_dh_group_count; i++, n++)
		check(ik_dh_by_name(ik_dh_groups[i].name) == &ik_dh_groups[i], ik_dh_groups[i].name,
		      "keyword of two groups");
	for (size_t i = 0; ik_alias_at(i, &alias, &canon); i++) {
		int rows = !!ik_cipher_by_name(alias) + !!ik_hash_by_keyword(alias) +
		           !!ik_dh_by_name(alias);
		check(rows == 1, alias, "alias names more than one row");
		check(!ik_cipher_by_name(canon) ||
		              ik_cipher_by_name(alias) == ik_cipher_by_name(canon),
		      alias, "alias of another cipher");
		check(ik_cipher_by_name(canon) ||
		              ik_hash_by_keyword(alias) == ik_hash_by_keyword(canon),
		      alias, "alias of another hash");
	}
	CU_ASSERT_EQUAL(n, ik_cipher_alg_count + ik_hash_alg_count + ik_dh_group_count);
}

/* The numbers on the wire (with the key length) pick exactly one row. */
static void test_numbers_unique(void)
{
	for (size_t i = 0; i < ik_cipher_alg_count; i++) {
		const struct ik_cipher_alg *c = &ik_cipher_algs[i];
		check(!c->ike_id || ik_cipher_by_ike(c->ike_id, c->key_bits) == c, c->name,
		      "phase 1 id and key length of two rows");
		check(ik_cipher_by_esp(c->esp_id, c->key_bits) == c, c->name,
		      "ESP id and key length of two rows");
	}
	for (size_t i = 0; i < ik_hash_alg_count; i++) {
		const struct ik_hash_alg *h = &ik_hash_algs[i];
		check(ik_hash_by_id(h->ike_hash) == h, h->name, "phase 1 hash of two rows");
		check(ik_hash_by_esp(h->esp_auth) == h, h->name, "ESP auth of two rows");
	}
	for (size_t i = 0; i < ik_dh_group_count; i++)
		check(ik_dh_by_id(ik_dh_groups[i].id) == &ik_dh_groups[i], ik_dh_groups[i].name,
		      "group of two rows");
}

/* Each cipher's OpenSSL name resolves, with the row's key, block and (CBC) IV sizes. */
static void test_ciphers_match_openssl(void)
{
	bool legacy = ik_crypto_legacy(); /* single DES lives in the legacy provider */

	for (size_t i = 0; i < ik_cipher_alg_count; i++) {
		const struct ik_cipher_alg *c = &ik_cipher_algs[i];
		check(c->aead == (c->icv > 0), c->name, "AEAD without ICV or ICV without AEAD");
		check(!c->key_bits || c->key_bits == 8 * c->key_len, c->name, "key bits");
		check(c->key_len <= IK_MAX_KEY && c->block <= IK_MAX_BLOCK, c->name, "too large");
		if (!c->evp) {
			check(c->mode == IK_MODE_NULL, c->name, "no OpenSSL name but not NULL");
			continue;
		}
		if (c->ike_id == IK_P1_ENCR_DES_CBC && !legacy)
			continue;
		EVP_CIPHER *e = EVP_CIPHER_fetch(NULL, c->evp, NULL);
		check(e != NULL, c->name, "EVP_CIPHER_fetch fails");
		if (!e)
			continue;
		check((size_t)EVP_CIPHER_get_key_length(e) == c->key_len, c->name, "key length");
		if (c->mode == IK_MODE_CBC) {
			check((size_t)EVP_CIPHER_get_block_size(e) == c->block, c->name, "block");
			check((size_t)EVP_CIPHER_get_iv_length(e) == c->iv_len, c->name, "IV");
		}
		EVP_CIPHER_free(e);
	}
}

/* Each hash's OpenSSL name resolves, with the row's output and block sizes. */
static void test_hashes_match_openssl(void)
{
	for (size_t i = 0; i < ik_hash_alg_count; i++) {
		const struct ik_hash_alg *h = &ik_hash_algs[i];
		EVP_MD *md = EVP_MD_fetch(NULL, h->evp, NULL);
		check(md != NULL, h->name, "EVP_MD_fetch fails");
		if (!md)
			continue;
		check((size_t)EVP_MD_get_size(md) == h->len, h->name, "output length");
		check((size_t)EVP_MD_get_block_size(md) == h->block, h->name, "block size");
		check(h->len <= IK_MAX_HASH, h->name, "longer than IK_MAX_HASH");
		EVP_MD_free(md);
	}
}

/* MODP: OpenSSL's prime has the bits of the KE length; ECP: the curve's field fits x | y. */
static void test_groups_match_openssl(void)
{
	for (size_t i = 0; i < ik_dh_group_count; i++) {
		const struct ik_dh_group *g = &ik_dh_groups[i];
		check(g->len <= IK_DH_MAX, g->name, "longer than IK_DH_MAX");
		if (g->kind == IK_DH_MODP) {
			BIGNUM *p = g->prime ? g->prime(NULL) : NULL;
			check(p && (size_t)BN_num_bits(p) == 8 * g->len, g->name, "prime bits");
			check(g->secret_len == g->len, g->name, "secret length");
			BN_free(p);
			continue;
		}
		EC_GROUP *grp = EC_GROUP_new_by_curve_name(g->nid);
		check(grp != NULL, g->name, "no OpenSSL curve");
		if (!grp)
			continue;
		size_t field = ((size_t)EC_GROUP_get_degree(grp) + 7) / 8;
		check(g->secret_len == field && g->len == 2 * field, g->name, "field length");
		EC_GROUP_free(grp);
	}
}

static const struct ik_test tests[] = {
	{"every number is named in consts.def", test_numbers_are_named},
	{"keywords and aliases name one row", test_keywords_unique},
	{"numbers name one row", test_numbers_unique},
	{"ciphers match OpenSSL", test_ciphers_match_openssl},
	{"hashes match OpenSSL", test_hashes_match_openssl},
	{"DH groups match OpenSSL", test_groups_match_openssl},
};

IK_TEST_MAIN("algs", tests)
