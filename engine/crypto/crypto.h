/*
 * Digests of the hash rows of algs.def (struct ik_hash_alg, lookups in algs.h) and the small
 * types the crypto layer shares (OpenSSL 3 EVP only).
 * The PRF of IKEv1 is the HMAC of the negotiated hash (RFC 2409 section 5): see prf.h.
 */
#ifndef IK_CRYPTO_H
#define IK_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/types.h>

#include "algs.h"

/* A borrowed byte span: key-derivation inputs are lists of these, concatenated. */
struct ik_span {
	const uint8_t *p;
	size_t len;
};
#define IK_SPAN(ptr, n) ((struct ik_span){(const uint8_t *)(ptr), (n)})

#define IK_MAX_HASH 64 /* largest digest (SHA-512) */

/* One-shot digest of the concatenation of n spans; out receives h->len bytes. */
bool ik_digest(const struct ik_hash_alg *h, const struct ik_span *parts, size_t n, uint8_t *out);

/* Incremental digest. ik_digest_final frees the context (also on failure). */
struct ik_digest_ctx {
	EVP_MD_CTX *md;
	const struct ik_hash_alg *h;
};
bool ik_digest_init(struct ik_digest_ctx *c, const struct ik_hash_alg *h);
bool ik_digest_update(struct ik_digest_ctx *c, const void *p, size_t n);
bool ik_digest_final(struct ik_digest_ctx *c, uint8_t *out);
void ik_digest_free(struct ik_digest_ctx *c);

/* Constant-time comparison (HASH and ICV checks). */
bool ik_ct_equal(const void *a, const void *b, size_t n);

/*
 * Load OpenSSL's "legacy" provider next to "default": single DES lives there in OpenSSL 3.
 * Idempotent; cipher.c calls it lazily. False when the legacy provider is not installed.
 */
bool ik_crypto_legacy(void);

#endif
