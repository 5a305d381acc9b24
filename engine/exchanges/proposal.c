/*
 * strongSwan proposal keywords <-> IKEv1 numbers, as tables (proposal.h says what each column
 * means). Only algorithms ikecheck's engine implements are listed (DESIGN.md "Crypto").
 */
#include "proposal.h"

#include <stdio.h>
#include <string.h>

/*
 * Encryption algorithms.
 * Phase 1 values: RFC 2409 Appendix A "Encryption Algorithm" (1 DES-CBC, 5 3DES-CBC) and
 * RFC 3602 section 5 / IANA (7 AES-CBC, with the Key Length attribute 14 in bits).
 * ESP transform ids: RFC 2407 4.4.4 (2 ESP_DES, 3 ESP_3DES, 11 ESP_NULL), RFC 3602 5 (12
 * ESP_AES), RFC 3686 5 (13 ESP_AES-CTR), RFC 4106 8.4 (20 ESP_AES-GCM with a 16 octet ICV); the
 * AES ones carry the Key Length SA attribute (RFC 2407 4.5, value 6) in bits.
 * AES-CTR and AES-GCM are not defined for IKEv1 phase 1, NULL is ESP only (RFC 2410).
 *
 *   ENC(keyword, phase 1 id, ESP id, key bits, AEAD, Libreswan, IOS isakmp, IOS transform-set)
 */
#define ENC_TABLE                                                               \
	ENC("des", 1, 2, 0, false, NULL, "des", "esp-des")                      \
	ENC("3des", 5, 3, 0, false, "3des", "3des", "esp-3des")                 \
	ENC("aes128", 7, 12, 128, false, "aes128", "aes 128", "esp-aes 128")    \
	ENC("aes192", 7, 12, 192, false, "aes192", "aes 192", "esp-aes 192")    \
	ENC("aes256", 7, 12, 256, false, "aes256", "aes 256", "esp-aes 256")    \
	ENC("aes128ctr", 0, 13, 128, false, "aes_ctr128", NULL, NULL)           \
	ENC("aes192ctr", 0, 13, 192, false, "aes_ctr192", NULL, NULL)           \
	ENC("aes256ctr", 0, 13, 256, false, "aes_ctr256", NULL, NULL)           \
	ENC("aes128gcm16", 0, 20, 128, true, "aes_gcm128", NULL, "esp-gcm 128") \
	ENC("aes192gcm16", 0, 20, 192, true, "aes_gcm192", NULL, "esp-gcm 192") \
	ENC("aes256gcm16", 0, 20, 256, true, "aes_gcm256", NULL, "esp-gcm 256") \
	ENC("null", 0, 11, 0, false, "null", NULL, "esp-null")

/*
 * Hash / integrity algorithms.
 * Phase 1 Hash Algorithm: RFC 2409 Appendix A (1 MD5, 2 SHA) and IANA "IPSEC Hash Algorithm"
 * (4 SHA2-256, 5 SHA2-384, 6 SHA2-512; RFC 4868 section 2 uses them for IKEv1).
 * IPsec Authentication Algorithm attribute: RFC 2407 4.5 (1 HMAC-MD5, 2 HMAC-SHA) and RFC 4868
 * section 2.4 (5 HMAC-SHA2-256, 6 HMAC-SHA2-384, 7 HMAC-SHA2-512).
 *
 *   INTEG(keyword, phase 1 hash, ESP auth, Libreswan, IOS isakmp hash, IOS transform-set)
 */
#define INTEG_TABLE                                                    \
	INTEG("md5", 1, 1, "md5", "md5", "esp-md5-hmac")               \
	INTEG("sha1", 2, 2, "sha1", "sha", "esp-sha-hmac")             \
	INTEG("sha256", 4, 5, "sha2_256", "sha256", "esp-sha256-hmac") \
	INTEG("sha384", 5, 6, "sha2_384", "sha384", "esp-sha384-hmac") \
	INTEG("sha512", 6, 7, "sha2_512", "sha512", "esp-sha512-hmac")

/*
 * Diffie-Hellman groups: Group Description values from RFC 2409 6.1/6.2 (1, 2), RFC 3526
 * (5, 14-18) and RFC 5903 (19-21). Libreswan 4.10 as built by Debian has no modp768/modp1024
 * (LAB-NOTES.md); Cisco IOS has no group 17/18.
 *
 *   DH(keyword, group, Libreswan, IOS has it)
 */
#define DH_TABLE                              \
	DH("modp768", 1, NULL, true)          \
	DH("modp1024", 2, NULL, true)         \
	DH("modp1536", 5, "modp1536", true)   \
	DH("modp2048", 14, "modp2048", true)  \
	DH("modp3072", 15, "modp3072", true)  \
	DH("modp4096", 16, "modp4096", true)  \
	DH("modp6144", 17, "modp6144", false) \
	DH("modp8192", 18, "modp8192", false) \
	DH("ecp256", 19, "dh19", true)        \
	DH("ecp384", 20, "dh20", true)        \
	DH("ecp521", 21, "dh21", true)

