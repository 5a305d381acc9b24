/*
 * Symmetric ciphers for IKEv1 (phase 1 / ISAKMP SA encryption) and ESP, over the cipher rows
 * of algs.def (struct ik_cipher_alg, lookups by IKE and ESP number in algs.h).
 * OpenSSL never pads: IKE pads itself (RFC 2409 Appendix B: zero bytes to the block size),
 * ESP too (RFC 4303 2.4), so CBC input must be a whole number of blocks.
 */
#ifndef IK_CIPHER_H
#define IK_CIPHER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "algs.h"
#include "status.h"

#define IK_MAX_BLOCK 16
#define IK_MAX_KEY   32

/* CBC, no padding; len must be a multiple of c->block. iv is c->block bytes. in == out is ok. */
bool ik_cbc_crypt(const struct ik_cipher_alg *c, const uint8_t *key, const uint8_t *iv,
                  const uint8_t *in, size_t len, uint8_t *out, bool encrypt, struct ik_status *st);

/* CTR over a full 16-byte initial counter block (RFC 3686 4: nonce | IV | 00000001). */
bool ik_ctr_crypt(const struct ik_cipher_alg *c, const uint8_t *key, const uint8_t *ctr_block,
                  const uint8_t *in, size_t len, uint8_t *out, struct ik_status *st);
/* RFC 3686 section 4 counter block from the 4-byte nonce (key salt) and the 8-byte ESP IV. */
void ik_ctr_esp_block(const uint8_t nonce[4], const uint8_t iv[8], uint8_t out[16]);

/* GCM with any IV length (ESP: salt | IV, 12 bytes, RFC 4106 4); tag of taglen <= 16 bytes. */
bool ik_gcm_seal(const struct ik_cipher_alg *c, const uint8_t *key, const uint8_t *iv, size_t ivlen,
                 const uint8_t *aad, size_t aadlen, const uint8_t *in, size_t len, uint8_t *out,
                 uint8_t *tag, size_t taglen, struct ik_status *st);
/* False (with a reason) when the tag does not verify; out is then wiped. */
bool ik_gcm_open(const struct ik_cipher_alg *c, const uint8_t *key, const uint8_t *iv, size_t ivlen,
                 const uint8_t *aad, size_t aadlen, const uint8_t *in, size_t len,
                 const uint8_t *tag, size_t taglen, uint8_t *out, struct ik_status *st);

#endif
