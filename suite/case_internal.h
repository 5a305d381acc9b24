/*
 * Shared between the case-file parser (case.c), its value parsers (case_values.c) and the
 * family expansion (case_family.c). Not part of the suite's public interface (case.h).
 */
#ifndef IK_CASE_INTERNAL_H
#define IK_CASE_INTERNAL_H

#include "case.h"

#include <stdarg.h>

/* Where a message comes from: "FILE:LINE: " is put in front of every complaint. */
struct ik_cpos {
	const char *file;
	unsigned line;
	struct ik_status *st;
};

bool ik_case_fail(const struct ik_cpos *at, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Value parsers for one keyword each (case_values.c); text is the value after the keyword. */
bool ik_case_parse_ref(struct ik_case *c, const char *text, const struct ik_cpos *at);
bool ik_case_parse_req(struct ik_case *c, const char *text, const struct ik_cpos *at);
bool ik_case_parse_level(struct ik_case *c, const char *text, const struct ik_cpos *at);
bool ik_case_parse_role(struct ik_case *c, const char *text, const struct ik_cpos *at);
bool ik_case_parse_needs(struct ik_case *c, const char *text, const struct ik_cpos *at);
bool ik_case_parse_run(struct ik_case *c, const char *text, const struct ik_cpos *at);
bool ik_case_parse_set(struct ik_case *c, const char *text, const struct ik_cpos *at);
bool ik_case_parse_mutate(struct ik_case *c, const char *text, const struct ik_cpos *at);
bool ik_case_parse_expect(struct ik_case *c, const char *text, const struct ik_cpos *at);
bool ik_case_parse_breaks(struct ik_case *c, const char *text, const struct ik_cpos *at);
bool ik_case_parse_alike(struct ik_case *c, const char *text, const struct ik_cpos *at);
bool ik_case_parse_timing(struct ik_case *c, const char *text, const struct ik_cpos *at);
bool ik_case_parse_binds(struct ik_case *c, const char *text, const struct ik_cpos *at);
/* The level of a case against its binds line (case_binds.c); what names the case in messages. */
bool ik_case_check_binds(const struct ik_case *c, const char *what, bool family,
                         const struct ik_cpos *at);
/* Each needs claimed:/unclaimed: token names a proposal of the case's own `set
 * phase1.proposals` / `set phase2.proposals` lines (suite/claims.c). False with st set. */
bool ik_case_claims_ok(const struct ik_case *c, struct ik_status *st);
/* "MM1".."QM3" -> exchange and message number. */
bool ik_case_msg_by_name(const char *s, enum ik_xchg *x, int *msg);
/* Ids (case ids, requirement ids, quirk names): letters, digits, '.', '-', '_'. */
bool ik_case_word_ok(const char *s);

/* A family line's generator (case_family.c). */
struct ik_family {
	char pattern[32]; /* the id with "{n}" */
	enum ik_xchg x;
	int msg;
	char ops[16][40];
	size_t nops;
	unsigned line;
};

bool ik_family_parse(struct ik_family *f, const char *text, const struct ik_cpos *at);
/* Append one case per (path, operator) to cs, from template t; checks ids for duplicates with
 * `dup` (returns the clashing case or NULL). */
bool ik_family_expand(struct ik_caseset *cs, const struct ik_case *t, const struct ik_family *f,
                      const struct ik_cpos *at);
/* Grow cs by one and return the new slot (zeroed), NULL when out of memory. */
struct ik_case *ik_caseset_push(struct ik_caseset *cs);
/* The case in cs with this id, or NULL. */
const struct ik_case *ik_cases_find(const struct ik_caseset *cs, const char *id);

#endif
