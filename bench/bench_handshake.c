/*
 * `make bench`: main mode + quick mode handshakes per second (issue 4 "Speed"), PSK,
 * AES-128/SHA-1, ESP AES-128/HMAC-SHA-1 without PFS, groups 14 and 19:
 *   1. ikecheck initiator against ikecheck responder, both engines in this one thread on
 *      loopback (so the rate is per core, both sides' work included);
 *   2. ikecheck initiator against strongSwan's charon as responder, charon started privately
 *      in a network and mount namespace of its own (the templates in bench/charon/), when we
 *      are root and charon is installed; otherwise "charon: skipped (reason)".
 * Many handshakes run at once through one initiator engine (ik_initiate again whenever one is
 * done), over a fixed count. See bench/README.md for what the numbers mean.
 */
#include "ike_pair.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define COUNT       400  /* handshakes per measurement */
#define PARALLEL    16   /* at most this many in flight at once */
#define LIMIT_S     12.0 /* give up a measurement after this long: make bench stays near 60 s */
#define CHARON      "/usr/lib/ipsec/charon"
#define SWANCTL     "/usr/sbin/swanctl"
#define CHARON_PORT 500 /* inside our own network namespace: nobody else is there */
#define CHARON_NATT 4500

static const uint16_t groups[] = {14, 19};

/* Set by SIGINT/SIGTERM in the charon child: stop measuring, then stop charon and clean up. */
static volatile sig_atomic_t stop;

static void on_stop(int sig)
{
	(void)sig;
	stop = 1;
}

struct bench {
	struct ik_loop loop;
	struct ik_engine ini, res;
	bool with_res;
	int started, up_i, up_r, failed;
	char why[256];
};

