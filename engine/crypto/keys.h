/*
 * The IKEv1 key schedule (RFC 2409 section 5, 5.5, 5.7 and Appendix B).
 *
 * Inputs are borrowed byte spans; outputs go to caller buffers (h->len bytes for PRF/hash
 * outputs, explicit lengths elsewhere) or into struct ik_p1_keys, which owns every phase 1
 * secret and is wiped by ik_p1_keys_wipe() (the one cleanup path). "_b" values are payload
 * bodies without the generic payload header (RFC 2409 section 3.2). The PRF is HMAC of the
 * negotiated hash (prf.h).
 */
#ifndef IK_KEYS_H
#define IK_KEYS_H

#include "cipher.h"
#include "crypto.h"
#include "status.h"

/* RFC 2409 section 5: how SKEYID is computed depends on the authentication method. */
enum ik_auth_kind {
	IK_AUTH_PSK, /* pre-shared key (5.4) */
	IK_AUTH_SIG, /* DSS / RSA signatures (5.1) */
	IK_AUTH_PKE, /* public key encryption, original and revised (5.2, 5.3) */
};

/* What phase 1 contributes to the keys (all borrowed). */
struct ik_p1_in {
	enum ik_auth_kind auth;
	struct ik_span psk;        /* IK_AUTH_PSK only */
	struct ik_span ni_b, nr_b; /* nonce bodies */
	struct ik_span gxy;        /* shared DH secret (dh.h ik_dh_shared) */
	struct ik_span gxi, gxr;   /* KE payload bodies (IV and HASH_I/HASH_R) */
	uint8_t cky_i[8], cky_r[8];
};

struct ik_p1_keys {
	const struct ik_hash_alg *h;
	const struct ik_cipher_alg *c;
	uint8_t skeyid[IK_MAX_HASH], skeyid_d[IK_MAX_HASH], skeyid_a[IK_MAX_HASH],
		skeyid_e[IK_MAX_HASH]; /* h->len bytes each */
	uint8_t enc_key[IK_MAX_KEY];   /* Appendix B: the cipher key, c->key_len bytes */
	uint8_t iv[IK_MAX_BLOCK];      /* current phase 1 IV, c->block bytes (chained) */
};

/* RFC 2409 5: SKEYID for in->auth; out receives h->len bytes. */
bool ik_skeyid(const struct ik_hash_alg *h, const struct ik_p1_in *in, uint8_t *out,
               struct ik_status *st);
/* RFC 2409 5: SKEYID_d, SKEYID_a, SKEYID_e from SKEYID (each h->len bytes). */
bool ik_skeyid_dae(const struct ik_hash_alg *h, const uint8_t *skeyid, struct ik_span gxy,
                   const uint8_t cky_i[8], const uint8_t cky_r[8], uint8_t *d, uint8_t *a,
                   uint8_t *e, struct ik_status *st);
/* RFC 2409 Appendix B: the first outlen bytes of SKEYID_e, or of Ka = K1 | K2 | ... with
 * K1 = prf(SKEYID_e, 0) and Kn = prf(SKEYID_e, Kn-1) when SKEYID_e is too short.
 * Not done: Appendix B asks DES keys to skip weak and semi-weak bytes; the key is used as is. */
bool ik_key_expand(const struct ik_hash_alg *h, const uint8_t *skeyid_e, uint8_t *out,
                   size_t outlen, struct ik_status *st);
/* RFC 2409 Appendix B: phase 1 IV = hash(g^xi | g^xr) truncated to the block size. */
bool ik_p1_iv(const struct ik_hash_alg *h, struct ik_span gxi, struct ik_span gxr, size_t block,
              uint8_t *iv, struct ik_status *st);
/* Everything above into k; ik_p1_keys_wipe(k) on failure too. */
bool ik_p1_derive(struct ik_p1_keys *k, const struct ik_hash_alg *h, const struct ik_cipher_alg *c,
                  const struct ik_p1_in *in, struct ik_status *st);
void ik_p1_keys_wipe(struct ik_p1_keys *k);

/* RFC 2409 Appendix B: the next IV is the last cipher block of the previous message. */
bool ik_iv_chain(uint8_t *iv, size_t block, const uint8_t *ct, size_t ctlen, struct ik_status *st);
/* RFC 2409 Appendix B: quick mode / informational IV = hash(last phase 1 CBC block | M-ID). */
bool ik_p2_iv(const struct ik_hash_alg *h, const uint8_t *p1_last_block, size_t block,
              uint32_t msgid, uint8_t *iv, struct ik_status *st);

