/*
 * Public key encryption authentication (RFC 2409 5.2, 5.3): the RSA encryption of payload
 * bodies in PKCS #1 v1.5 format ("RSA encryption MUST be encoded in PKCS #1 format", 5.2), and
 * for the revised mode (5.3) the ephemeral symmetric keys Ne_i / Ne_r -> Ke_i / Ke_r and the
 * per-payload CBC encryption with its own padding. SKEYID for both modes is ik_skeyid with
 * IK_AUTH_PKE (keys.h).
 *
 * A decryption that fails (wrong length, bad padding, wrong key) fails with one notify and one
 * sentence whatever the cause, so what a peer sees cannot tell the causes apart (no padding
 * oracle, issue 11 item 6); the cause is logged by the caller only through ik_pke_why.
 */
#ifndef IK_PKE_H
#define IK_PKE_H

#include "algs.h"
#include "status.h"

#include <openssl/evp.h>

#define IK_PKE_MAX 1024 /* RSA modulus of up to 8192 bits */

/* <in>PubKey: RSA PKCS #1 v1.5 type 2 encryption (RFC 8017 7.2.1); *outlen = modulus size. */
bool ik_pke_encrypt(EVP_PKEY *pub, const uint8_t *in, size_t len, uint8_t *out, size_t cap,
                    size_t *outlen, struct ik_status *st);
/* The inverse with our private key. On any failure: PAYLOAD-MALFORMED
 * and the fixed sentence IK_PKE_FAILED; *cause (may be NULL) says which check failed. */
bool ik_pke_decrypt(EVP_PKEY *key, const uint8_t *in, size_t len, uint8_t *out, size_t cap,
                    size_t *outlen, const char **cause, struct ik_status *st);
#define IK_PKE_FAILED "an RSA-encrypted payload does not decrypt with our key (RFC 2409 5.2)"

/* RFC 2409 5.3: Ne = prf(N_b, CKY) (Ne_i from Ni_b and CKY-I, Ne_r from Nr_b and CKY-R), then
 * Ke = Ne cut or expanded to c->key_len as Appendix B does (K1 = prf(Ne, 0), Kn = prf(Ne,
 * Kn-1)). ne receives h->len bytes, ke c->key_len bytes. */
bool ik_pke_ne(const struct ik_hash_alg *h, const uint8_t *nonce, size_t nlen, const uint8_t cky[8],
               uint8_t *ne, struct ik_status *st);
bool ik_pke_ke(const struct ik_hash_alg *h, const struct ik_cipher_alg *c, const uint8_t *ne,
               uint8_t *ke, struct ik_status *st);

/* RFC 2409 5.3: one payload body under Ke in CBC, padded to the block with zero octets and a
 * last octet that counts them (always at least one octet of padding); iv starts at zero for
 * the first payload after the nonce and is left at the last ciphertext block for the next. */
size_t ik_pke_sym_len(const struct ik_cipher_alg *c, size_t len);
bool ik_pke_sym_encrypt(const struct ik_cipher_alg *c, const uint8_t *ke, uint8_t *iv,
                        const uint8_t *in, size_t len, uint8_t *out, size_t cap, size_t *outlen,
                        struct ik_status *st);
/* The inverse; PAYLOAD-MALFORMED when the length is no whole number of blocks or the padding
 * count does not fit. */
bool ik_pke_sym_decrypt(const struct ik_cipher_alg *c, const uint8_t *ke, uint8_t *iv,
                        const uint8_t *in, size_t len, uint8_t *out, size_t cap, size_t *outlen,
                        struct ik_status *st);

#endif
