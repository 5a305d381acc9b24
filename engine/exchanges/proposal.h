/*
 * Proposals in strongSwan syntax ("aes128-sha1-modp2048") and the numbers they stand for on the
 * wire in IKEv1: phase 1 attribute values (RFC 2409 Appendix A), ESP transform ids (RFC 2407
 * 4.4.4) and the IPsec authentication algorithm attribute (RFC 2407 4.5, RFC 4868).
 *
 * Each algorithm is one row of engine/crypto/algs.def, which also carries its spelling in
 * Libreswan's ipsec.conf and in Cisco IOS, so the configuration emitters and the engine agree
 * on what a profile means.
 */
#ifndef IK_PROPOSAL_H
#define IK_PROPOSAL_H

#include "algs.h"
#include "status.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One phase 1 proposal: exactly one of each (IKEv1 has one algorithm per kind per transform). */
struct ik_p1_proposal {
	const struct ik_cipher_alg *enc;
	const struct ik_hash_alg *hash;
	const struct ik_dh_group *dh;
	/* The same as numbers, for the engine. */
	uint16_t enc_id, key_bits, hash_id, group;
};

/* One phase 2 (ESP) proposal; integ is NULL for AEAD, dh is NULL when it names no PFS group. */
struct ik_p2_proposal {
	const struct ik_cipher_alg *enc;
	const struct ik_hash_alg *integ;
	const struct ik_dh_group *dh;
	uint8_t esp_id;
	uint16_t key_bits, auth_alg, group; /* auth_alg 0 = none (AEAD); group 0 = none given */
};

/* Parse one proposal ("aes128-sha1-modp2048"); st->why says which token is wrong. */
bool ik_p1_parse(const char *text, struct ik_p1_proposal *out, struct ik_status *st);
bool ik_p2_parse(const char *text, struct ik_p2_proposal *out, struct ik_status *st);

/* Render back to canonical strongSwan syntax. Returns false if it did not fit. */
bool ik_p1_format(const struct ik_p1_proposal *p, char *out, size_t len);
/* pfs: group appended when the proposal names none (0 = append nothing). */
bool ik_p2_format(const struct ik_p2_proposal *p, uint16_t pfs, char *out, size_t len);

#endif
