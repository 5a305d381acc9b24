/* The crypto state of ISAKMP SAs and quick modes; see sa_crypto.h. */
#include "sa_crypto.h"

#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>

bool ik_sa_derive(struct ik_sa_keys *k, const struct ik_p1_hs *hs, uint16_t enc, uint16_t keylen,
                  uint16_t hash, enum ik_auth_kind auth, const uint8_t *psk, size_t psk_len,
                  const uint8_t cky_i[8], const uint8_t cky_r[8], bool initiator,
                  struct ik_status *st)
{
	const struct ik_hash_alg *h = ik_hash_by_id(hash);
	const struct ik_cipher_alg *c = ik_cipher_by_ike(enc, keylen);
	uint8_t gxy[IK_DH_MAX];
	bool ok;

	if (!h || !c)
		return ik_fail(st, 17, "ik_sa_derive: no implementation of hash %u / cipher %u/%u",
		               hash, enc, keylen);
	const uint8_t *peer = initiator ? hs->gxr : hs->gxi;
	if (!ik_dh_shared(&hs->dh, peer, hs->gx_len, gxy, st))
		return false;
	struct ik_p1_in in = {
		.auth = auth,
		.psk = IK_SPAN(psk, auth == IK_AUTH_PSK ? psk_len : 0),
		.ni_b = IK_SPAN(hs->ni, hs->ni_len),
		.nr_b = IK_SPAN(hs->nr, hs->nr_len),
		.gxy = IK_SPAN(gxy, hs->dh.g->secret_len),
		.gxi = IK_SPAN(hs->gxi, hs->gx_len),
		.gxr = IK_SPAN(hs->gxr, hs->gx_len),
	};
	memcpy(in.cky_i, cky_i, 8);
	memcpy(in.cky_r, cky_r, 8);
	ok = ik_p1_derive(&k->p1, h, c, &in, st);
	OPENSSL_cleanse(gxy, sizeof(gxy));
	if (!ok)
		return false;
	k->blk = c->block;
	memcpy(k->iv, k->p1.iv, sizeof(k->iv));
	memcpy(k->p1_last, k->p1.iv, sizeof(k->p1_last));
	k->have_keys = true;
	return true;
}

bool ik_p1_crypt(struct ik_sa_keys *k, uint8_t *iv, uint8_t *buf, size_t len, bool encrypt,
                 struct ik_status *st)
{
	if (!k->have_keys)
		return ik_fail(st, 16, "ik_p1_crypt: no keys yet");
	return encrypt ? ik_ike_encrypt(k->p1.c, k->p1.enc_key, iv, buf, len, buf, st)
	               : ik_ike_decrypt(k->p1.c, k->p1.enc_key, iv, buf, len, buf, st);
}

void ik_p1_phase2_iv(const struct ik_sa_keys *k, uint32_t msgid, uint8_t *iv)
{
	struct ik_status st;
	ik_p2_iv(k->p1.h, k->p1_last, k->blk, msgid, iv, &st);
}

bool ik_sa_set_sai(struct ik_p1_hs *hs, const uint8_t *p, size_t len)
{
	free(hs->sai_b);
	hs->sai_b = malloc(len ? len : 1);
	if (!hs->sai_b)
		return false;
	memcpy(hs->sai_b, p, len);
	hs->sai_len = len;
	return true;
}

void ik_sa_keys_wipe(struct ik_sa_keys *k)
{
	ik_p1_keys_wipe(&k->p1);
	OPENSSL_cleanse(k, sizeof(*k));
}

void ik_p1_hs_wipe(struct ik_p1_hs *hs)
{
	ik_dh_free(&hs->dh);
	free(hs->sai_b);
	OPENSSL_cleanse(hs, sizeof(*hs));
}

void ik_qm_keys_wipe(struct ik_qm_keys *k)
{
	ik_dh_free(&k->dh);
	OPENSSL_cleanse(k, sizeof(*k));
}
