/*
 * Proposals in strongSwan syntax ("aes128-sha1-modp2048") and the numbers they stand for on the
 * wire in IKEv1: phase 1 attribute values (RFC 2409 Appendix A), ESP transform ids (RFC 2407
 * 4.4.4) and the IPsec authentication algorithm attribute (RFC 2407 4.5, RFC 4868).
 *
 * Each algorithm is one row of a table (proposal.c) that also carries its spelling in
 * Libreswan's ipsec.conf and in Cisco IOS, so the configuration emitters and the engine agree
 * on what a profile means.
 */
#ifndef IK_PROPOSAL_H
#define IK_PROPOSAL_H

#include "status.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An encryption algorithm (RFC 2409 App. A "Encryption Algorithm", RFC 2407 4.4.4). */
struct ik_enc_alg {
	const char *name;      /* canonical strongSwan keyword, e.g. "aes128", "aes256gcm16" */
	uint16_t ike_id;       /* phase 1 Encryption Algorithm value, 0 = not allowed in phase 1 */
	uint8_t esp_id;        /* ESP transform id, 0 = not allowed in ESP */
	uint16_t key_bits;     /* Key Length attribute (14 / 6) to send, 0 = fixed-size cipher */
	bool aead;             /* combined mode: no separate integrity (RFC 4106) */
	const char *libreswan; /* ipsec.conf keyword, NULL when Libreswan 4.10 lacks it */
	const char *ios_ike;   /* "encr ..." argument, NULL when IOS has none */
	const char *ios_esp;   /* transform-set keyword, NULL when IOS has none */
};

/* A hash / integrity algorithm: phase 1 Hash Algorithm and IPsec Authentication Algorithm. */
struct ik_integ_alg {
	const char *name;      /* canonical strongSwan keyword, e.g. "sha256" */
	uint16_t ike_hash;     /* phase 1 Hash Algorithm value (RFC 2409 App. A) */
	uint16_t esp_auth;     /* Authentication Algorithm attribute (RFC 2407 4.5, RFC 4868) */
	const char *libreswan; /* "sha2_256" */
	const char *ios_ike;   /* "hash ..." argument */
	const char *ios_esp;   /* transform-set keyword, e.g. "esp-sha256-hmac" */
};

/* A Diffie-Hellman group (RFC 2409 6, RFC 3526, RFC 5903). */
struct ik_dh_alg {
	const char *name;      /* strongSwan keyword, e.g. "modp2048", "ecp256" */
	uint16_t group;        /* Group Description value */
	const char *libreswan; /* NULL when Libreswan 4.10 (Debian) lacks it */
	bool ios;              /* Cisco IOS "group N" exists */
};

/* One phase 1 proposal: exactly one of each (IKEv1 has one algorithm per kind per transform). */
struct ik_p1_proposal {
	const struct ik_enc_alg *enc;
	const struct ik_integ_alg *hash;
	const struct ik_dh_alg *dh;
	/* The same as numbers, for the engine. */
	uint16_t enc_id, key_bits, hash_id, group;
};

/* One phase 2 (ESP) proposal; integ is NULL for AEAD, dh is NULL when it names no PFS group. */
struct ik_p2_proposal {
	const struct ik_enc_alg *enc;
	const struct ik_integ_alg *integ;
	const struct ik_dh_alg *dh;
	uint8_t esp_id;
	uint16_t key_bits, auth_alg, group; /* auth_alg 0 = none (AEAD); group 0 = none given */
};

/* Lookups by strongSwan keyword (aliases included) or by number; NULL when unknown. */
const struct ik_enc_alg *ik_enc_by_name(const char *name);
const struct ik_integ_alg *ik_integ_by_name(const char *name);
const struct ik_dh_alg *ik_dh_alg_by_name(const char *name);
const struct ik_dh_alg *ik_dh_by_group(uint16_t group);
const struct ik_enc_alg *ik_enc_by_ike(uint16_t ike_id, uint16_t key_bits);
const struct ik_enc_alg *ik_enc_by_esp(uint8_t esp_id, uint16_t key_bits);
const struct ik_integ_alg *ik_integ_by_ike(uint16_t ike_hash);
const struct ik_integ_alg *ik_integ_by_esp(uint16_t esp_auth);

/* Walk the tables (tests, docs, `list`): returns NULL past the end. Aliases via ik_alias_at. */
const struct ik_enc_alg *ik_enc_at(size_t i);
const struct ik_integ_alg *ik_integ_at(size_t i);
const struct ik_dh_alg *ik_dh_at(size_t i);
/* Alias i: *alias is accepted where *canonical is. Returns false past the end. */
bool ik_alias_at(size_t i, const char **alias, const char **canonical);

/* Parse one proposal ("aes128-sha1-modp2048"); st->why says which token is wrong. */
bool ik_p1_parse(const char *text, struct ik_p1_proposal *out, struct ik_status *st);
bool ik_p2_parse(const char *text, struct ik_p2_proposal *out, struct ik_status *st);

/* Render back to canonical strongSwan syntax. Returns false if it did not fit. */
bool ik_p1_format(const struct ik_p1_proposal *p, char *out, size_t len);
/* pfs: group appended when the proposal names none (0 = append nothing). */
bool ik_p2_format(const struct ik_p2_proposal *p, uint16_t pfs, char *out, size_t len);

#endif
