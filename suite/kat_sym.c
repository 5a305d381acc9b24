/*
 * Symmetric families: HMAC (RFC 2202, RFC 4231), NIST CAVP CBC MMT for AES and TDES (and single
 * DES through the one-key TDES file), NIST GCM (gcmEncryptExtIV), RFC 3686 CTR, RFC 3602 4.
 */
#include "kat_internal.h"

#include "cipher.h"
#include "consts.h"
#include "crypto.h"
#include "prf.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

typedef void (*case_fn)(struct ik_kat_ctx *c, struct kat_file *kf, struct kat_rec *r,
                        const void *arg);

/* Every record of one file through fn; false when the file is missing. */
static bool each(struct ik_kat_ctx *c, const char *rel, case_fn fn, const void *arg)
{
	struct kat_file *kf = kat_open(c, rel);
	struct kat_rec r = {0};

	if (!kf)
		return false;
	while (kat_next(kf, &r))
		fn(c, kf, &r, arg);
	kat_rec_free(&r);
	kat_close(kf);
	return true;
}

/* HMAC one-shot and incremental (message split in two) against MD. */
static void hmac_case(struct ik_kat_ctx *c, struct kat_file *kf, struct kat_rec *r, const void *arg)
{
	const struct ik_hash_alg *h = arg;
	size_t kl = 0, ml = 0, dl = 0;
	const uint8_t *k = kat_bin(r, "Key", &kl), *m = kat_bin(r, "Msg", &ml);
	const uint8_t *md = kat_bin(r, "MD", &dl);
	uint8_t one[IK_MAX_HASH], inc[IK_MAX_HASH];
	struct ik_prf_ctx p;

	if (!k || !m || !md || dl == 0 || dl > h->len) {
		kat_case(c, kf, r, false, "missing or malformed Key/Msg/MD");
		return;
	}
	bool ok1 = ik_prf1(h, k, kl, m, ml, one);
	bool ok2 = ik_prf_init(&p, h, k, kl) && ik_prf_update(&p, m, ml / 2) &&
	           ik_prf_update(&p, m + ml / 2, ml - ml / 2) && ik_prf_final(&p, inc);
	if (!ok1 || memcmp(one, md, dl))
		kat_case(c, kf, r, false, "HMAC-%s (one-shot) differs from MD", h->name);
	else
		kat_case(c, kf, r, ok2 && !memcmp(inc, md, dl),
		         "HMAC-%s (incremental) differs from MD", h->name);
}

bool kat_run_hmac(struct ik_kat_ctx *c)
{
	static const struct {
		const char *file;
		uint16_t hash;
	} files[] = {{"hmac/rfc-2202-md5.txt", IK_P1_HASH_MD5},
	             {"hmac/rfc-2202-sha1.txt", IK_P1_HASH_SHA},
	             {"hmac/rfc-4231-sha256.txt", IK_P1_HASH_SHA2_256},
	             {"hmac/rfc-4231-sha384.txt", IK_P1_HASH_SHA2_384},
	             {"hmac/rfc-4231-sha512.txt", IK_P1_HASH_SHA2_512}};

	for (size_t i = 0; i < IK_ARRAY_SIZE(files); i++)
		if (!each(c, files[i].file, hmac_case, ik_hash_by_id(files[i].hash)))
			return false;
	return true;
}

/* How a CBC file's records name their cipher and key. */
enum cbc_keys { KEYS_AES, KEYS_TDES, KEYS_DES };

/* The key of a record: KEY, or KEY1 | KEY2 | KEY3 (TDES), or KEY1 with all three equal (DES). */
static const struct ik_cipher_alg *cbc_key(struct kat_rec *r, enum cbc_keys how, uint8_t *key)
{
	size_t l[3] = {0, 0, 0};

	if (how == KEYS_AES) {
		const uint8_t *k = kat_bin(r, "KEY", &l[0]);
		if (!k || l[0] > IK_MAX_KEY)
			return NULL;
		memcpy(key, k, l[0]);
		return ik_cipher_by_ike(IK_P1_ENCR_AES_CBC, (uint16_t)(l[0] * 8));
	}
	const uint8_t *k1 = kat_bin(r, "KEY1", &l[0]), *k2 = kat_bin(r, "KEY2", &l[1]),
		      *k3 = kat_bin(r, "KEY3", &l[2]);
	if (!k1 || !k2 || !k3 || l[0] != 8 || l[1] != 8 || l[2] != 8)
		return NULL;
	if (how == KEYS_DES) {
		if (memcmp(k1, k2, 8) || memcmp(k1, k3, 8))
			return NULL;
		memcpy(key, k1, 8);
		return ik_cipher_by_ike(IK_P1_ENCR_DES_CBC, 0);
	}
	memcpy(key, k1, 8);
	memcpy(key + 8, k2, 8);
	memcpy(key + 16, k3, 8);
	return ik_cipher_by_ike(IK_P1_ENCR_3DES_CBC, 0);
}

