#include "keys.h"
#include "prf.h"

#include <string.h>

#include <openssl/crypto.h>

#define NSPAN(a) (sizeof(a) / sizeof((a)[0]))

static void put32(uint8_t b[4], uint32_t v)
{
	b[0] = (uint8_t)(v >> 24);
	b[1] = (uint8_t)(v >> 16);
	b[2] = (uint8_t)(v >> 8);
	b[3] = (uint8_t)v;
}

static bool prf_or_fail(const struct ik_hash_alg *h, const uint8_t *key, size_t klen,
                        const struct ik_span *parts, size_t n, uint8_t *out, const char *what,
                        struct ik_status *st)
{
	if (!h)
		return ik_fail(st, 0, "%s: no hash algorithm", what);
	if (!ik_prf(h, key, klen, parts, n, out))
		return ik_fail(st, 0, "%s: HMAC-%s failed", what, h->name);
	return true;
}

/*
 * RFC 2409 section 5:
 *   signatures:            SKEYID = prf(Ni_b | Nr_b, g^xy)
 *   public key encryption: SKEYID = prf(hash(Ni_b | Nr_b), CKY-I | CKY-R)
 *   pre-shared keys:       SKEYID = prf(pre-shared-key, Ni_b | Nr_b)
 */
bool ik_skeyid(const struct ik_hash_alg *h, const struct ik_p1_in *in, uint8_t *out,
               struct ik_status *st)
{
	struct ik_span nonces[] = {in->ni_b, in->nr_b};
	struct ik_span ckys[] = {IK_SPAN(in->cky_i, 8), IK_SPAN(in->cky_r, 8)};
	uint8_t key[2 * 256]; /* RFC 2409 5: each nonce is 8..256 bytes */
	uint8_t hk[IK_MAX_HASH];
	bool ok;

	switch (in->auth) {
	case IK_AUTH_PSK:
		return prf_or_fail(h, in->psk.p, in->psk.len, nonces, 2, out, "ik_skeyid", st);
	case IK_AUTH_SIG:
		/* The nonces form the HMAC key; bounded by the NONCE payload limit of 256 bytes. */
		if (in->ni_b.len + in->nr_b.len > sizeof(key))
			return ik_fail(st, 16, "ik_skeyid: nonces of %zu bytes are too long",
			               in->ni_b.len + in->nr_b.len);
		if (in->ni_b.len)
			memcpy(key, in->ni_b.p, in->ni_b.len);
		if (in->nr_b.len)
			memcpy(key + in->ni_b.len, in->nr_b.p, in->nr_b.len);
		ok = prf_or_fail(h, key, in->ni_b.len + in->nr_b.len, &in->gxy, 1, out, "ik_skeyid",
		                 st);
		OPENSSL_cleanse(key, sizeof(key));
		return ok;
	case IK_AUTH_PKE:
		if (!h || !ik_digest(h, nonces, 2, hk))
			return ik_fail(st, 0, "ik_skeyid: hash of the nonces failed");
		ok = prf_or_fail(h, hk, h->len, ckys, 2, out, "ik_skeyid", st);
		OPENSSL_cleanse(hk, sizeof(hk));
		return ok;
	}
	return ik_fail(st, 0, "ik_skeyid: unknown authentication kind %d", (int)in->auth);
}

/*
 * RFC 2409 section 5:
 *   SKEYID_d = prf(SKEYID, g^xy | CKY-I | CKY-R | 0)
 *   SKEYID_a = prf(SKEYID, SKEYID_d | g^xy | CKY-I | CKY-R | 1)
 *   SKEYID_e = prf(SKEYID, SKEYID_a | g^xy | CKY-I | CKY-R | 2)
 * 0, 1 and 2 are single octets.
 */
