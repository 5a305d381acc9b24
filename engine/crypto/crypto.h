/*
 * Hash algorithms of IKEv1 and the small types the crypto layer shares (OpenSSL 3 EVP only).
 *
 * The table is indexed by the IKEv1 phase 1 "Hash Algorithm" attribute value (RFC 2409
 * Appendix A: 1 MD5, 2 SHA; RFC 4868 4 (IANA): 4 SHA2-256, 5 SHA2-384, 6 SHA2-512).
 * The PRF of IKEv1 is the HMAC of the negotiated hash (RFC 2409 section 5): see prf.h.
 */
#ifndef IK_CRYPTO_H
#define IK_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/types.h>

/* A borrowed byte span: key-derivation inputs are lists of these, concatenated. */
struct ik_span {
	const uint8_t *p;
	size_t len;
};
#define IK_SPAN(ptr, n) ((struct ik_span){(const uint8_t *)(ptr), (n)})

#define IK_MAX_HASH 64 /* largest digest (SHA-512) */

/* RFC 2409 Appendix A, class 2 "Hash Algorithm" values. */
enum ik_hash_id {
	IK_HASH_MD5 = 1,
	IK_HASH_SHA1 = 2,
	IK_HASH_SHA256 = 4,
	IK_HASH_SHA384 = 5,
	IK_HASH_SHA512 = 6,
};

struct ik_hash_alg {
	uint16_t id;      /* IKEv1 hash attribute value */
	const char *name; /* strongSwan proposal keyword: md5, sha1, sha256, ... */
	const char *evp;  /* OpenSSL 3 digest name */
	size_t len;       /* output length in bytes */
	size_t block;     /* internal block size (HMAC) */
};

extern const struct ik_hash_alg ik_hash_algs[];
extern const size_t ik_hash_alg_count;

const struct ik_hash_alg *ik_hash_by_id(uint16_t id);
/* By proposal keyword ("sha1", "sha256") or OpenSSL name ("SHA2-256"); case-insensitive. */
const struct ik_hash_alg *ik_hash_by_name(const char *name);

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
