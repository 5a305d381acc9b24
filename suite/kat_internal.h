/*
 * Internals shared by the KAT parsers and family runners (suite/kat*.c only).
 *
 * File form (NIST CAVS and the RFC-derived files in vectors/): "# comment" lines, "[header]"
 * lines that apply to the records after them (consecutive headers form one group), and records
 * of "KEY = value" lines ended by a blank line, a header, or the end of the file.
 */
#ifndef IK_KAT_INTERNAL_H
#define IK_KAT_INTERNAL_H

#include "kat.h"

#include <stdint.h>
#include <stdio.h>

#define KAT_MAX_FIELDS 24
#define KAT_MAX_HDRS   8

struct kat_rec {
	unsigned line; /* line of the first field */
	size_t n;
	char *key[KAT_MAX_FIELDS];
	char *val[KAT_MAX_FIELDS];
	uint8_t *bin[KAT_MAX_FIELDS]; /* decoded on demand by kat_bin */
	size_t binlen[KAT_MAX_FIELDS];
};

struct kat_file {
	FILE *f;
	char *name; /* path relative to the vector directory, for messages */
	char *line;
	size_t cap;
	unsigned lineno;
	char *hdr[KAT_MAX_HDRS];
	size_t nh;
	bool hdr_stale; /* a record came after the last header: the next header starts a group */
	char *pending;  /* a header line read while ending a record */
	unsigned bad_lines;
};

struct ik_kat_ctx {
	const char *dir;
	const struct ik_kat_family *fam;
	struct ik_kat_tally *t;
	ik_kat_fail_fn fail;
	void *arg;
};

/* Open dir/rel; on failure marks the tally missing and reports it. */
struct kat_file *kat_open(struct ik_kat_ctx *c, const char *rel);
void kat_close(struct kat_file *kf);
/* Next record (headers in kf->hdr apply to it); false at the end of the file. */
bool kat_next(struct kat_file *kf, struct kat_rec *r);
void kat_rec_free(struct kat_rec *r);
const char *kat_get(const struct kat_rec *r, const char *key);
/* The value of key as bytes (hex, either case, may be empty); NULL if absent or not hex. */
const uint8_t *kat_bin(struct kat_rec *r, const char *key, size_t *len);
/* The header of the current group that starts with prefix ("SHA-", "ENCRYPT"), or NULL. */
const char *kat_hdr(const struct kat_file *kf, const char *prefix);

/* Count one case: ok, or a failure described as "file:line COUNT = n [hdrs]: why". */
void kat_case(struct ik_kat_ctx *c, const struct kat_file *kf, const struct kat_rec *r, bool ok,
              const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Compare got with the expected hex field; returns equality. */
bool kat_eq(struct kat_rec *r, const char *key, const uint8_t *got, size_t len);

/* Family runners (kat_sym.c, kat_ike.c). */
bool kat_run_ikev1_psk(struct ik_kat_ctx *c);
bool kat_run_ikev1_dsa(struct ik_kat_ctx *c);
bool kat_run_hmac(struct ik_kat_ctx *c);
bool kat_run_aes_cbc(struct ik_kat_ctx *c);
bool kat_run_3des_cbc(struct ik_kat_ctx *c);
bool kat_run_des_cbc(struct ik_kat_ctx *c);
bool kat_run_aes_gcm(struct ik_kat_ctx *c);
bool kat_run_aes_ctr(struct ik_kat_ctx *c);
bool kat_run_rfc3602(struct ik_kat_ctx *c);
bool kat_run_rfc5903(struct ik_kat_ctx *c);
bool kat_run_modp(struct ik_kat_ctx *c);
bool kat_run_pke(struct ik_kat_ctx *c);

#endif
