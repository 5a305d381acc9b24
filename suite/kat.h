/*
 * Known-answer tests: the parsers for the vector files under vectors/ (NIST CAVS .rsp/.fax,
 * the RFC-derived files in the same "KEY = value" form) and one runner per family, shared by
 * the CUnit tests (tests/test_kat*.c) and `ikecheck vectors`.
 */
#ifndef IK_KAT_H
#define IK_KAT_H

#include <stdbool.h>
#include <stddef.h>

#define IK_KAT_WHY 320

/* The outcome of one family. */
struct ik_kat_tally {
	unsigned passed, failed;
	bool missing; /* a vector file could not be opened (see missing_file) */
	char missing_file[512];
	char first_failure[IK_KAT_WHY]; /* "file:line COUNT = n [SHA-1]: SKEYID_d differs" */
};

/* Called once per failing case (and once for a missing file) with a one-line description. */
typedef void (*ik_kat_fail_fn)(void *arg, const char *family, const char *what);

struct ik_kat_ctx;
struct ik_kat_family {
	const char *name;
	const char *source; /* what the family checks against */
	/* false when a vector file is missing (the tally says which) */
	bool (*run)(struct ik_kat_ctx *c);
};

extern const struct ik_kat_family ik_kat_families[];
extern const size_t ik_kat_family_count;
const struct ik_kat_family *ik_kat_find(const char *name);

enum ik_kat_result { IK_KAT_PASS, IK_KAT_FAIL, IK_KAT_MISSING };
/* Run one family over the files under dir (normally "vectors"); fail may be NULL. */
enum ik_kat_result ik_kat_run(const struct ik_kat_family *f, const char *dir,
                              struct ik_kat_tally *t, ik_kat_fail_fn fail, void *arg);

#endif
