/*
 * The mode-config queries of the case step `cfg NAME`: the rows of cfgq.def, built into the ATTR
 * payload the engine sends (ik_cfg_query, engine/exchanges/xchg_trans.c).
 */
#include "cfgq.h"
#include "consts.h"
#include "ike.h"
#include "util.h"

#include <string.h>

#define CFGQ_MAX 12

static const struct {
	const char *name, *what;
	uint8_t type;
	unsigned flaws;
	uint16_t attrs[CFGQ_MAX]; /* up to the first 0 (RESERVED is never asked for) */
} rows[] = {
#define CFGQ(name, what, type, flaws, ...) {name, what, type, flaws, {__VA_ARGS__}},
#include "cfgq.def"
#undef CFGQ
};

int ik_cfgq_find(const char *name)
{
	for (size_t i = 0; i < IK_ARRAY_SIZE(rows); i++)
		if (!strcmp(rows[i].name, name))
			return (int)i;
	return -1;
}

const char *ik_cfgq_names(void)
{
	static char names[256];
	size_t l = 0;
	for (size_t i = 0; i < IK_ARRAY_SIZE(rows) && l < sizeof(names); i++)
		l += (size_t)snprintf(names + l, sizeof(names) - l, "%s%s", i ? ", " : "",
		                      rows[i].name);
	return names;
}

const char *ik_cfgq_name(int row)
{
	return row >= 0 && (size_t)row < IK_ARRAY_SIZE(rows) ? rows[row].name : "?";
}

void ik_cfgq_build(int row, uint16_t id, struct ik_cfg_msg *m, unsigned *flaws)
{
	memset(m, 0, sizeof(*m));
	*flaws = 0;
	if (row < 0 || (size_t)row >= IK_ARRAY_SIZE(rows))
		return;
	m->type = rows[row].type, m->id = id;
	*flaws = rows[row].flaws;
	for (size_t i = 0; i < CFGQ_MAX && rows[row].attrs[i] && m->n < IK_CFG_MAX_ATTRS; i++)
		m->a[m->n++].type = rows[row].attrs[i];
	/* IK_CFGQ_SUGGEST: the address a client would like (draft-dukes-ike-mode-cfg-02 2) */
	static const uint8_t suggested[4] = {10, 9, 9, 9};
	for (size_t i = 0; i < m->n && (*flaws & IK_CFGQ_SUGGEST); i++)
		if (m->a[i].type == IK_CFG_ATTR_INTERNAL_IP4_ADDRESS) {
			m->a[i].len = sizeof(suggested);
			memcpy(m->a[i].v, suggested, sizeof(suggested));
		}
}
