/*
 * `make bench`: bytes per idle ISAKMP SA (issue 14 item 1, goal <= 4 KiB), the memory a
 * responder such as `ikecheck serve` (and `ikecheck load --keep` as initiator) spends on each
 * phase 1 SA it holds. 100,000 main modes (PSK, AES-128/SHA-1, ECP-256, phase 1 only) are
 * brought up for real between engine pairs in this one process and then held idle; the heap in
 * use (glibc mallinfo2: every malloc, OpenSSL's included) is read before, with both sides held,
 * and after the initiators are freed, so each role's bytes per SA come out on their own. The
 * process's RSS growth is printed too (it includes what malloc keeps from the system).
 *
 * One engine pair holds them all (PER_PAIR; more pairs beyond that): the engine finds the SA of a
 * message through its index by initiator cookie, so the 100,000th setup costs what the first
 * did (before the index, a walk over every SA made this take minutes).
 *
 *   bench_idle_sa [N]    (default 100000)
 */
#include "ike_pair.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define PER_PAIR  1000
#define IN_FLIGHT 32
#define LIMIT_S   300.0 /* stop early (and say so) on a machine this slow */

struct held {
	struct ik_loop loop;
	struct ik_engine ini, res;
	unsigned started, up_i, up_r, failed;
	char why[300];
};

static void on_event(struct ik_engine *e, struct ik_sa *sa, struct ik_qm *qm, enum ik_event ev)
{
	struct held *h = e->user;
	(void)qm;
	if (ev == IK_EV_P1_UP)
		e == &h->ini ? h->up_i++ : h->up_r++;
	else if (ev == IK_EV_FAILED && !h->failed++)
		snprintf(h->why, sizeof(h->why), "%s", sa->st.why);
}

static bool open_held(struct held *h)
{
	struct ik_cfg ci, cr;
	struct ik_status st;

	pair_cfg(&ci, true);
	pair_cfg(&cr, false);
	ci.p1[0].group = cr.p1[0].group = 19;
	ci.no_ladder = cr.no_ladder = true; /* as serve and load run */
	ik_loop_init(&h->loop);
	if (!ik_engine_init(&h->res, &cr, &h->loop, &st))
		return fprintf(stderr, "bench_idle_sa: %s\n", st.why), false;
	ik_addr_set_port(&ci.remote, h->res.sock.port);
	if (!ik_engine_init(&h->ini, &ci, &h->loop, &st))
		return fprintf(stderr, "bench_idle_sa: %s\n", st.why), false;
	h->ini.user = h->res.user = h;
	h->ini.on_event = h->res.on_event = on_event;
	h->ini.quiet = h->res.quiet = true;
	return true;
}

/* Bring n phase 1 SAs up in h, IN_FLIGHT at a time. */
static bool fill(struct held *h, unsigned n)
{
	while ((h->up_i < n || h->up_r < n) && !h->failed) {
		while (h->started < n && h->started - h->up_i < IN_FLIGHT) {
			if (!ik_initiate(&h->ini))
				return false;
			h->started++;
		}
		ik_loop_once(&h->loop, 100);
	}
	return !h->failed;
}

static size_t heap(void)
{
	return mallinfo2().uordblks;
}

static long rss(void)
{
	long pages = 0, res = 0;
	FILE *f = fopen("/proc/self/statm", "r");
	if (f && fscanf(f, "%ld %ld", &pages, &res) != 2)
		res = 0;
	if (f)
		fclose(f);
	return res * sysconf(_SC_PAGESIZE);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	unsigned n = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 100000;
	unsigned npairs = (n + PER_PAIR - 1) / PER_PAIR, done = 0;
	struct held *h = calloc(npairs ? npairs : 1, sizeof(*h));
	double t0 = now_s();

	if (!n || !h)
		return fprintf(stderr, "bench_idle_sa: N must be a positive number\n"), 2;
	for (unsigned k = 0; k < npairs; k++)
		if (!open_held(&h[k]))
			return 1;
	size_t h0 = heap();
	long r0 = rss();
	for (unsigned k = 0; k < npairs && now_s() - t0 < LIMIT_S; k++) {
		unsigned want = n - done < PER_PAIR ? n - done : PER_PAIR;
		if (!fill(&h[k], want)) {
			fprintf(stderr, "bench_idle_sa: a main mode failed: %s\n", h[k].why);
			return 1;
		}
		done += want;
	}
	size_t h1 = heap();
	long r1 = rss();
	for (unsigned k = 0; k < npairs; k++)
		ik_engine_free(&h[k].ini);
	size_t h2 = heap();
	printf("idle ISAKMP SAs: %u main modes up and held in %.1f s%s; heap per SA: responder %zu "
	       "bytes, initiator %zu bytes (goal <= 4096); RSS growth %ld bytes per SA pair\n",
	       done, now_s() - t0, done < n ? " (stopped early: time limit)" : "", (h2 - h0) / done,
	       (h1 - h2) / done, (r1 - r0) / (long)done);
	for (unsigned k = 0; k < npairs; k++) {
		ik_engine_free(&h[k].res);
		ik_loop_free(&h[k].loop);
	}
	free(h);
	return 0;
}
