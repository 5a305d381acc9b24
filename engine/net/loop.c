/* The event loop: poll() plus a binary min-heap of timers; see loop.h. */
#include "loop.h"
#include "net.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

void ik_loop_init(struct ik_loop *l)
{
	memset(l, 0, sizeof(*l));
	l->next_id = 1;
}

void ik_loop_free(struct ik_loop *l)
{
	free(l->heap);
	ik_loop_init(l);
}

static void compact(struct ik_loop *l);

bool ik_loop_add_fd(struct ik_loop *l, int fd, ik_fd_fn fn, void *arg)
{
	compact(l);
	if (l->nfds == IK_LOOP_MAX_FDS)
		return false;
	l->fds[l->nfds] = fd;
	l->fd_fn[l->nfds] = fn;
	l->fd_arg[l->nfds] = arg;
	l->nfds++;
	return true;
}

/* Removal leaves a hole (fd -1) that the next ik_loop_once compacts, so a callback may remove
 * an fd (its own engine's) while the loop is dispatching. */
void ik_loop_del_fd(struct ik_loop *l, int fd)
{
	for (size_t i = 0; i < l->nfds; i++)
		if (l->fds[i] == fd)
			l->fds[i] = -1;
}

static void compact(struct ik_loop *l)
{
	size_t k = 0;
	for (size_t i = 0; i < l->nfds; i++) {
		if (l->fds[i] < 0)
			continue;
		l->fds[k] = l->fds[i];
		l->fd_fn[k] = l->fd_fn[i];
		l->fd_arg[k] = l->fd_arg[i];
		k++;
	}
	l->nfds = k;
}

static void heap_swap(struct ik_loop *l, size_t a, size_t b)
{
	struct ik_timer t = l->heap[a];
	l->heap[a] = l->heap[b];
	l->heap[b] = t;
}

static void heap_up(struct ik_loop *l, size_t i)
{
	while (i > 0 && l->heap[(i - 1) / 2].due > l->heap[i].due) {
		heap_swap(l, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

static void heap_down(struct ik_loop *l, size_t i)
{
	for (;;) {
		size_t m = i, c1 = 2 * i + 1, c2 = 2 * i + 2;
		if (c1 < l->ntimers && l->heap[c1].due < l->heap[m].due)
			m = c1;
		if (c2 < l->ntimers && l->heap[c2].due < l->heap[m].due)
			m = c2;
		if (m == i)
			return;
		heap_swap(l, i, m);
		i = m;
	}
}

static void heap_remove(struct ik_loop *l, size_t i)
{
	l->ntimers--;
	if (i == l->ntimers)
		return;
	l->heap[i] = l->heap[l->ntimers];
	heap_up(l, i);
	heap_down(l, i);
}

uint64_t ik_loop_timer(struct ik_loop *l, uint64_t delay_ms, ik_timer_fn fn, void *arg)
{
	if (l->ntimers == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct ik_timer *h = realloc(l->heap, cap * sizeof(*h));
		if (!h)
			return 0;
		l->heap = h;
		l->cap = cap;
	}
	struct ik_timer *t = &l->heap[l->ntimers];
	t->due = ik_now_ms() + delay_ms;
	t->id = l->next_id++;
	t->fn = fn;
	t->arg = arg;
	heap_up(l, l->ntimers++);
	return l->next_id - 1;
}

void ik_loop_cancel(struct ik_loop *l, uint64_t id)
{
	for (size_t i = 0; id && i < l->ntimers; i++) {
		if (l->heap[i].id == id) {
			heap_remove(l, i);
			return;
		}
	}
}

/* Fire every timer that is due; a callback may arm or cancel others, so re-read the heap top. */
static int run_timers(struct ik_loop *l)
{
	int n = 0;
	uint64_t now = ik_now_ms();

	while (l->ntimers && l->heap[0].due <= now) {
		struct ik_timer t = l->heap[0];
		heap_remove(l, 0);
		t.fn(t.arg);
		n++;
	}
	return n;
}

int ik_loop_once(struct ik_loop *l, int max_wait_ms)
{
	struct pollfd p[IK_LOOP_MAX_FDS];
	int wait = max_wait_ms;
	int n = 0;

	compact(l);
	if (l->ntimers) {
		uint64_t now = ik_now_ms(), due = l->heap[0].due;
		int until = due <= now ? 0 : (int)(due - now > 0x7fffffff ? 0x7fffffff : due - now);
		if (wait < 0 || until < wait)
			wait = until;
	}
	for (size_t i = 0; i < l->nfds; i++) {
		p[i].fd = l->fds[i];
		p[i].events = POLLIN;
		p[i].revents = 0;
	}
	int r = poll(p, l->nfds, wait);
	if (r < 0 && errno != EINTR)
		return -1;
	for (size_t i = 0; r > 0 && i < l->nfds; i++) {
		if ((p[i].revents & (POLLIN | POLLERR)) && l->fds[i] == p[i].fd) {
			l->fd_fn[i](l->fd_arg[i]);
			n++;
		}
	}
	return n + run_timers(l);
}

void ik_loop_run(struct ik_loop *l, uint64_t deadline_ms)
{
	while (!l->stop) {
		int wait = -1;
		if (deadline_ms) {
			uint64_t now = ik_now_ms();
			if (now >= deadline_ms)
				return;
			wait = (int)(deadline_ms - now);
		}
		if (ik_loop_once(l, wait) < 0)
			return;
	}
}
