/*
 * The algorithm tables, one row per algorithm in algs.def: ciphers, hashes (the phase 1 hash,
 * its HMAC as PRF and as ESP integrity) and Diffie-Hellman groups, each with its IKE and ESP
 * numbers, strongSwan keyword and aliases, Libreswan and Cisco IOS names and OpenSSL name.
 */
#ifndef IK_ALGS_H
#define IK_ALGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/types.h>

#define IK_MAX_ALIASES 3 /* per row of algs.def */

enum ik_cipher_mode { IK_MODE_CBC, IK_MODE_CTR, IK_MODE_GCM, IK_MODE_NULL };

struct ik_cipher_alg {
	const char *name; /* strongSwan keyword: des, 3des, aes128, aes128gcm16, null ... */
	const char *aliases[IK_MAX_ALIASES]; /* other strongSwan spellings */
	uint16_t ike_id;   /* phase 1 Encryption Algorithm value, 0 = not allowed in phase 1 */
	uint16_t esp_id;   /* IPsec DOI ESP transform id */
	uint16_t key_bits; /* the Key Length attribute (0 for fixed-length ciphers) */
	enum ik_cipher_mode mode;
	bool aead;       /* combined mode: no separate integrity (RFC 4106) */
	const char *evp; /* OpenSSL 3 cipher name, NULL when the engine does not implement it */
	size_t block;    /* cipher block size: IKE padding and CBC IV length */
	size_t key_len;  /* bytes of key the cipher itself takes (no salt) */
	size_t iv_len;   /* bytes of IV on the wire (ESP CTR/GCM: 8) */
	size_t salt;     /* RFC 3686 nonce / RFC 4106 salt appended to the key material */
	size_t icv;      /* AEAD tag length (GCM-16: 16) */
	const char *libreswan; /* ipsec.conf keyword, NULL when Libreswan 4.10 lacks it */
	const char *ios_ike;   /* IOS "encr ..." argument, NULL when IOS has none */
	const char *ios_esp;   /* IOS transform-set keyword, NULL when IOS has none */
};

struct ik_hash_alg {
	const char *name;                    /* strongSwan keyword: md5, sha1, sha256, ... */
	const char *aliases[IK_MAX_ALIASES]; /* other strongSwan spellings */
	uint16_t ike_hash;                   /* phase 1 Hash Algorithm value (RFC 2409 App. A) */
	uint16_t esp_auth;     /* ESP Authentication Algorithm (RFC 2407 4.5, RFC 4868) */
	const char *evp;       /* OpenSSL 3 digest name */
	size_t len;            /* output length in bytes, also the ESP HMAC key length */
	size_t block;          /* internal block size (HMAC) */
	const char *libreswan; /* "sha2_256" */
	const char *ios_ike;   /* IOS "hash ..." argument */
	const char *ios_esp;   /* IOS transform-set keyword, e.g. "esp-sha256-hmac" */
};

enum ik_dh_kind { IK_DH_MODP, IK_DH_ECP };

struct ik_dh_group {
	const char *name; /* strongSwan keyword: modp1024, ecp256, ... */
	uint16_t id;      /* "Group Description" attribute value (IANA) */
	enum ik_dh_kind kind;
	size_t len;                   /* KE payload data length in bytes */
	size_t secret_len;            /* g^xy length in bytes */
	BIGNUM *(*prime)(BIGNUM *bn); /* MODP: OpenSSL's copy of the prime (generator 2) */
	int nid;                      /* ECP: OpenSSL curve NID */
	const char *rfc;              /* where the group is defined */
	const char *libreswan;        /* NULL when Libreswan 4.10 (Debian) lacks it */
	bool ios;                     /* Cisco IOS "group N" exists */
};

extern const struct ik_cipher_alg ik_cipher_algs[];
extern const size_t ik_cipher_alg_count;
extern const struct ik_hash_alg ik_hash_algs[];
extern const size_t ik_hash_alg_count;
extern const struct ik_dh_group ik_dh_groups[];
extern const size_t ik_dh_group_count;

/* IKE attribute value + key length (bits, 0 when the attribute is absent). AES requires it
 * (RFC 3602 5.3: "the Key Length attribute MUST be specified"): key_bits 0 gives NULL for AES. */
const struct ik_cipher_alg *ik_cipher_by_ike(uint16_t ike_id, uint16_t key_bits);
const struct ik_cipher_alg *ik_cipher_by_esp(uint16_t esp_id, uint16_t key_bits);
const struct ik_hash_alg *ik_hash_by_id(uint16_t ike_hash);
const struct ik_hash_alg *ik_hash_by_esp(uint16_t esp_auth);
const struct ik_dh_group *ik_dh_by_id(uint16_t id);

/* By strongSwan keyword or alias, as a proposal names them (exact); NULL when unknown. */
const struct ik_cipher_alg *ik_cipher_by_name(const char *name);
const struct ik_hash_alg *ik_hash_by_keyword(const char *name);
const struct ik_dh_group *ik_dh_by_name(const char *name);
/* By keyword ("sha1", "sha256") or OpenSSL name ("SHA2-256"), case-insensitive. */
const struct ik_hash_alg *ik_hash_by_name(const char *name);

/* Alias i of all tables: *alias is accepted where *canonical is. False past the end. */
bool ik_alias_at(size_t i, const char **alias, const char **canonical);

#endif