bool ik_skeyid_dae(const struct ik_hash_alg *h, const uint8_t *skeyid, struct ik_span gxy,
                   const uint8_t cky_i[8], const uint8_t cky_r[8], uint8_t *d, uint8_t *a,
                   uint8_t *e, struct ik_status *st)
{
	static const uint8_t n[3] = {0, 1, 2};
	uint8_t *outs[3] = {d, a, e};

	if (!h)
		return ik_fail(st, 0, "ik_skeyid_dae: no hash algorithm");
	for (int i = 0; i < 3; i++) {
		struct ik_span parts[] = {
			IK_SPAN(i ? outs[i - 1] : NULL, i ? h->len : 0),
			gxy,
			IK_SPAN(cky_i, 8),
			IK_SPAN(cky_r, 8),
			IK_SPAN(&n[i], 1),
		};
		if (!prf_or_fail(h, skeyid, h->len, parts, NSPAN(parts), outs[i], "ik_skeyid_dae",
		                 st))
			return false;
	}
	return true;
}

/* RFC 2409 Appendix B: Ka = K1 | K2 | ..., K1 = prf(SKEYID_e, 0), Kn = prf(SKEYID_e, Kn-1). */
bool ik_key_expand(const struct ik_hash_alg *h, const uint8_t *skeyid_e, uint8_t *out,
                   size_t outlen, struct ik_status *st)
{
	static const uint8_t zero = 0;
	uint8_t k[IK_MAX_HASH];
	size_t done = 0;

	if (!h)
		return ik_fail(st, 0, "ik_key_expand: no hash algorithm");
	if (outlen <= h->len) { /* SKEYID_e is long enough: its first bytes are the key */
		memcpy(out, skeyid_e, outlen);
		return true;
	}
	while (done < outlen) {
		/* K1 = prf(SKEYID_e, 0); after that the input is the previous block, kept in k. */
		struct ik_span in = done ? IK_SPAN(k, h->len) : IK_SPAN(&zero, 1);
		if (!prf_or_fail(h, skeyid_e, h->len, &in, 1, k, "ik_key_expand", st)) {
			OPENSSL_cleanse(out, outlen);
			return false;
		}
		size_t n = outlen - done < h->len ? outlen - done : h->len;
		memcpy(out + done, k, n);
		done += n;
	}
	OPENSSL_cleanse(k, sizeof(k));
	return true;
}

/* RFC 2409 Appendix B: IV material = hash(g^xi | g^xr), first block bytes. */
bool ik_p1_iv(const struct ik_hash_alg *h, struct ik_span gxi, struct ik_span gxr, size_t block,
              uint8_t *iv, struct ik_status *st)
{
	struct ik_span parts[] = {gxi, gxr};
	uint8_t md[IK_MAX_HASH];

	if (!h || block > h->len || !ik_digest(h, parts, 2, md))
		return ik_fail(st, 0, "ik_p1_iv: cannot hash the KE values");
	memcpy(iv, md, block);
	return true;
}

bool ik_p1_derive(struct ik_p1_keys *k, const struct ik_hash_alg *h, const struct ik_cipher_alg *c,
                  const struct ik_p1_in *in, struct ik_status *st)
{
	memset(k, 0, sizeof(*k));
	if (!h || !c)
		return ik_fail(st, 0, "ik_p1_derive: hash or cipher missing");
	k->h = h;
	k->c = c;
	bool ok = ik_skeyid(h, in, k->skeyid, st) &&
	          ik_skeyid_dae(h, k->skeyid, in->gxy, in->cky_i, in->cky_r, k->skeyid_d,
	                        k->skeyid_a, k->skeyid_e, st) &&
	          ik_key_expand(h, k->skeyid_e, k->enc_key, c->key_len, st) &&
	          ik_p1_iv(h, in->gxi, in->gxr, c->block, k->iv, st);
	if (!ok)
		ik_p1_keys_wipe(k);
	return ok;
}

void ik_p1_keys_wipe(struct ik_p1_keys *k)
{
	if (k)
		OPENSSL_cleanse(k, sizeof(*k));
}

/* RFC 2409 Appendix B: "Subsequent messages MUST use the last CBC encryption block from the
 * previous message as their initialization vector." */
