/*
 * The arithmetic of `ikecheck load`: percentiles by nearest rank, failure reasons, the --rate
 * schedule (load_stats.h).
 */
#include "load_stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool ik_lat_add(struct ik_lat *l, uint32_t us)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 1024;
		uint32_t *p = realloc(l->us, cap * sizeof(*p));
		if (!p)
			return false;
		l->us = p;
		l->cap = cap;
	}
	l->us[l->n++] = us;
	return true;
}

void ik_lat_free(struct ik_lat *l)
{
	free(l->us);
	memset(l, 0, sizeof(*l));
}

uint32_t ik_pctl_sorted(const uint32_t *sorted, size_t n, unsigned pct)
{
	if (!n || !pct)
		return 0;
	if (pct > 100)
		pct = 100;
	/* rank = ceil(pct/100 * n), 1-based */
	size_t rank = ((size_t)pct * n + 99) / 100;
	return sorted[rank ? rank - 1 : 0];
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

void ik_lat_pct(struct ik_lat *l, struct ik_pct *out)
{
	memset(out, 0, sizeof(*out));
	out->n = l->n;
	if (!l->n)
		return;
	qsort(l->us, l->n, sizeof(*l->us), cmp_u32);
	out->p50 = ik_pctl_sorted(l->us, l->n, 50);
	out->p90 = ik_pctl_sorted(l->us, l->n, 90);
	out->p99 = ik_pctl_sorted(l->us, l->n, 99);
	out->max = l->us[l->n - 1];
}

void ik_tally_add(struct ik_tally *t, const char *reason)
{
	size_t i;

	t->total++;
	for (i = 0; i < t->nrows; i++)
		if (!strcmp(t->row[i].reason, reason)) {
			t->row[i].n++;
			return;
		}
	if (t->nrows == IK_TALLY_MAX) /* the last row becomes "other" */
		i = IK_TALLY_MAX - 1;
	else
		i = t->nrows++;
	if (i == IK_TALLY_MAX - 1 && t->row[i].n && strcmp(t->row[i].reason, "other")) {
		/* the table is full: the last row gathers every reason that did not fit */
		strcpy(t->row[i].reason, "other");
	} else if (!t->row[i].n) {
		snprintf(t->row[i].reason, sizeof(t->row[i].reason), "%s", reason);
	}
	t->row[i].n++;
}

uint64_t ik_load_due_us(uint64_t i, unsigned rate)
{
	return rate ? i * 1000000ull / rate : 0;
}