/*
 * RFC 2409 Appendix B: encrypt / decrypt the payloads after the ISAKMP header of one message
 * with the cipher key and the IV in *iv, then leave in *iv the last cipher block (the next
 * message's IV; after phase 1 it is the block ik_p2_iv needs). len must already be padded to
 * the block size (zero bytes, RFC 2409 Appendix B): see ik_ike_padded_len. in == out is ok.
 */
size_t ik_ike_padded_len(const struct ik_cipher_alg *c, size_t len);
bool ik_ike_encrypt(const struct ik_cipher_alg *c, const uint8_t *key, uint8_t *iv,
                    const uint8_t *in, size_t len, uint8_t *out, struct ik_status *st);
bool ik_ike_decrypt(const struct ik_cipher_alg *c, const uint8_t *key, uint8_t *iv,
                    const uint8_t *in, size_t len, uint8_t *out, struct ik_status *st);

/* RFC 2409 5: HASH_I = prf(SKEYID, g^xi | g^xr | CKY-I | CKY-R | SAi_b | IDii_b). */
bool ik_hash_i(const struct ik_hash_alg *h, const uint8_t *skeyid, const struct ik_p1_in *in,
               struct ik_span sai_b, struct ik_span idii_b, uint8_t *out, struct ik_status *st);
/* RFC 2409 5: HASH_R = prf(SKEYID, g^xr | g^xi | CKY-R | CKY-I | SAi_b | IDir_b). */
bool ik_hash_r(const struct ik_hash_alg *h, const uint8_t *skeyid, const struct ik_p1_in *in,
               struct ik_span sai_b, struct ik_span idir_b, uint8_t *out, struct ik_status *st);

/* RFC 2409 5.1: HASH_I (initiator) or HASH_R with the HMAC of mac in place of the negotiated
 * prf, keyed by the klen octets of SKEYID: what a signature tied to a hash signs ("DSS is only
 * defined with SHA's 160 bit output ... using the HMAC version of the hash algorithm associated
 * with the signature method"). */
bool ik_hash_ir_with(const struct ik_hash_alg *mac, const uint8_t *skeyid, size_t klen,
                     bool initiator, const struct ik_p1_in *in, struct ik_span sai_b,
                     struct ik_span id_b, uint8_t *out, struct ik_status *st);

/* RFC 2409 5.5: HASH(1) = prf(SKEYID_a, M-ID | rest-of-message-after-HASH). */
bool ik_qm_hash1(const struct ik_hash_alg *h, const uint8_t *skeyid_a, uint32_t msgid,
                 struct ik_span rest, uint8_t *out, struct ik_status *st);
/* RFC 2409 5.5: HASH(2) = prf(SKEYID_a, M-ID | Ni_b | rest-of-message-after-HASH). */
bool ik_qm_hash2(const struct ik_hash_alg *h, const uint8_t *skeyid_a, uint32_t msgid,
                 struct ik_span ni_b, struct ik_span rest, uint8_t *out, struct ik_status *st);
/* RFC 2409 5.5: HASH(3) = prf(SKEYID_a, 0 | M-ID | Ni_b | Nr_b). */
bool ik_qm_hash3(const struct ik_hash_alg *h, const uint8_t *skeyid_a, uint32_t msgid,
                 struct ik_span ni_b, struct ik_span nr_b, uint8_t *out, struct ik_status *st);
/* RFC 2409 5.7: informational HASH(1) = prf(SKEYID_a, M-ID | N/D). */
bool ik_info_hash(const struct ik_hash_alg *h, const uint8_t *skeyid_a, uint32_t msgid,
                  struct ik_span nd, uint8_t *out, struct ik_status *st);

/*
 * RFC 2409 5.5: KEYMAT = K1 | K2 | ... (first outlen bytes), K1 = prf(SKEYID_d, [g(qm)^xy |]
 * protocol | SPI | Ni_b | Nr_b), Kn = prf(SKEYID_d, Kn-1 | [g(qm)^xy |] protocol | SPI | Ni_b |
 * Nr_b). gqm.len == 0 means no PFS. spi is the SPI chosen by the SA's destination.
 */
bool ik_keymat(const struct ik_hash_alg *h, const uint8_t *skeyid_d, struct ik_span gqm,
               uint8_t protocol, struct ik_span spi, struct ik_span ni_b, struct ik_span nr_b,
               uint8_t *out, size_t outlen, struct ik_status *st);

#endif