/*
 * One CBC record. [ENCRYPT] records check PLAINTEXT -> CIPHERTEXT, [DECRYPT] records the
 * reverse; files without a section header (RFC 3602) check both directions.
 */
static void cbc_case(struct ik_kat_ctx *c, struct kat_file *kf, struct kat_rec *r, const void *arg)
{
	enum cbc_keys how = *(const enum cbc_keys *)arg;
	uint8_t key[IK_MAX_KEY];
	const struct ik_cipher_alg *alg = cbc_key(r, how, key);
	size_t ivl = 0, pl = 0, cl = 0;
	const uint8_t *iv = kat_bin(r, "IV", &ivl), *pt = kat_bin(r, "PLAINTEXT", &pl),
		      *ct = kat_bin(r, "CIPHERTEXT", &cl);
	bool has_e = kat_hdr(kf, "ENCRYPT"), has_d = kat_hdr(kf, "DECRYPT");
	bool enc = has_e || !has_d, dec = has_d || !has_e;
	struct ik_status st = {0};

	if (!alg || !iv || ivl != alg->block || !pt || !ct || pl != cl) {
		kat_case(c, kf, r, false, "missing or malformed KEY/IV/PLAINTEXT/CIPHERTEXT");
		return;
	}
	uint8_t *out = malloc(pl + 1);
	const char *bad = NULL;
	if (!out)
		bad = "out of memory";
	else if (enc && !ik_cbc_crypt(alg, key, iv, pt, pl, out, true, &st))
		bad = st.why;
	else if (enc && memcmp(out, ct, cl))
		bad = "encryption differs from CIPHERTEXT";
	else if (dec && !ik_cbc_crypt(alg, key, iv, ct, cl, out, false, &st))
		bad = st.why;
	else if (dec && memcmp(out, pt, pl))
		bad = "decryption differs from PLAINTEXT";
	kat_case(c, kf, r, !bad, "%s: %s", alg->name, bad ? bad : "");
	free(out);
}

bool kat_run_aes_cbc(struct ik_kat_ctx *c)
{
	static const enum cbc_keys how = KEYS_AES;

	return each(c, "aes-cbc/CBCMMT128.rsp", cbc_case, &how) &&
	       each(c, "aes-cbc/CBCMMT192.rsp", cbc_case, &how) &&
	       each(c, "aes-cbc/CBCMMT256.rsp", cbc_case, &how);
}

bool kat_run_3des_cbc(struct ik_kat_ctx *c)
{
	static const enum cbc_keys how = KEYS_TDES;

	return each(c, "3des-cbc/TCBCMMT1.rsp", cbc_case, &how) &&
	       each(c, "3des-cbc/TCBCMMT2.rsp", cbc_case, &how) &&
	       each(c, "3des-cbc/TCBCMMT3.rsp", cbc_case, &how);
}

/* TCBCMMT1 uses KEY1 = KEY2 = KEY3, which is single DES: IKE's DES-CBC (id 1) is checked
 * on it through the OpenSSL legacy provider. */
bool kat_run_des_cbc(struct ik_kat_ctx *c)
{
	static const enum cbc_keys how = KEYS_DES;

	return each(c, "3des-cbc/TCBCMMT1.rsp", cbc_case, &how);
}

/* RFC 3602 section 4: AES-128-CBC cases 1-4 and the ESP payloads of cases 5-8. */
bool kat_run_rfc3602(struct ik_kat_ctx *c)
{
	static const enum cbc_keys how = KEYS_AES;

	return each(c, "rfc3602/aes-cbc-esp.txt", cbc_case, &how);
}

