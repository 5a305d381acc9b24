/*
 * Proposals in strongSwan syntax over the algorithm tables of engine/crypto/algs.def: a keyword
 * names a row, the row gives the numbers.
 */
#include "proposal.h"

#include <stdio.h>
#include <string.h>

/* The algorithms a proposal names, one slot per kind; a second of a kind is an error. */
struct tokens {
	const struct ik_cipher_alg *enc;
	const struct ik_hash_alg *integ;
	const struct ik_dh_group *dh;
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
		const struct ik_cipher_alg *e = ik_cipher_by_name(tok);
		const struct ik_hash_alg *i = ik_hash_by_keyword(tok);
		const struct ik_dh_group *d = ik_dh_by_name(tok);
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
		.group = t.dh->id,
	};
	return true;
}

/*
 * RFC 2407 4.4.4 / 4.5: an ESP transform is a cipher plus an Authentication Algorithm attribute,
 * which an AEAD cipher must not carry (RFC 4106 8.4); a group means PFS (RFC 2409 5.5). A cipher
 * alone is confidentiality-only ESP, which RFC 4303 5 makes optional ("If an implementation
 * offers this service, it MUST also support the negotiation of the NULL integrity algorithm":
 * in IKEv1 no Authentication Algorithm attribute, RFC 2407 4.5); ESP_NULL alone would leave ESP
 * neither service (RFC 4303 3.2: "both algorithms MUST NOT be simultaneously NULL").
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
	if (!t.enc->aead && !t.integ && t.enc->mode == IK_MODE_NULL)
		return ik_fail(st, 0,
		               "phase 2 proposal '%.64s' lacks an integrity algorithm: with %s "
		               "neither would be provided (RFC 4303 3.2)",
		               text, t.enc->name);
	*out = (struct ik_p2_proposal){
		.enc = t.enc,
		.integ = t.integ,
		.dh = t.dh,
		.esp_id = t.enc->esp_id,
		.key_bits = t.enc->key_bits,
		.auth_alg = t.integ ? t.integ->esp_auth : 0,
		.group = t.dh ? t.dh->id : 0,
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
	const struct ik_dh_group *dh = p->dh ? p->dh : ik_dh_by_id(pfs);
	int n = snprintf(out, len, "%s%s%s%s%s", p->enc->name, p->integ ? "-" : "",
	                 p->integ ? p->integ->name : "", dh ? "-" : "", dh ? dh->name : "");
	return n >= 0 && (size_t)n < len;
}