static double now_s(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void on_event(struct ik_engine *e, struct ik_sa *sa, struct ik_qm *qm, enum ik_event ev)
{
	struct bench *b = e->user;
	(void)qm;
	if (e == &b->res) {
		b->up_r += ev == IK_EV_P2_UP;
		return;
	}
	if (ev == IK_EV_P2_UP) {
		b->up_i++;
	} else if (ev == IK_EV_FAILED) {
		b->failed++;
		snprintf(b->why, sizeof(b->why), "%s", sa->st.why);
	}
}

/* The benchmark's settings: pair_cfg's PSK and IDs, AES-128/SHA-1 in `group`, no PFS. */
static void bench_cfg(struct ik_cfg *c, bool initiator, uint16_t group)
{
	pair_cfg(c, initiator);
	c->p1[0].group = group;
	c->pfs_group = 0;
	c->retrans_ms = 2000; /* a retransmission here means a lost datagram, not a slow peer */
}

/* Run COUNT handshakes, PARALLEL at a time; false when not all of them came up. */
static bool measure(struct bench *b, double *secs, double *cpu)
{
	double t0 = now_s(CLOCK_MONOTONIC), c0 = now_s(CLOCK_PROCESS_CPUTIME_ID), t = t0;

	while (!stop && b->up_i + b->failed < COUNT && t - t0 < LIMIT_S) {
		while (b->started < COUNT && b->started - b->up_i - b->failed < PARALLEL) {
			b->started++;
			if (!ik_initiate(&b->ini))
				b->failed++;
		}
		ik_loop_once(&b->loop, 10);
		t = now_s(CLOCK_MONOTONIC);
	}
	/* Our responder counts a quick mode when QM3 arrives, just after the initiator. */
	while (b->with_res && b->up_r < b->up_i && now_s(CLOCK_MONOTONIC) - t < 1.0)
		ik_loop_once(&b->loop, 10);
	*secs = now_s(CLOCK_MONOTONIC) - t0;
	*cpu = now_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
	return b->up_i == COUNT && (!b->with_res || b->up_r == COUNT);
}

/* "what groupN: R handshakes/s (N in T s, detail)": R is COUNT over wall-clock time. */
static void report(const char *what, uint16_t group, const struct bench *b, double secs,
                   const char *detail)
{
	printf("%s group%u: %.0f handshakes/s (%d in %.3f s, %s)", what, group,
	       secs > 0 ? b->up_i / secs : 0.0, b->up_i, secs, detail);
	if (b->up_i != COUNT)
		printf(" -- %d of %d failed: %s", COUNT - b->up_i, COUNT,
		       stop        ? "interrupted"
		       : b->why[0] ? b->why
		                   : "timeout");
	printf("\n");
	fflush(stdout);
}

/* 1. Both sides ours, in this thread. */
static bool bench_pair(uint16_t group)
{
	struct bench b;
	struct ik_cfg ci, cr;
	struct ik_status st;
	double secs, cpu;

	memset(&b, 0, sizeof(b));
	bench_cfg(&ci, true, group);
	bench_cfg(&cr, false, group);
	ik_loop_init(&b.loop);
	if (!ik_engine_init(&b.res, &cr, &b.loop, &st)) {
		fprintf(stderr, "bench_pair: %s\n", st.why);
		return false;
	}
	ik_addr_set_port(&ci.remote, b.res.sock.port);
	if (!ik_engine_init(&b.ini, &ci, &b.loop, &st)) {
		fprintf(stderr, "bench_pair: %s\n", st.why);
		ik_engine_free(&b.res);
		return false;
	}
	b.with_res = true;
	b.ini.user = b.res.user = &b;
	b.ini.on_event = b.res.on_event = on_event;
	b.ini.quiet = b.res.quiet = !getenv("IK_VERBOSE");
	b.ini.auto_quick = true;
	bool ok = measure(&b, &secs, &cpu);
	/* Both sides run in this one thread, so CPU time is what one core needs; on a shared
	 * machine the wall clock also counts other processes' turns. */
	char detail[96];
	snprintf(detail, sizeof(detail), "1 core; %.0f/s per CPU-second, %.2f CPU-s",
	         cpu > 0 ? b.up_i / cpu : 0.0, cpu);
	report("main+quick psk", group, &b, secs, detail);
	ik_engine_free(&b.ini);
	ik_engine_free(&b.res);
	ik_loop_free(&b.loop);
	return ok;
}

/* ---- 2. against charon ---- */

/* Copy bench/charon/NAME.in to DIR/NAME with @DIR@, @PORT@, @NATPORT@ filled in. */
static bool render(const char *dir, const char *name)
{
	char in[256], out[256], line[1024];
	snprintf(in, sizeof(in), "bench/charon/%s.in", name);
	snprintf(out, sizeof(out), "%s/%s", dir, name);
	FILE *f = fopen(in, "r"), *g = fopen(out, "w");
	bool ok = f && g;

	while (ok && fgets(line, sizeof(line), f)) {
		for (char *p = line; *p; p++) {
			if (!strncmp(p, "@DIR@", 5))
				fputs(dir, g), p += 4;
			else if (!strncmp(p, "@PORT@", 6))
				fprintf(g, "%u", CHARON_PORT), p += 5;
			else if (!strncmp(p, "@NATPORT@", 9))
				fprintf(g, "%u", CHARON_NATT), p += 8;
			else
				fputc(*p, g);
		}
	}
	if (!f)
		printf("charon: skipped (cannot read %s: run make bench from the repository "
		       "root)\n",
		       in);
	if (f)
		fclose(f);
	if (g && fclose(g))
		ok = false;
	return ok;
}

/* A fresh network namespace has its loopback down. */
static bool lo_up(void)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	bool ok;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	ok = fd >= 0 && ioctl(fd, SIOCGIFFLAGS, &ifr) == 0;
	ifr.ifr_flags |= IFF_UP;
	ok = ok && ioctl(fd, SIOCSIFFLAGS, &ifr) == 0;
	if (fd >= 0)
		close(fd);
	return ok;
}

/* charon's user and system CPU seconds from /proc (fields 14 and 15 of stat). */
static double proc_cpu(pid_t pid)
{
	char path[64], buf[1024];
	unsigned long ut = 0, stime = 0;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	char *p = strrchr(buf, ')'); /* the command name may hold spaces */
	if (!p ||
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &stime) != 2)
		return 0;
	return (double)(ut + stime) / (double)sysconf(_SC_CLK_TCK);
}

