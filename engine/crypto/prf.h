/*
 * The IKEv1 PRF: "the negotiated prf or the HMAC version of the negotiated hash function (if no
 * prf was negotiated)" (RFC 2409 section 5 and Appendix B). No IKEv1 PRF attribute value is
 * assigned in practice, so this is HMAC (RFC 2104) via OpenSSL 3 EVP_MAC, output h->len bytes.
 */
#ifndef IK_PRF_H
#define IK_PRF_H

#include "crypto.h"

/* prf(key, parts[0] | parts[1] | ...); out receives h->len bytes. */
bool ik_prf(const struct ik_hash_alg *h, const uint8_t *key, size_t klen,
            const struct ik_span *parts, size_t n, uint8_t *out);
/* prf(key, data): the one-span case. */
bool ik_prf1(const struct ik_hash_alg *h, const uint8_t *key, size_t klen, const uint8_t *data,
             size_t dlen, uint8_t *out);

/* Incremental HMAC. ik_prf_final frees the context (also on failure). */
struct ik_prf_ctx {
	EVP_MAC_CTX *mac;
	const struct ik_hash_alg *h;
};
bool ik_prf_init(struct ik_prf_ctx *c, const struct ik_hash_alg *h, const uint8_t *key,
                 size_t klen);
bool ik_prf_update(struct ik_prf_ctx *c, const void *p, size_t n);
bool ik_prf_final(struct ik_prf_ctx *c, uint8_t *out);
void ik_prf_free(struct ik_prf_ctx *c);

#endif
