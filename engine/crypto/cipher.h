/*
 * Symmetric ciphers for IKEv1 (phase 1 / ISAKMP SA encryption) and, later, ESP.
 *
 * IKE: by phase 1 "Encryption Algorithm" attribute value (RFC 2409 Appendix A: 1 DES-CBC,
 * 5 3DES-CBC; RFC 3602 5.1: 7 AES-CBC, with the Key Length attribute in bits, 5.3).
 * ESP: by IPsec DOI transform id (RFC 2407 4.4.4: 2 ESP_DES, 3 ESP_3DES, 12 ESP_AES;
 * 13 AES-CTR RFC 3686; 20 AES-GCM with a 16-octet ICV RFC 4106).
 * OpenSSL never pads: IKE pads itself (RFC 2409 Appendix B: zero bytes to the block size),
 * ESP too (RFC 4303 2.4), so CBC input must be a whole number of blocks.
 */
#ifndef IK_CIPHER_H
#define IK_CIPHER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"

#define IK_MAX_BLOCK 16
#define IK_MAX_KEY   32

enum ik_encr_id { IK_ENCR_DES_CBC = 1, IK_ENCR_3DES_CBC = 5, IK_ENCR_AES_CBC = 7 };
enum ik_cipher_mode { IK_MODE_CBC, IK_MODE_CTR, IK_MODE_GCM };

struct ik_cipher_alg {
	uint16_t ike_id;   /* phase 1 attribute value, 0 when not an IKEv1 cipher */
	uint16_t esp_id;   /* IPsec DOI ESP transform id */
	uint16_t key_bits; /* the Key Length attribute (0 for fixed-length ciphers) */
	const char *name;  /* strongSwan proposal keyword: des, 3des, aes128, aes128gcm16 ... */
	const char *evp;   /* OpenSSL 3 cipher name */
	enum ik_cipher_mode mode;
	size_t block;   /* cipher block size: IKE padding and CBC IV length */
	size_t key_len; /* bytes of key the cipher itself takes (no salt) */
	size_t iv_len;  /* bytes of IV on the wire (ESP CTR/GCM: 8) */
	size_t salt;    /* RFC 3686 nonce / RFC 4106 salt appended to the key material */
	size_t icv;     /* AEAD tag length (GCM-16: 16) */
};

extern const struct ik_cipher_alg ik_cipher_algs[];
extern const size_t ik_cipher_alg_count;

/* IKE attribute value + key length (bits, 0 when the attribute is absent). AES requires it
 * (RFC 3602 5.3: "the Key Length attribute MUST be specified"): key_bits 0 gives NULL for AES. */
const struct ik_cipher_alg *ik_cipher_by_ike(uint16_t ike_id, uint16_t key_bits);
const struct ik_cipher_alg *ik_cipher_by_name(const char *name);

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