static pid_t start_charon(const char *dir)
{
	char log[300];
	snprintf(log, sizeof(log), "%s/charon.out", dir);
	pid_t pid = fork();
	if (pid == 0) {
		/* Never outlive the bench, however it ends. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execl(CHARON, "charon", (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* Wait up to 5 s for charon's vici socket; false when charon died or never listened. */
static bool charon_ready(pid_t pid, const char *dir)
{
	char sock[300];
	struct stat sb;
	snprintf(sock, sizeof(sock), "%s/charon.vici", dir);
	for (int i = 0; i < 100 && !stop; i++) {
		if (!stat(sock, &sb))
			return true;
		if (waitpid(pid, NULL, WNOHANG) == pid)
			return false;
		usleep(50000);
	}
	return false;
}

static bool bench_charon_group(uint16_t group, pid_t charon)
{
	struct bench b;
	struct ik_cfg ci;
	struct ik_status st;
	double secs, cpu;

	memset(&b, 0, sizeof(b));
	bench_cfg(&ci, true, group);
	ik_addr_set_port(&ci.remote, CHARON_PORT);
	/* kernel-libipsec makes charon claim a NAT (LAB-NOTES): we float to its NAT-T port. */
	ci.natt = true;
	ci.remote_natt_port = CHARON_NATT;
	ik_loop_init(&b.loop);
	if (!ik_engine_init(&b.ini, &ci, &b.loop, &st)) {
		printf("charon: skipped (%s)\n", st.why);
		ik_loop_free(&b.loop);
		return false;
	}
	b.ini.user = &b;
	b.ini.on_event = on_event;
	b.ini.quiet = !getenv("IK_VERBOSE");
	b.ini.auto_quick = true;
	double c0 = proc_cpu(charon);
	bool ok = measure(&b, &secs, &cpu);
	double cc = proc_cpu(charon) - c0;
	char detail[128];
	snprintf(detail, sizeof(detail),
	         "charon %.2f CPU-s = %.0f/s per CPU-second, ikecheck %.2f CPU-s, %ld cores", cc,
	         cc > 0 ? b.up_i / cc : 0.0, cpu, sysconf(_SC_NPROCESSORS_ONLN));
	report("ikecheck -> charon main+quick psk", group, &b, secs, detail);
	ik_engine_free(&b.ini);
	ik_loop_free(&b.loop);
	return ok;
}

/* In a child process with its own network and mount namespaces: charon, swanctl, the runs. */
static int charon_child(void)
{
	char dir[] = "/tmp/ikbench.XXXXXX", path[300], cmd[900];

	signal(SIGINT, on_stop);
	signal(SIGTERM, on_stop);
	signal(SIGPIPE, SIG_IGN);
	if (!mkdtemp(dir)) {
		printf("charon: skipped (mkdtemp: %s)\n", strerror(errno));
		return 0;
	}
	snprintf(path, sizeof(path), "%s/run", dir);
	if (mkdir(path, 0700) || !render(dir, "strongswan.conf") || !render(dir, "swanctl.conf"))
		goto out;
	if (unshare(CLONE_NEWNET | CLONE_NEWNS) ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount(path, "/run", NULL, MS_BIND, NULL) || !lo_up()) {
		printf("charon: skipped (private namespaces: %s)\n", strerror(errno));
		goto out;
	}
	snprintf(path, sizeof(path), "%s/strongswan.conf", dir);
	setenv("STRONGSWAN_CONF", path, 1);
	pid_t charon = start_charon(dir);
	if (charon < 0 || !charon_ready(charon, dir)) {
		printf("charon: skipped (charon did not start; see %s/charon.out)\n", dir);
		if (charon > 0)
			kill(charon, SIGKILL), waitpid(charon, NULL, 0);
		return 0; /* keep dir for the log */
	}
	snprintf(cmd, sizeof(cmd),
	         SWANCTL " --load-all --file %s/swanctl.conf >%s/swanctl.out 2>&1", dir, dir);
	bool ok = system(cmd) == 0;
	if (!ok)
		printf("charon: skipped (swanctl --load-all failed; see %s/swanctl.out)\n", dir);
	for (size_t i = 0; ok && !stop && i < sizeof(groups) / sizeof(groups[0]); i++)
		ok = bench_charon_group(groups[i], charon);
	kill(charon, SIGTERM);
	for (int i = 0; i < 40 && waitpid(charon, NULL, WNOHANG) != charon; i++)
		usleep(50000);
	kill(charon, SIGKILL); /* harmless when it is gone: still our child until reaped */
	waitpid(charon, NULL, WNOHANG);
	if (!ok && !stop) {
		printf("charon: logs kept in %s\n", dir);
		return 0;
	}
out:
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "charon_child: could not remove %s\n", dir);
	return 0;
}

static void bench_charon(void)
{
	int status;

	if (geteuid() != 0) {
		printf("charon: skipped (needs root for a private network namespace)\n");
		return;
	}
	if (access(CHARON, X_OK) || access(SWANCTL, X_OK)) {
		printf("charon: skipped (%s or %s not installed: Debian strongswan-charon, "
		       "strongswan-swanctl, libcharon-extra-plugins)\n",
		       CHARON, SWANCTL);
		return;
	}
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		int rc = charon_child();
		fflush(stdout);
		_exit(rc);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		printf("charon: skipped (fork: %s)\n", strerror(errno));
}

int main(void)
{
	bool ok = true;

	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		ok &= bench_pair(groups[i]);
	bench_charon();
	return ok ? 0 : 1;
}