/* Other spellings strongSwan accepts for the same algorithm. */
#define ALIAS_TABLE                          \
	ALIAS("aes", "aes128")               \
	ALIAS("aes128gcm128", "aes128gcm16") \
	ALIAS("aes192gcm128", "aes192gcm16") \
	ALIAS("aes256gcm128", "aes256gcm16") \
	ALIAS("sha", "sha1")                 \
	ALIAS("sha2_256", "sha256")          \
	ALIAS("sha2_384", "sha384")          \
	ALIAS("sha2_512", "sha512")

static const struct ik_enc_alg enc_algs[] = {
#define ENC(n, ike, esp, bits, aead, ls, iike, iesp) {n, ike, esp, bits, aead, ls, iike, iesp},
	ENC_TABLE
#undef ENC
};

static const struct ik_integ_alg integ_algs[] = {
#define INTEG(n, hash, auth, ls, iike, iesp) {n, hash, auth, ls, iike, iesp},
	INTEG_TABLE
#undef INTEG
};

static const struct ik_dh_alg dh_algs[] = {
#define DH(n, g, ls, ios) {n, g, ls, ios},
	DH_TABLE
#undef DH
};

static const struct {
	const char *alias, *canonical;
} aliases[] = {
#define ALIAS(a, c) {a, c},
	ALIAS_TABLE
#undef ALIAS
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The canonical keyword for name (itself when it is no alias). */
static const char *canonical(const char *name)
{
	for (size_t i = 0; i < COUNT(aliases); i++)
		if (!strcmp(name, aliases[i].alias))
			return aliases[i].canonical;
	return name;
}

const struct ik_enc_alg *ik_enc_by_name(const char *name)
{
	name = canonical(name);
	for (size_t i = 0; i < COUNT(enc_algs); i++)
		if (!strcmp(name, enc_algs[i].name))
			return &enc_algs[i];
	return NULL;
}

const struct ik_integ_alg *ik_integ_by_name(const char *name)
{
	name = canonical(name);
	for (size_t i = 0; i < COUNT(integ_algs); i++)
		if (!strcmp(name, integ_algs[i].name))
			return &integ_algs[i];
	return NULL;
}

const struct ik_dh_alg *ik_dh_alg_by_name(const char *name)
{
	name = canonical(name);
	for (size_t i = 0; i < COUNT(dh_algs); i++)
		if (!strcmp(name, dh_algs[i].name))
			return &dh_algs[i];
	return NULL;
}

const struct ik_dh_alg *ik_dh_by_group(uint16_t group)
{
	for (size_t i = 0; i < COUNT(dh_algs); i++)
		if (dh_algs[i].group == group)
			return &dh_algs[i];
	return NULL;
}

const struct ik_enc_alg *ik_enc_by_ike(uint16_t ike_id, uint16_t key_bits)
{
	for (size_t i = 0; i < COUNT(enc_algs); i++)
		if (ike_id && enc_algs[i].ike_id == ike_id && enc_algs[i].key_bits == key_bits)
			return &enc_algs[i];
	return NULL;
}

const struct ik_enc_alg *ik_enc_by_esp(uint8_t esp_id, uint16_t key_bits)
{
	for (size_t i = 0; i < COUNT(enc_algs); i++)
		if (esp_id && enc_algs[i].esp_id == esp_id && enc_algs[i].key_bits == key_bits)
			return &enc_algs[i];
	return NULL;
}

const struct ik_integ_alg *ik_integ_by_ike(uint16_t ike_hash)
{
	for (size_t i = 0; i < COUNT(integ_algs); i++)
		if (ike_hash && integ_algs[i].ike_hash == ike_hash)
			return &integ_algs[i];
	return NULL;
}

const struct ik_integ_alg *ik_integ_by_esp(uint16_t esp_auth)
{
	for (size_t i = 0; i < COUNT(integ_algs); i++)
		if (esp_auth && integ_algs[i].esp_auth == esp_auth)
			return &integ_algs[i];
	return NULL;
}

const struct ik_enc_alg *ik_enc_at(size_t i)
{
	return i < COUNT(enc_algs) ? &enc_algs[i] : NULL;
}

const struct ik_integ_alg *ik_integ_at(size_t i)
{
	return i < COUNT(integ_algs) ? &integ_algs[i] : NULL;
}

const struct ik_dh_alg *ik_dh_at(size_t i)
{
	return i < COUNT(dh_algs) ? &dh_algs[i] : NULL;
}

bool ik_alias_at(size_t i, const char **alias, const char **canon)
{
	if (i >= COUNT(aliases))
		return false;
	*alias = aliases[i].alias;
	*canon = aliases[i].canonical;
	return true;
}

/* The algorithms a proposal names, one slot per kind; a second of a kind is an error. */
struct tokens {
	const struct ik_enc_alg *enc;
	const struct ik_integ_alg *integ;
	const struct ik_dh_alg *dh;
};

#define SLOT(slot, val, kind)                                                                   \
	do {                                                                                    \
		if (t->slot)                                                                    \
			return ik_fail(                                                         \
				st, 0,                                                          \
				"proposal '%.64s' has two %s algorithms (%s, %s); IKEv1 takes " \
				"one of each: list combinations as separate proposals",         \
				text, kind, t->slot->name, val->name);                          \
		t->slot = val;                                                                  \
	} while (0)

/* strongSwan syntax: algorithm keywords joined by '-', in any order (proposals.html). */
static bool split_tokens(const char *text, struct tokens *t, struct ik_status *st)
{
	char tok[32];
	const char *p = text;

	memset(t, 0, sizeof(*t));
	if (!*text)
		return ik_fail(st, 0, "empty proposal");
	for (;;) {
		size_t n = strcspn(p, "-");
		if (n == 0)
			return ik_fail(st, 0,
			               "proposal '%.64s' has an empty algorithm between dashes",
			               text);
		if (n >= sizeof(tok))
			return ik_fail(st, 0, "proposal '%.64s': algorithm name too long", text);
		memcpy(tok, p, n);
		tok[n] = '\0';
		const struct ik_enc_alg *e = ik_enc_by_name(tok);
		const struct ik_integ_alg *i = ik_integ_by_name(tok);
		const struct ik_dh_alg *d = ik_dh_alg_by_name(tok);
		if (e)
			SLOT(enc, e, "encryption");
		else if (i)
			SLOT(integ, i, "integrity");
		else if (d)
			SLOT(dh, d, "Diffie-Hellman");
		else
			return ik_fail(st, 0, "proposal '%.64s': unknown algorithm '%.64s'", text,
			               tok);
		if (!p[n])
			return true;
		p += n + 1;
	}
}

/* RFC 2409 5: a phase 1 transform names encryption, hash and group (and auth method). */
bool ik_p1_parse(const char *text, struct ik_p1_proposal *out, struct ik_status *st)
{
	struct tokens t;

	if (!split_tokens(text, &t, st))
		return false;
	if (!t.enc)
		return ik_fail(st, 0, "phase 1 proposal '%.64s' lacks an encryption algorithm",
		               text);
	if (!t.enc->ike_id)
		return ik_fail(st, 0,
		               "phase 1 proposal '%.64s': %s is not defined for IKEv1 phase 1",
		               text, t.enc->name);
	if (!t.integ)
		return ik_fail(st, 0, "phase 1 proposal '%.64s' lacks a hash algorithm", text);
	if (!t.dh)
		return ik_fail(st, 0, "phase 1 proposal '%.64s' lacks a Diffie-Hellman group",
		               text);
	*out = (struct ik_p1_proposal){
		.enc = t.enc,
		.hash = t.integ,
		.dh = t.dh,
		.enc_id = t.enc->ike_id,
		.key_bits = t.enc->key_bits,
		.hash_id = t.integ->ike_hash,
		.group = t.dh->group,
	};
	return true;
}

/*
 * RFC 2407 4.4.4 / 4.5: an ESP transform is a cipher plus an Authentication Algorithm attribute,
 * which an AEAD cipher must not carry (RFC 4106 8.4); a group means PFS (RFC 2409 5.5).
 */
bool ik_p2_parse(const char *text, struct ik_p2_proposal *out, struct ik_status *st)
{
	struct tokens t;

	if (!split_tokens(text, &t, st))
		return false;
	if (!t.enc)
		return ik_fail(st, 0, "phase 2 proposal '%.64s' lacks an encryption algorithm",
		               text);
	if (!t.enc->esp_id)
		return ik_fail(st, 0, "phase 2 proposal '%.64s': %s is not an ESP algorithm", text,
		               t.enc->name);
	if (t.enc->aead && t.integ)
		return ik_fail(
			st, 0,
			"phase 2 proposal '%.64s': %s is AEAD and takes no integrity algorithm",
			text, t.enc->name);
	if (!t.enc->aead && !t.integ)
		return ik_fail(st, 0, "phase 2 proposal '%.64s' lacks an integrity algorithm",
		               text);
	*out = (struct ik_p2_proposal){
		.enc = t.enc,
		.integ = t.integ,
		.dh = t.dh,
		.esp_id = t.enc->esp_id,
		.key_bits = t.enc->key_bits,
		.auth_alg = t.integ ? t.integ->esp_auth : 0,
		.group = t.dh ? t.dh->group : 0,
	};
	return true;
}

bool ik_p1_format(const struct ik_p1_proposal *p, char *out, size_t len)
{
	int n = snprintf(out, len, "%s-%s-%s", p->enc->name, p->hash->name, p->dh->name);
	return n >= 0 && (size_t)n < len;
}

bool ik_p2_format(const struct ik_p2_proposal *p, uint16_t pfs, char *out, size_t len)
{
	const struct ik_dh_alg *dh = p->dh ? p->dh : ik_dh_by_group(pfs);
	int n = snprintf(out, len, "%s%s%s%s%s", p->enc->name, p->integ ? "-" : "",
	                 p->integ ? p->integ->name : "", dh ? "-" : "", dh ? dh->name : "");
	return n >= 0 && (size_t)n < len;
}
