/*
 * Answer times of alike variants (run_timing.h). Two variants are told apart when their median
 * answer times differ by more than the bound and all but one run of each lies beyond half the
 * bound from the other's median, on its own side: a difference that holds run after run, not
 * one slow scheduling moment (any pair counts, so two groups of variants are caught). The bound is the largest of IK_TIMING_FLOOR_MS, four
 * times the noise (the median distance of every answer from its own variant's median, which a
 * real difference between variants does not inflate) and a quarter of the others' median (a DUT
 * slow to answer at all is noisy in proportion). The runs of the variants are interleaved by the
 * runner, so a load that comes and goes spreads over all of them.
 */
#include "run_timing.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Append to a sentence, cut at the end of its buffer. */
__attribute__((format(printf, 3, 4))) static void app(char *b, size_t n, const char *fmt, ...)
{
	size_t l = strnlen(b, n);
	va_list ap;
	if (l + 1 >= n)
		return;
	va_start(ap, fmt);
	vsnprintf(b + l, n - l, fmt, ap);
	va_end(ap);
}

long ik_answer_ms(const struct ik_ladder *l)
{
	size_t s = l->n;
	for (size_t i = l->n; i-- > 0 && s == l->n;) /* our last message of an exchange */
		if (l->rungs[i].sent && l->rungs[i].xchg != IK_X_INFO)
			s = i;
	if (s == l->n)
		return -1;
	for (size_t i = 0; i < s; i++) /* its first transmission */
		if (l->rungs[i].sent && l->rungs[i].xchg == l->rungs[s].xchg &&
		    l->rungs[i].msg == l->rungs[s].msg) {
			s = i;
			break;
		}
	for (size_t i = s + 1; i < l->n; i++) /* a copy of its last message is no answer */
		if (!l->rungs[i].sent && !l->rungs[i].retransmit)
			return (long)(l->rungs[i].t_ms - l->rungs[s].t_ms);
	return -1;
}

void ik_timing_add(struct ik_timing *t, unsigned v, long ms)
{
	if (ms >= 0 && v < IK_CASE_MAX_ALIKE && t->n[v] < IK_CASE_MAX_TIMING)
		t->ms[v][t->n[v]++] = (unsigned)ms;
}

static int cmp_u(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
	return (x > y) - (x < y);
}

/* The median of n values (sorted in place); the mean of the middle two for an even n. */
static unsigned median(unsigned *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_u);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static unsigned dist(unsigned a, unsigned b)
{
	return a > b ? a - b : b - a;
}

/* The median of every answer of the variants compared. */
static unsigned pooled_median(const struct ik_timing *t, size_t nvar, const bool *use)
{
	unsigned all[IK_CASE_MAX_ALIKE * IK_CASE_MAX_TIMING];
	size_t n = 0;
	for (size_t k = 0; k < nvar; k++)
		for (unsigned i = 0; use[k] && i < t->n[k]; i++)
			all[n++] = t->ms[k][i];
	return n ? median(all, n) : 0;
}

/* The noise: the median distance of each answer from its own variant's median. */
static unsigned noise(const struct ik_timing *t, size_t nvar, const unsigned *med, const bool *use)
{
	unsigned d[IK_CASE_MAX_ALIKE * IK_CASE_MAX_TIMING];
	size_t n = 0;
	for (size_t k = 0; k < nvar; k++)
		for (unsigned i = 0; use[k] && i < t->n[k]; i++)
			d[n++] = dist(t->ms[k][i], med[k]);
	return n ? median(d, n) : 0;
}

/* Variant a reliably later than b: the medians more than the bound apart, and all but one run of
 * each beyond half the bound from the other's median, on its own side. */
static bool reliably_later(const struct ik_timing *t, size_t a, size_t b, const unsigned *med,
                           unsigned bound)
{
	unsigned na = 0, nb = 0;

	if (med[a] - med[b] <= bound)
		return false;
	for (unsigned i = 0; i < t->n[a]; i++)
		na += t->ms[a][i] > med[b] + bound / 2;
	for (unsigned i = 0; i < t->n[b]; i++)
		nb += t->ms[b][i] + bound / 2 < med[a];
	return na + 1 >= t->n[a] && nb + 1 >= t->n[b];
}

enum ik_timing_verdict ik_timing_judge(const struct ik_timing *t, size_t nvar,
                                       const char *const texts[], char *ev, size_t evn, char *why,
                                       size_t whyn)
{
	unsigned med[IK_CASE_MAX_ALIKE] = {0}, lo[IK_CASE_MAX_ALIKE] = {0},
		 hi[IK_CASE_MAX_ALIKE] = {0};
	bool use[IK_CASE_MAX_ALIKE] = {0};
	size_t judged = 0;

	*why = *ev = '\0';
	for (size_t k = 0; k < nvar && k < IK_CASE_MAX_ALIKE; k++) {
		unsigned v[IK_CASE_MAX_TIMING];
		memcpy(v, t->ms[k], sizeof(v));
		use[k] = t->n[k] >= 3;
		judged += use[k];
		if (t->n[k]) {
			med[k] = median(v, t->n[k]);
			lo[k] = v[0], hi[k] = v[t->n[k] - 1];
		}
		app(ev, evn, "%s%zu (%.40s): median %u ms (%u..%u, %u answer%s)",
		    k ? "; " : "answer times: ", k + 1, texts[k], med[k], lo[k], hi[k], t->n[k],
		    t->n[k] == 1 ? "" : "s");
	}
	if (judged < 2) {
		app(ev, evn, "; not compared: fewer than two variants answered in 3 runs or more");
		return IK_TIMING_UNJUDGED;
	}
	unsigned nz = noise(t, nvar, med, use), all = pooled_median(t, nvar, use);
	unsigned bound = IK_TIMING_FLOOR_MS;
	bound = 4 * nz > bound ? 4 * nz : bound;
	bound = all / 4 > bound ? all / 4 : bound;
	app(ev, evn,
	    "; bound %u ms (the largest of %u ms, 4 x the noise of %u ms, a quarter of the "
	    "%u ms median)",
	    bound, IK_TIMING_FLOOR_MS, nz, all);
	for (size_t a = 0; a < nvar; a++)
		for (size_t b = 0; b < nvar; b++) {
			if (a == b || !use[a] || !use[b] || med[a] <= med[b] ||
			    !reliably_later(t, a, b, med, bound))
				continue;
			snprintf(why, whyn,
			         "variant %zu (%.40s) was answered %u ms later than variant %zu "
			         "(%.40s): median %u ms against %u ms, beyond the %u ms bound run "
			         "after run: the answer time tells the inputs apart",
			         a + 1, texts[a], med[a] - med[b], b + 1, texts[b], med[a], med[b],
			         bound);
			return IK_TIMING_APART;
		}
	return IK_TIMING_ALIKE;
}
