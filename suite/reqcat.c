/*
 * Reading the requirement catalogue (reqcat.h). Its tables are markdown; a requirement row is
 *   | id | source | level | who | requirement | obs | test |
 * and the columns are located by the header row, so a catalogue with reordered or extra columns
 * still reads. The requirement and test texts are not kept.
 */
#include "reqcat.h"
#include "trim.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_COLS 16

/* Split a table row into trimmed cells (modifies line); returns the count. */
static size_t cells(char *line, char *c[MAX_COLS])
{
	size_t n = 0;
	char *p = line + 1; /* past the leading '|' */

	while (*p && n < MAX_COLS) {
		char *bar = strchr(p, '|');
		if (!bar)
			break;
		*bar = 0;
		c[n++] = ik_trim(p);
		p = bar + 1;
	}
	return n;
}

static bool id_like(const char *s)
{
	if (!isupper((unsigned char)*s) || !strchr(s, '-'))
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '.')
			return false;
	return true;
}

const struct ik_req *ik_reqcat_find(const struct ik_reqcat *rc, const char *id)
{
	for (size_t i = 0; i < rc->n; i++)
		if (!strcmp(rc->r[i].id, id))
			return &rc->r[i];
	return NULL;
}

void ik_reqcat_free(struct ik_reqcat *rc)
{
	free(rc->r);
	memset(rc, 0, sizeof(*rc));
}

bool ik_reqcat_load(struct ik_reqcat *rc, const char *file, struct ik_status *st)
{
	FILE *f = fopen(file, "r");
	char line[4096], *c[MAX_COLS];
	int col_id = -1, col_src = -1, col_lvl = -1, col_obs = -1;
	size_t ncols = 0;
	unsigned lineno = 0;
	bool ok = true;

	memset(rc, 0, sizeof(*rc));
	if (!f)
		return ik_fail(st, 0, "%s:0: cannot open: %s", file, strerror(errno));
	while (ok && fgets(line, sizeof(line), f)) {
		lineno++;
		if (line[0] != '|') {
			col_id = -1; /* a table ends at the first line that is not a row */
			continue;
		}
		size_t n = cells(line, c);
		if (n && !strcmp(c[0], "id")) {
			col_id = 0;
			col_src = col_lvl = col_obs = -1;
			for (size_t i = 0; i < n; i++) {
				col_src = !strcmp(c[i], "source") ? (int)i : col_src;
				col_lvl = !strcmp(c[i], "level") ? (int)i : col_lvl;
				col_obs = !strcmp(c[i], "obs") ? (int)i : col_obs;
			}
			ncols = n;
			if (col_obs < 0 || col_lvl < 0)
				col_id = -1;
			continue;
		}
		if (col_id < 0 || !n || !id_like(c[0]))
			continue;
		if (n != ncols) {
			ok = ik_fail(st, 0,
			             "%s:%u: row %s has %zu cells, its table %zu (a '|' in "
			             "the text?)",
			             file, lineno, c[0], n, ncols);
			break;
		}
		if (ik_reqcat_find(rc, c[0])) {
			ok = ik_fail(st, 0, "%s:%u: requirement %s listed twice", file, lineno,
			             c[0]);
			break;
		}
		if (rc->n == rc->cap) {
			size_t cap = rc->cap ? rc->cap * 2 : 256;
			struct ik_req *r = realloc(rc->r, cap * sizeof(*r));
			if (!r) {
				ok = ik_fail(st, 0, "%s:%u: out of memory", file, lineno);
				break;
			}
			rc->r = r;
			rc->cap = cap;
		}
		struct ik_req *r = &rc->r[rc->n++];
		memset(r, 0, sizeof(*r));
		snprintf(r->id, sizeof(r->id), "%.39s", c[0]);
		snprintf(r->source, sizeof(r->source), "%.47s", col_src >= 0 ? c[col_src] : "");
		snprintf(r->level, sizeof(r->level), "%.23s", c[col_lvl]);
		snprintf(r->obs, sizeof(r->obs), "%.7s", c[col_obs]);
		r->line = lineno;
	}
	fclose(f);
	if (ok && !rc->n)
		ok = ik_fail(st, 0, "%s:0: no requirement table (a row '| id | ... | obs |')",
		             file);
	if (!ok)
		ik_reqcat_free(rc);
	return ok;
}
