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

/* One bit per quirk: more than 64 of them, so GCC/Clang's 128-bit integer (a plain integer
 * still: |, &, ~ and ! work as on the narrower type it replaced). */
__extension__ typedef unsigned __int128 ik_quirks_t;

enum ik_quirk_index {
#define QUIRK(id, name, what, rfc) IK_QUIRK_I_##id,
#include "quirk.def"
#undef QUIRK
	IK_QUIRK_COUNT
};

/* The bit of quirk id: IK_QUIRK(ANY_ID). A macro, not an enum: enum constants are int-sized. */
#define IK_QUIRK(id) ((ik_quirks_t)1 << IK_QUIRK_I_##id)

struct ik_quirk {
	ik_quirks_t bit;
	const char *name, *what, *rfc;
};

/* The table, in quirk.def order. */
const struct ik_quirk *ik_quirk_table(size_t *n);
/* The bit of a quirk by its command-line name; 0 when unknown. */
ik_quirks_t ik_quirk_by_name(const char *name);
/* Parse "a,b,c" into *bits (ORed in). False with *bad pointing at the first unknown name
 * (copied into bad, at most cap bytes). */
bool ik_quirk_parse(const char *list, ik_quirks_t *bits, char *bad, size_t cap);
/* "any-id,no-notify" into buf ("none" for 0). */
void ik_quirk_names(ik_quirks_t bits, char *buf, size_t cap);
/* One line per quirk: name, what it does, what it violates (`serve --list-quirks`). */
void ik_quirk_list(FILE *f);

#endif