bool ik_iv_chain(uint8_t *iv, size_t block, const uint8_t *ct, size_t ctlen, struct ik_status *st)
{
	if (block == 0 || ctlen < block || ctlen % block)
		return ik_fail(st, 16,
		               "ik_iv_chain: %zu bytes of ciphertext is not whole %zu-byte "
		               "blocks",
		               ctlen, block);
	memcpy(iv, ct + ctlen - block, block);
	return true;
}

/* RFC 2409 Appendix B: hash(last phase 1 CBC output block | M-ID), first block bytes. */
bool ik_p2_iv(const struct ik_hash_alg *h, const uint8_t *p1_last_block, size_t block,
              uint32_t msgid, uint8_t *iv, struct ik_status *st)
{
	uint8_t mid[4], md[IK_MAX_HASH];

	put32(mid, msgid);
	struct ik_span parts[] = {IK_SPAN(p1_last_block, block), IK_SPAN(mid, 4)};
	if (!h || block > h->len || !ik_digest(h, parts, 2, md))
		return ik_fail(st, 0, "ik_p2_iv: cannot hash the phase 1 block and M-ID");
	memcpy(iv, md, block);
	return true;
}

size_t ik_ike_padded_len(const struct ik_cipher_alg *c, size_t len)
{
	return c && c->block ? (len + c->block - 1) / c->block * c->block : len;
}

/* RFC 2409 Appendix B: CBC with the chained IV; *iv becomes the last ciphertext block. */
bool ik_ike_encrypt(const struct ik_cipher_alg *c, const uint8_t *key, uint8_t *iv,
                    const uint8_t *in, size_t len, uint8_t *out, struct ik_status *st)
{
	if (!ik_cbc_crypt(c, key, iv, in, len, out, true, st))
		return false;
	return ik_iv_chain(iv, c->block, out, len, st);
}

bool ik_ike_decrypt(const struct ik_cipher_alg *c, const uint8_t *key, uint8_t *iv,
                    const uint8_t *in, size_t len, uint8_t *out, struct ik_status *st)
{
	uint8_t next[IK_MAX_BLOCK];

	/* Take the next IV before decrypting: in and out may be the same buffer. */
	if (!c || !ik_iv_chain(next, c->block, in, len, st) ||
	    !ik_cbc_crypt(c, key, iv, in, len, out, false, st))
		return false;
	memcpy(iv, next, c->block);
	return true;
}

/* RFC 2409 5: HASH_I and HASH_R share one shape with the roles swapped. */
static bool p1_auth_hash(const struct ik_hash_alg *h, const uint8_t *skeyid, size_t klen,
                         struct ik_span g1, struct ik_span g2, const uint8_t *c1, const uint8_t *c2,
                         struct ik_span sai_b, struct ik_span id_b, uint8_t *out, const char *what,
                         struct ik_status *st)
{
	struct ik_span parts[] = {g1, g2, IK_SPAN(c1, 8), IK_SPAN(c2, 8), sai_b, id_b};

	return prf_or_fail(h, skeyid, klen, parts, NSPAN(parts), out, what, st);
}

bool ik_hash_i(const struct ik_hash_alg *h, const uint8_t *skeyid, const struct ik_p1_in *in,
               struct ik_span sai_b, struct ik_span idii_b, uint8_t *out, struct ik_status *st)
{
	return p1_auth_hash(h, skeyid, h ? h->len : 0, in->gxi, in->gxr, in->cky_i, in->cky_r,
	                    sai_b, idii_b, out, "ik_hash_i", st);
}

bool ik_hash_r(const struct ik_hash_alg *h, const uint8_t *skeyid, const struct ik_p1_in *in,
               struct ik_span sai_b, struct ik_span idir_b, uint8_t *out, struct ik_status *st)
{
	return p1_auth_hash(h, skeyid, h ? h->len : 0, in->gxr, in->gxi, in->cky_r, in->cky_i,
	                    sai_b, idir_b, out, "ik_hash_r", st);
}

