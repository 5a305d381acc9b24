/*
 * Names for the numbers of IKEv1 (data in consts.def): every log line, dump and report says
 * `NO-PROPOSAL-CHOSEN (14)`, never a bare 14 (DESIGN.md "Constants with names").
 */
#ifndef IK_CONSTS_H
#define IK_CONSTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The name spaces: IK_T_EXCH, IK_T_PAYLOAD, IK_T_NOTIFY, ... */
enum ik_table {
	IK_T_NONE = 0,
#define IK_TABLE(t, title) IK_T_##t,
#define IK_C(t, id, v, name, ref)
#define IK_R(t, lo, hi, name, ref)
#define IK_A(ct, c, vt)
#include "consts.def"
#undef IK_TABLE
#undef IK_C
#undef IK_R
#undef IK_A
	IK_T_COUNT
};

/* Every named number as a constant: IK_PAYLOAD_SA, IK_NOTIFY_NO_PROPOSAL_CHOSEN, ... */
enum {
#define IK_TABLE(t, title)
#define IK_C(t, id, v, name, ref) IK_##t##_##id = (v),
#define IK_R(t, lo, hi, name, ref)
#define IK_A(ct, c, vt)
#include "consts.def"
#undef IK_TABLE
#undef IK_C
#undef IK_R
#undef IK_A
};

/* One row of consts.def; a single value has lo == hi and is_range false. */
struct ik_const {
	enum ik_table table;
	uint32_t lo, hi;
	bool is_range;
	const char *name;
	const char *ref;
};

#define IK_NAME_MAX 64

/* The name of v, the name of the range it falls in (e.g. "PRIVATE-USE"), or "UNKNOWN". */
const char *ik_name(enum ik_table t, uint32_t v);
/* The RFC reference of v's entry or range, "" when none. */
const char *ik_ref(enum ik_table t, uint32_t v);
/* True when v has its own entry (not merely inside a range). */
bool ik_known(enum ik_table t, uint32_t v);
/* "NAME (v)", e.g. "NO-PROPOSAL-CHOSEN (14)", "UNKNOWN (99)"; returns buf. */
const char *ik_fmt(char buf[IK_NAME_MAX], enum ik_table t, uint32_t v);
/* Name to number, case-insensitive, '-' and '_' alike; also accepts a decimal or 0x number. */
bool ik_value_of(enum ik_table t, const char *name, uint32_t *v);
/* Which table names the values of attribute class `cls` (IK_T_NONE: plain numbers). */
enum ik_table ik_attr_values(enum ik_table class_table, uint32_t cls);
const char *ik_table_title(enum ik_table t);
/* Iterate the rows (tests, `ikecheck list`). */
size_t ik_const_count(void);
const struct ik_const *ik_const_at(size_t i);

#endif
