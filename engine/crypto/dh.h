/*
 * Diffie-Hellman groups of IKEv1: MODP 1, 2 (RFC 2409 6.1, 6.2), 5, 14-18 (RFC 3526) and the
 * random ECP groups 19, 20, 21 (RFC 5903).
 *
 * Wire forms: a MODP public value and shared secret are big-endian, left-padded with zeros to
 * the length of the prime. An ECP public value is x | y, each padded to the field length, with
 * no 0x04 point-format octet (RFC 5903 7); the shared secret is x only (RFC 5903 7).
 */
#ifndef IK_DH_H
#define IK_DH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/types.h>

#include "algs.h"
#include "status.h"

#define IK_DH_MAX 1024 /* largest KE value / shared secret: MODP 8192 bits */

/* One side's key pair. pub is the KE payload data (g->len bytes). Free with ik_dh_free. */
struct ik_dh {
	const struct ik_dh_group *g;
	BIGNUM *priv;
	uint8_t pub[IK_DH_MAX];
	size_t pub_len;
	/* Quirk weak-ke (engine/mutation/quirk.def): ik_dh_shared takes any peer value unchecked. */
	bool unchecked;
};

/* Bits of a generated MODP private value (RFC 3526 8: twice the strength); 0 for ECP. */
size_t ik_dh_exp_bits(const struct ik_dh_group *g);
/* Fresh key pair; the private value comes from ik_rng_bytes (reproducible when seeded). */
bool ik_dh_generate(struct ik_dh *dh, const struct ik_dh_group *g, struct ik_status *st);
/* Key pair from a fixed big-endian private value (tests, golden transcripts, RFC 5903 8). */
bool ik_dh_from_private(struct ik_dh *dh, const struct ik_dh_group *g, const uint8_t *priv,
                        size_t len, struct ik_status *st);
/*
 * Peer public value checks. Wrong length: PAYLOAD-MALFORMED (16). MODP 0, 1, p-1 or >= p and
 * ECP off-curve, coordinate >= p, or the point at infinity: INVALID-KEY-INFORMATION (17).
 */
/* A peer KE of the wrong length made g->len octets long: zeros in front of a short one, the
 * last g->len octets of a long one (quirk weak-ke: a peer that never validates the KE); returns
 * out (g->len octets, at most IK_DH_MAX). */
const uint8_t *ik_dh_fit(const struct ik_dh_group *g, const uint8_t *pub, size_t len, uint8_t *out);
bool ik_dh_check_peer(const struct ik_dh_group *g, const uint8_t *pub, size_t len,
                      struct ik_status *st);
/* g^xy into out (dh->g->secret_len bytes); checks the peer value first (unless dh->unchecked). */
bool ik_dh_shared(const struct ik_dh *dh, const uint8_t *peer, size_t len, uint8_t *out,
                  struct ik_status *st);
/* Clears the private value (BN_clear_free) and the struct. Safe on a zeroed struct. */
void ik_dh_free(struct ik_dh *dh);

#endif
