/*
 * One event loop: poll() over a few sockets plus a min-heap of timers. Every exchange in the
 * process (many at once in `serve`, `run` and the benchmark) hangs its retransmissions and its
 * "silence" windows on these timers, so no exchange waits for another's timeout (DESIGN.md).
 */
#ifndef IK_LOOP_H
#define IK_LOOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* `ikecheck run --parallel 64` holds 64 engines of two sockets each (IKE and NAT-T), and a
 * revival probe may come on top while they run: room for that with a margin. */
#define IK_LOOP_MAX_FDS 256

typedef void (*ik_fd_fn)(void *arg);
typedef void (*ik_timer_fn)(void *arg);

struct ik_timer {
	uint64_t due; /* ik_now_ms() when it fires */
	uint64_t id;
	ik_timer_fn fn;
	void *arg;
};

struct ik_loop {
	int fds[IK_LOOP_MAX_FDS];
	ik_fd_fn fd_fn[IK_LOOP_MAX_FDS];
	void *fd_arg[IK_LOOP_MAX_FDS];
	size_t nfds;
	struct ik_timer *heap;
	size_t ntimers, cap;
	uint64_t next_id;
	volatile int stop; /* set from a signal handler or a callback */
};

void ik_loop_init(struct ik_loop *l);
void ik_loop_free(struct ik_loop *l);
/* Call fn(arg) whenever fd is readable; false when the table is full. */
bool ik_loop_add_fd(struct ik_loop *l, int fd, ik_fd_fn fn, void *arg);
/* Forget fd (before closing it); safe from inside a callback of the same loop. */
void ik_loop_del_fd(struct ik_loop *l, int fd);
/* Arm a one-shot timer; returns its id (never 0), 0 when out of memory. */
uint64_t ik_loop_timer(struct ik_loop *l, uint64_t delay_ms, ik_timer_fn fn, void *arg);
/* Disarm; harmless for an id that already fired or was cancelled (and for 0). */
void ik_loop_cancel(struct ik_loop *l, uint64_t id);
/* Wait at most max_wait_ms for I/O or a timer, dispatch what is due; returns callbacks run. */
int ik_loop_once(struct ik_loop *l, int max_wait_ms);
/* Run until l->stop is set or until deadline_ms (0: no deadline) passes. */
void ik_loop_run(struct ik_loop *l, uint64_t deadline_ms);

#endif
