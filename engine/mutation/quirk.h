/*
 * Quirk switches (engine/mutation/quirk.def): deliberate non-conformance of the built-in responder for
 * the suite's self-test. One bit each in ik_cfg.quirks.
 */
#ifndef IK_QUIRK_H
#define IK_QUIRK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* One bit per quirk, in words of 64: a set, not an integer (C has no integer wide enough), so
 * it is combined and tested with the helpers below, never with | & ~ !. IK_QUIRK_WORDS words
 * hold every quirk of quirk.def (quirk.c asserts it). */
#define IK_QUIRK_WORDS 4
typedef struct ik_quirks {
	uint64_t w[IK_QUIRK_WORDS];
} ik_quirks_t;

enum ik_quirk_index {
#define QUIRK(id, name, what, rfc) IK_QUIRK_I_##id,
#include "quirk.def"
#undef QUIRK
	IK_QUIRK_COUNT
};

/* The set holding quirk id alone: IK_QUIRK(ANY_ID). A constant: it may initialise a table. */
#define IK_QUIRK(id) \
	((ik_quirks_t){.w[IK_QUIRK_I_##id / 64] = UINT64_C(1) << (IK_QUIRK_I_##id % 64)})
/* Whether set q holds quirk id: IK_HAS(cfg.quirks, ANY_ID). */
#define IK_HAS(q, id) ((bool)(((q).w[IK_QUIRK_I_##id / 64] >> (IK_QUIRK_I_##id % 64)) & 1u))

/* a and b share a quirk. */
static inline bool ik_quirks_any(ik_quirks_t a, ik_quirks_t b)
{
	uint64_t x = 0;
	for (int i = 0; i < IK_QUIRK_WORDS; i++)
		x |= a.w[i] & b.w[i];
	return x != 0;
}

/* The set is empty. */
static inline bool ik_quirks_none(ik_quirks_t a)
{
	uint64_t x = 0;
	for (int i = 0; i < IK_QUIRK_WORDS; i++)
		x |= a.w[i];
	return x == 0;
}

static inline ik_quirks_t ik_quirks_or(ik_quirks_t a, ik_quirks_t b)
{
	for (int i = 0; i < IK_QUIRK_WORDS; i++)
		a.w[i] |= b.w[i];
	return a;
}

static inline ik_quirks_t ik_quirks_and(ik_quirks_t a, ik_quirks_t b)
{
	for (int i = 0; i < IK_QUIRK_WORDS; i++)
		a.w[i] &= b.w[i];
	return a;
}

/* a without the quirks of b. */
static inline ik_quirks_t ik_quirks_minus(ik_quirks_t a, ik_quirks_t b)
{
	for (int i = 0; i < IK_QUIRK_WORDS; i++)
		a.w[i] &= ~b.w[i];
	return a;
}

static inline bool ik_quirks_eq(ik_quirks_t a, ik_quirks_t b)
{
	for (int i = 0; i < IK_QUIRK_WORDS; i++)
		if (a.w[i] != b.w[i])
			return false;
	return true;
}

struct ik_quirk {
	ik_quirks_t bit;
	const char *name, *what, *rfc;
};

/* The table, in quirk.def order. */
const struct ik_quirk *ik_quirk_table(size_t *n);
/* The quirk of a command-line name, alone in its set; the empty set when unknown. */
ik_quirks_t ik_quirk_by_name(const char *name);
/* Parse "a,b,c" into *bits (ORed in). False with *bad pointing at the first unknown name
 * (copied into bad, at most cap bytes). */
bool ik_quirk_parse(const char *list, ik_quirks_t *bits, char *bad, size_t cap);
/* "any-id,no-notify" into buf ("none" for 0). */
void ik_quirk_names(ik_quirks_t bits, char *buf, size_t cap);
/* One line per quirk: name, what it does, what it violates (`serve --list-quirks`). */
void ik_quirk_list(FILE *f);

#endif