bool ik_hash_ir_with(const struct ik_hash_alg *mac, const uint8_t *skeyid, size_t klen,
                     bool initiator, const struct ik_p1_in *in, struct ik_span sai_b,
                     struct ik_span id_b, uint8_t *out, struct ik_status *st)
{
	return initiator ? p1_auth_hash(mac, skeyid, klen, in->gxi, in->gxr, in->cky_i, in->cky_r,
	                                sai_b, id_b, out, "ik_hash_i", st)
	                 : p1_auth_hash(mac, skeyid, klen, in->gxr, in->gxi, in->cky_r, in->cky_i,
	                                sai_b, id_b, out, "ik_hash_r", st);
}

/* RFC 2409 5.5 and 5.7: prf(SKEYID_a, [0 |] M-ID | a | b). */
static bool p2_hash(const struct ik_hash_alg *h, const uint8_t *skeyid_a, bool zero, uint32_t msgid,
                    struct ik_span a, struct ik_span b, uint8_t *out, const char *what,
                    struct ik_status *st)
{
	static const uint8_t z = 0;
	uint8_t mid[4];

	put32(mid, msgid);
	struct ik_span parts[] = {IK_SPAN(&z, zero ? 1 : 0), IK_SPAN(mid, 4), a, b};
	return prf_or_fail(h, skeyid_a, h ? h->len : 0, parts, NSPAN(parts), out, what, st);
}

bool ik_qm_hash1(const struct ik_hash_alg *h, const uint8_t *skeyid_a, uint32_t msgid,
                 struct ik_span rest, uint8_t *out, struct ik_status *st)
{
	return p2_hash(h, skeyid_a, false, msgid, rest, IK_SPAN(NULL, 0), out, "ik_qm_hash1", st);
}

bool ik_qm_hash2(const struct ik_hash_alg *h, const uint8_t *skeyid_a, uint32_t msgid,
                 struct ik_span ni_b, struct ik_span rest, uint8_t *out, struct ik_status *st)
{
	return p2_hash(h, skeyid_a, false, msgid, ni_b, rest, out, "ik_qm_hash2", st);
}

bool ik_qm_hash3(const struct ik_hash_alg *h, const uint8_t *skeyid_a, uint32_t msgid,
                 struct ik_span ni_b, struct ik_span nr_b, uint8_t *out, struct ik_status *st)
{
	return p2_hash(h, skeyid_a, true, msgid, ni_b, nr_b, out, "ik_qm_hash3", st);
}

bool ik_info_hash(const struct ik_hash_alg *h, const uint8_t *skeyid_a, uint32_t msgid,
                  struct ik_span nd, uint8_t *out, struct ik_status *st)
{
	return p2_hash(h, skeyid_a, false, msgid, nd, IK_SPAN(NULL, 0), out, "ik_info_hash", st);
}

/* RFC 2409 5.5: KEYMAT expansion K1 | K2 | ... */
bool ik_keymat(const struct ik_hash_alg *h, const uint8_t *skeyid_d, struct ik_span gqm,
               uint8_t protocol, struct ik_span spi, struct ik_span ni_b, struct ik_span nr_b,
               uint8_t *out, size_t outlen, struct ik_status *st)
{
	uint8_t k[IK_MAX_HASH];
	size_t done = 0;

	if (!h)
		return ik_fail(st, 0, "ik_keymat: no hash algorithm");
	while (done < outlen) {
		struct ik_span parts[] = {
			IK_SPAN(k, done ? h->len : 0), gqm, IK_SPAN(&protocol, 1), spi, ni_b, nr_b,
		};
		if (!prf_or_fail(h, skeyid_d, h->len, parts, NSPAN(parts), k, "ik_keymat", st)) {
			OPENSSL_cleanse(out, outlen);
			return false;
		}
		size_t n = outlen - done < h->len ? outlen - done : h->len;
		memcpy(out + done, k, n);
		done += n;
	}
	OPENSSL_cleanse(k, sizeof(k));
	return true;
}
