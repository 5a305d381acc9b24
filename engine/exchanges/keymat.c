/* KEYMAT of a quick mode, RFC 2409 5.5: one per direction, with the destination's SPI. */
#include "consts.h"
#include "xchg.h"

#include <openssl/crypto.h>
#include <string.h>

/* RFC 2403 3, 2404 3, 4868 2.1.1: an ESP HMAC key is as long as the hash output; 0 for none. */
size_t ik_esp_auth_keylen(uint16_t auth)
{
	const struct ik_hash_alg *h = ik_hash_by_esp(auth);

	return h ? h->len : 0;
}

bool ik_qm_keymat(struct ik_sa *sa, struct ik_qm *qm, struct ik_status *st)
{
	const struct ik_cipher_alg *c = ik_cipher_by_esp(qm->chosen.id, qm->chosen.keylen);
	uint8_t gqm[IK_DH_MAX], spi_in[4], spi_out[4];
	size_t glen = 0;

	/* ESP_NULL (RFC 2410) has no cipher key: KEYMAT is the HMAC key alone. */
	if (!c || (!c->evp && c->mode != IK_MODE_NULL))
		return ik_fail(st, IK_NOTIFY_INVALID_TRANSFORM_ID,
		               "ESP transform %u/%u is not supported by this engine", qm->chosen.id,
		               qm->chosen.keylen);
	/* RFC 4303 3.2: "both algorithms MUST NOT be simultaneously NULL". */
	if (c->mode == IK_MODE_NULL && !ik_esp_auth_keylen(qm->chosen.auth))
		return ik_fail(st, IK_NOTIFY_NO_PROPOSAL_CHOSEN,
		               "ESP_NULL without an authentication algorithm (RFC 4303 3.2)");
	qm->k.keymat_len = c->key_len + c->salt + ik_esp_auth_keylen(qm->chosen.auth);
	if (qm->k.keymat_len > IK_MAX_KEYMAT)
		return ik_fail(st, 0, "KEYMAT of %zu octets too long", qm->k.keymat_len);
	if (qm->chosen.group) {
		if (!ik_dh_shared(&qm->k.dh, qm->k.gpeer, qm->k.gpeer_len, gqm, st))
			return false;
		glen = qm->k.dh.g->secret_len;
	}
	for (int i = 0; i < 4; i++) {
		spi_in[i] = (uint8_t)(qm->spi_in >> (24 - 8 * i));
		spi_out[i] = (uint8_t)(qm->spi_out >> (24 - 8 * i));
	}
	struct ik_span g = IK_SPAN(gqm, glen), ni = IK_SPAN(qm->k.ni, qm->k.ni_len),
		       nr = IK_SPAN(qm->k.nr, qm->k.nr_len);
	bool ok = ik_keymat(sa->k.p1.h, sa->k.p1.skeyid_d, g, IK_PROTO_ESP, IK_SPAN(spi_in, 4), ni,
	                    nr, qm->k.keymat_in, qm->k.keymat_len, st) &&
	          ik_keymat(sa->k.p1.h, sa->k.p1.skeyid_d, g, IK_PROTO_ESP, IK_SPAN(spi_out, 4), ni,
	                    nr, qm->k.keymat_out, qm->k.keymat_len, st);
	OPENSSL_cleanse(gqm, sizeof(gqm));
	return ok;
}
