/*
 * What `ikecheck load` says: why a setup failed, the live progress line, the summary and its
 * JSON form (docs/load.md has the JSON keys).
 */
#include "load.h"
#include "json.h"

#include <errno.h>
#include <string.h>

const char ik_load_starting;

void ik_load_reason(const struct ik_sa *sa, const struct ik_qm *qm, char *buf, size_t n)
{
	enum ik_xchg x = qm ? IK_X_QUICK : sa->xchg;
	int msg = qm ? qm->msg : sa->msg;
	const char *why = sa->st.why, *next = ik_msg_name(x, msg + 1);
	const char *last = msg ? ik_msg_name(x, msg) : "the start";

	if (!strncmp(why, "peer sent", 9) && sa->st.notify)
		snprintf(buf, n, "%s notify after %s", ik_name(IK_T_NOTIFY, sa->st.notify), last);
	else if ((!strncmp(why, "no ", 3) && strstr(why, "retransmission")) ||
	         strstr(why, "load --timeout")) /* the engine gave up, or our deadline came first */
		snprintf(buf, n, "no %s (silence after %s)", next, last);
	else /* the engine's own sentence up to its first detail */
		snprintf(buf, n, "%s: %.*s", next, (int)strcspn(why, ":("), why);
}

static double cpu_s(const struct rusage *a, const struct rusage *b)
{
	return (double)(b->ru_utime.tv_sec - a->ru_utime.tv_sec) +
	       (double)(b->ru_utime.tv_usec - a->ru_utime.tv_usec) / 1e6 +
	       (double)(b->ru_stime.tv_sec - a->ru_stime.tv_sec) +
	       (double)(b->ru_stime.tv_usec - a->ru_stime.tv_usec) / 1e6;
}

static double ms(uint32_t us)
{
	return us / 1000.0;
}

void ik_load_progress(struct ik_load *l, uint64_t now_us, bool last)
{
	double secs = (double)(now_us - l->t_start_us) / 1e6;
	struct ik_pct p;

	ik_lat_pct(&l->lat, &p);
	fprintf(stderr, "\rload: %u/%u up, %u failed, %u in flight, %.0f setups/s", l->ok, l->count,
	        l->failed, l->nfly, secs > 0 ? l->ok / secs : 0.0);
	if (p.n)
		fprintf(stderr, ", p50 %.1f p90 %.1f p99 %.1f ms", ms(p.p50), ms(p.p90), ms(p.p99));
	for (size_t i = 0; i < l->why.nrows && i < 2; i++)
		fprintf(stderr, "; %u %s", l->why.row[i].n, l->why.row[i].reason);
	if (l->why.nrows > 2)
		fprintf(stderr, "; ...");
	fprintf(stderr, "\033[K%s", last ? "\n" : "");
	fflush(stderr);
}

static const char *mode(const struct ik_load *l)
{
	if (l->no_quick)
		return l->r.cfg.aggressive ? "aggressive mode" : "main mode";
	return l->r.cfg.aggressive ? "aggressive mode + quick mode" : "main mode + quick mode";
}

void ik_load_summary(struct ik_load *l, FILE *f)
{
	double secs = (double)(l->t_end_us - l->t_start_us) / 1e6;
	double cpu = cpu_s(&l->ru0, &l->ru1);
	char a[80];
	struct ik_pct p;

	ik_lat_pct(&l->lat, &p);
	char rate[32] = "as fast as it answers";

	if (l->rate)
		snprintf(rate, sizeof(rate), "at most %u/s", l->rate);
	fprintf(f, "load: %u of %u %s setups against %s (%s), %u at a time, %s\n", l->started,
	        l->count, mode(l), l->r.p->name, ik_addr_str(&l->r.cfg.remote, a, sizeof(a)),
	        l->parallel, rate);
	fprintf(f, "  up %u, failed %u in %.3f s: %.1f setups/s%s\n", l->ok, l->failed, secs,
	        secs > 0 ? l->ok / secs : 0.0, l->interrupted ? " (interrupted)" : "");
	if (p.n)
		fprintf(f, "  latency: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms\n",
		        ms(p.p50), ms(p.p90), ms(p.p99), ms(p.max));
	for (size_t i = 0; i < l->why.nrows; i++)
		fprintf(f, "  failed: %u %s\n", l->why.row[i].n, l->why.row[i].reason);
	if (l->r.eng.send_errors)
		fprintf(f, "  local send errors: %u (last: %s)\n", l->r.eng.send_errors,
		        l->r.eng.send_error);
	if (l->keep)
		fprintf(f, "  kept: %u tunnel(s) left up on the DUT (no Delete sent)\n", l->kept);
	else
		fprintf(f, "  deleted: %u ISAKMP SA(s) (Delete payloads sent)\n", l->deleted);
	fprintf(f, "  cpu: %.3f s (this process), %.3f ms per setup\n", cpu,
	        l->ok ? cpu * 1000 / l->ok : 0.0);
}

static void jstr(FILE *f, const char *key, const char *v)
{
	fprintf(f, "\"%s\":\"", key);
	ik_esc_json(f, v, 0);
	fputs("\",", f);
}

static void json_body(struct ik_load *l, FILE *f)
{
	double secs = (double)(l->t_end_us - l->t_start_us) / 1e6;
	double cpu = cpu_s(&l->ru0, &l->ru1);
	char a[80];
	struct ik_pct p;

	ik_lat_pct(&l->lat, &p);
	fputc('{', f);
	jstr(f, "dut", l->r.p->name);
	jstr(f, "address", ik_addr_str(&l->r.cfg.remote, a, sizeof(a)));
	jstr(f, "mode", mode(l));
	fprintf(f, "\"count\":%u,\"started\":%u,\"parallel\":%u,\"rate\":%u,", l->count, l->started,
	        l->parallel, l->rate);
	fprintf(f, "\"ok\":%u,\"failed\":%u,\"elapsed_s\":%.6f,\"setups_per_s\":%.3f,", l->ok,
	        l->failed, secs, secs > 0 ? l->ok / secs : 0.0);
	fprintf(f,
	        "\"latency_ms\":{\"p50\":%.3f,\"p90\":%.3f,\"p99\":%.3f,\"max\":%.3f},"
	        "\"failures\":{",
	        ms(p.p50), ms(p.p90), ms(p.p99), ms(p.max));
	for (size_t i = 0; i < l->why.nrows; i++) {
		fputs(i ? ",\"" : "\"", f);
		ik_esc_json(f, l->why.row[i].reason, 0);
		fprintf(f, "\":%u", l->why.row[i].n);
	}
	fprintf(f, "},\"kept\":%u,\"deleted\":%u,\"send_errors\":%u,", l->kept, l->deleted,
	        l->r.eng.send_errors);
	fprintf(f, "\"cpu_s\":%.6f,\"interrupted\":%s}\n", cpu, l->interrupted ? "true" : "false");
}

bool ik_load_json(struct ik_load *l, const char *path)
{
	bool out = !strcmp(path, "-");
	FILE *f = out ? stdout : fopen(path, "w");

	if (!f) {
		fprintf(stderr, "ikecheck load: --json %s: %s\n", path, strerror(errno));
		return false;
	}
	json_body(l, f);
	if (out ? fflush(f) != 0 : fclose(f) != 0) {
		fprintf(stderr, "ikecheck load: --json %s: %s\n", path, strerror(errno));
		return false;
	}
	return true;
}
