/* Constant names: lookups over the rows of consts.def (a few hundred; a linear scan is fine). */
#include "consts.h"
#include "util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct ik_const rows[] = {
#define IK_TABLE(t, title)
#define IK_C(t, id, v, nm, rf) {IK_T_##t, (v), (v), false, nm, rf},
#define IK_R(t, l, h, nm, rf)  {IK_T_##t, (l), (h), true, nm, rf},
#define IK_A(ct, c, vt)
#include "consts.def"
#undef IK_TABLE
#undef IK_C
#undef IK_R
#undef IK_A
};

static const char *const titles[IK_T_COUNT] = {
	[IK_T_NONE] = "number",
#define IK_TABLE(t, title) [IK_T_##t] = title,
#define IK_C(t, id, v, nm, rf)
#define IK_R(t, l, h, nm, rf)
#define IK_A(ct, c, vt)
#include "consts.def"
#undef IK_TABLE
#undef IK_C
#undef IK_R
#undef IK_A
};

static const struct {
	enum ik_table ct;
	uint32_t cls;
	enum ik_table vt;
} attr_values[] = {
#define IK_TABLE(t, title)
#define IK_C(t, id, v, nm, rf)
#define IK_R(t, l, h, nm, rf)
#define IK_A(ct, c, vt) {IK_T_##ct, (c), IK_T_##vt},
#include "consts.def"
#undef IK_TABLE
#undef IK_C
#undef IK_R
#undef IK_A
};

/* Exact entries win over ranges (NAT-D 20 lies inside the reserved range 15-127). */
static const struct ik_const *find(enum ik_table t, uint32_t v)
{
	const struct ik_const *range = NULL;

	for (size_t i = 0; i < IK_ARRAY_SIZE(rows); i++) {
		const struct ik_const *c = &rows[i];
		if (c->table != t || v < c->lo || v > c->hi)
			continue;
		if (!c->is_range)
			return c;
		if (!range)
			range = c;
	}
	return range;
}

const char *ik_name(enum ik_table t, uint32_t v)
{
	const struct ik_const *c = find(t, v);
	return c ? c->name : "UNKNOWN";
}

const char *ik_ref(enum ik_table t, uint32_t v)
{
	const struct ik_const *c = find(t, v);
	return c ? c->ref : "";
}

bool ik_known(enum ik_table t, uint32_t v)
{
	const struct ik_const *c = find(t, v);
	return c && !c->is_range;
}

const char *ik_fmt(char buf[IK_NAME_MAX], enum ik_table t, uint32_t v)
{
	if (t == IK_T_NONE)
		snprintf(buf, IK_NAME_MAX, "%u", v);
	else
		snprintf(buf, IK_NAME_MAX, "%s (%u)", ik_name(t, v), v);
	return buf;
}

/* Names as users type them: case-insensitive, with '-' and '_' interchangeable. */
static int fold(char c)
{
	return c == '-' ? '_' : tolower((unsigned char)c);
}

static bool name_eq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (fold(*a) != fold(*b))
			return false;
	return !*a && !*b;
}

bool ik_value_of(enum ik_table t, const char *name, uint32_t *v)
{
	char *end;

	for (size_t i = 0; i < IK_ARRAY_SIZE(rows); i++)
		if (rows[i].table == t && !rows[i].is_range && name_eq(rows[i].name, name)) {
			*v = rows[i].lo;
			return true;
		}
	if (!*name)
		return false;
	unsigned long n = strtoul(name, &end, 0);
	if (*end || n > UINT32_MAX || *name == '-')
		return false;
	*v = (uint32_t)n;
	return true;
}

enum ik_table ik_attr_values(enum ik_table class_table, uint32_t cls)
{
	for (size_t i = 0; i < IK_ARRAY_SIZE(attr_values); i++)
		if (attr_values[i].ct == class_table && attr_values[i].cls == cls)
			return attr_values[i].vt;
	return IK_T_NONE;
}

const char *ik_table_title(enum ik_table t)
{
	return (t >= 0 && t < IK_T_COUNT && titles[t]) ? titles[t] : "?";
}

size_t ik_const_count(void)
{
	return IK_ARRAY_SIZE(rows);
}

const struct ik_const *ik_const_at(size_t i)
{
	return i < IK_ARRAY_SIZE(rows) ? &rows[i] : NULL;
}
