/*
 * The crypto state of one ISAKMP SA and of one quick mode, on top of the key schedule
 * (keys.h): DH values, nonces, SAi_b, the running CBC IV chains, KEYMAT. One wipe function each
 * is the only cleanup path for these secrets.
 */
#ifndef IK_SA_CRYPTO_H
#define IK_SA_CRYPTO_H

#include "dh.h"
#include "keys.h"

#define IK_MAX_NONCE  256 /* RFC 2409 5: 8 to 256 octets */
#define IK_MAX_KEYMAT 128

/* What an ISAKMP SA keeps for as long as it lives: quick mode, informational and transaction
 * exchanges need SKEYID_d/a/e, the cipher key and the IVs only (RFC 2409 5.5, 5.7, App. B). */
struct ik_sa_keys {
	struct ik_p1_keys p1; /* SKEYID, SKEYID_d/a/e, cipher key (keys.h) */
	bool have_keys;
	size_t blk;                    /* cipher block size: padding and IV length */
	uint8_t iv[IK_MAX_BLOCK];      /* the running phase 1 IV chain */
	uint8_t p1_last[IK_MAX_BLOCK]; /* last phase 1 CBC block: base of phase 2 IVs */
};

/* What only the phase 1 handshake needs: the DH pair, both KE values, both nonces and SAi_b go
 * into SKEYID and HASH_I / HASH_R (RFC 2409 5) and nothing after phase 1 reads them. Sized for
 * the largest group (MODP-8192) and nonce, so it lives apart from the SA while phase 1 runs and
 * is wiped and freed when phase 1 ends (engine/exchanges/ike.h struct ik_hs). */
struct ik_p1_hs {
	struct ik_dh dh; /* our DH pair */
	uint8_t gxi[IK_DH_MAX], gxr[IK_DH_MAX];
	size_t gx_len;
	uint8_t ni[IK_MAX_NONCE], nr[IK_MAX_NONCE];
	size_t ni_len, nr_len;
	uint8_t *sai_b; /* the initiator's SA payload body (HASH_I/HASH_R input) */
	size_t sai_len;
};

struct ik_qm_keys {
	uint8_t iv[IK_MAX_BLOCK];
	uint8_t ni[IK_MAX_NONCE], nr[IK_MAX_NONCE];
	size_t ni_len, nr_len;
	struct ik_dh dh; /* PFS (RFC 2409 5.5) */
	uint8_t gpeer[IK_DH_MAX];
	size_t gpeer_len;
	uint8_t keymat_in[IK_MAX_KEYMAT], keymat_out[IK_MAX_KEYMAT];
	size_t keymat_len;
};

/* DH shared secret from hs->dh and the peer's value, then SKEYID... into k (RFC 2409 5, App. B).
 * auth IK_AUTH_PSK uses psk; IK_AUTH_SIG ignores it (SKEYID = prf(Ni_b | Nr_b, g^xy), 5.1). */
bool ik_sa_derive(struct ik_sa_keys *k, const struct ik_p1_hs *hs, uint16_t enc, uint16_t keylen,
                  uint16_t hash, enum ik_auth_kind auth, const uint8_t *psk, size_t psk_len,
                  const uint8_t cky_i[8], const uint8_t cky_r[8], bool initiator,
                  struct ik_status *st);
/* CBC in place over len octets (a multiple of blk); iv is advanced to the last ciphertext block
 * (RFC 2409 App. B chaining). */
bool ik_p1_crypt(struct ik_sa_keys *k, uint8_t *iv, uint8_t *buf, size_t len, bool encrypt,
                 struct ik_status *st);
/* RFC 2409 App. B: IV of a quick mode or informational exchange with this message ID. */
void ik_p1_phase2_iv(const struct ik_sa_keys *k, uint32_t msgid, uint8_t *iv);
bool ik_sa_set_sai(struct ik_p1_hs *hs, const uint8_t *p, size_t len);
void ik_sa_keys_wipe(struct ik_sa_keys *k);
/* Frees the DH private value and SAi_b and clears every octet of hs (not hs itself). */
void ik_p1_hs_wipe(struct ik_p1_hs *hs);
void ik_qm_keys_wipe(struct ik_qm_keys *k);

#endif