/* NIST GCM encrypt: CT and the (possibly truncated) Tag, then open them back to PT. */
static void gcm_case(struct ik_kat_ctx *c, struct kat_file *kf, struct kat_rec *r, const void *arg)
{
	(void)arg;
	size_t kl = 0, il = 0, pl = 0, al = 0, cl = 0, tl = 0;
	const uint8_t *k = kat_bin(r, "Key", &kl), *iv = kat_bin(r, "IV", &il);
	const uint8_t *pt = kat_bin(r, "PT", &pl), *aad = kat_bin(r, "AAD", &al);
	const uint8_t *ct = kat_bin(r, "CT", &cl), *tag = kat_bin(r, "Tag", &tl);
	const struct ik_cipher_alg *alg = NULL;
	struct ik_status st = {0};
	uint8_t t[16];
	const char *bad = NULL;

	for (size_t i = 0; k && i < ik_cipher_alg_count; i++)
		if (ik_cipher_algs[i].mode == IK_MODE_GCM && ik_cipher_algs[i].key_len == kl)
			alg = &ik_cipher_algs[i];
	if (!alg || !iv || !pt || !aad || !ct || !tag || pl != cl || tl == 0 || tl > 16) {
		kat_case(c, kf, r, false, "missing or malformed Key/IV/PT/AAD/CT/Tag");
		return;
	}
	uint8_t *out = malloc(pl + 1);
	if (!out)
		bad = "out of memory";
	else if (!ik_gcm_seal(alg, k, iv, il, aad, al, pt, pl, out, t, tl, &st))
		bad = st.why;
	else if (memcmp(out, ct, cl))
		bad = "CT differs";
	else if (memcmp(t, tag, tl))
		bad = "Tag differs";
	else if (!ik_gcm_open(alg, k, iv, il, aad, al, ct, cl, tag, tl, out, &st))
		bad = st.why;
	else if (memcmp(out, pt, pl))
		bad = "decryption differs from PT";
	kat_case(c, kf, r, !bad, "%s: %s", alg->name, bad ? bad : "");
	free(out);
}

bool kat_run_aes_gcm(struct ik_kat_ctx *c)
{
	return each(c, "aes-gcm/gcmEncryptExtIV128.rsp", gcm_case, NULL) &&
	       each(c, "aes-gcm/gcmEncryptExtIV256.rsp", gcm_case, NULL);
}

/* RFC 3686 section 6: IV here is the whole initial counter block (nonce | IV | 1). */
static void ctr_case(struct ik_kat_ctx *c, struct kat_file *kf, struct kat_rec *r, const void *arg)
{
	(void)arg;
	size_t kl = 0, il = 0, pl = 0, cl = 0;
	const uint8_t *k = kat_bin(r, "KEY", &kl), *iv = kat_bin(r, "IV", &il);
	const uint8_t *pt = kat_bin(r, "PLAINTEXT", &pl), *ct = kat_bin(r, "CIPHERTEXT", &cl);
	const struct ik_cipher_alg *alg = NULL;
	struct ik_status st = {0};
	const char *bad = NULL;

	for (size_t i = 0; k && i < ik_cipher_alg_count; i++)
		if (ik_cipher_algs[i].mode == IK_MODE_CTR && ik_cipher_algs[i].key_len == kl)
			alg = &ik_cipher_algs[i];
	if (!alg || !iv || il != 16 || !pt || !ct || pl != cl) {
		kat_case(c, kf, r, false, "missing or malformed KEY/IV/PLAINTEXT/CIPHERTEXT");
		return;
	}
	uint8_t *out = malloc(pl + 1);
	if (!out)
		bad = "out of memory";
	else if (!ik_ctr_crypt(alg, k, iv, pt, pl, out, &st))
		bad = st.why;
	else if (memcmp(out, ct, cl))
		bad = "encryption differs from CIPHERTEXT";
	else if (!ik_ctr_crypt(alg, k, iv, ct, cl, out, &st) || memcmp(out, pt, pl))
		bad = "decryption differs from PLAINTEXT";
	kat_case(c, kf, r, !bad, "%s: %s", alg->name, bad ? bad : "");
	free(out);
}

bool kat_run_aes_ctr(struct ik_kat_ctx *c)
{
	return each(c, "aes-ctr/aes-128-ctr.txt", ctr_case, NULL) &&
	       each(c, "aes-ctr/aes-192-ctr.txt", ctr_case, NULL) &&
	       each(c, "aes-ctr/aes-256-ctr.txt", ctr_case, NULL);
}
