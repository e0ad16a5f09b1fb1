// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The event loop: epoll, signalfd, and timers kept here (loop.h).  A
 * timer is a deadline the loop waits for in epoll_wait's timeout, not
 * a timerfd: arming one and its expiry then cost no system call, where
 * a timerfd cost two (settime, read) on every batch of every source.
 */
#include "build.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "lib/loop.h"

struct handler {
	int fd;
	loop_fd_cb cb;
	void *data;
	int dead;
	bool low;		/* handled after the others of a turn */
	bool paused;		/* out of the epoll set: loop_mod_fd(0) */
	struct handler *next;	/* all handlers, or the dead list */
};

struct loop_timer {
	struct loop *loop;
	uint64_t due_ns;	/* CLOCK_MONOTONIC; 0: not armed */
	uint64_t interval_ns;	/* 0: one-shot */
	uint64_t turn;		/* the turn it last fired in */
	loop_timer_cb cb;
	void *data;
	struct loop_timer *next;	/* every timer of the loop */
};

struct loop {
	int epfd;
	int quit;
	uint64_t longest_turn_ms;	/* events handled at one go, at most */
	struct handler *handlers;
	struct handler *dead;
	struct loop_timer *timers;
	uint64_t turn;
	int sigfd;
	loop_signal_cb sig_cb;
	void *sig_data;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + (uint64_t)ts.tv_nsec;
}

uint64_t loop_now_ms(void)
{
	return now_ns() / 1000000;
}

struct loop *loop_new(void)
{
	struct loop *loop = calloc(1, sizeof(*loop));

	if (!loop)
		return NULL;
	loop->sigfd = -1;
	loop->turn = 1;		/* a timer that never fired has turn 0 */
	loop->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (loop->epfd < 0) {
		free(loop);
		return NULL;
	}
	return loop;
}

static void reap_dead(struct loop *loop)
{
	while (loop->dead) {
		struct handler *h = loop->dead;

		loop->dead = h->next;
		free(h);
	}
}

void loop_free(struct loop *loop)
{
	struct handler *h;

	if (!loop)
		return;
	while ((h = loop->handlers)) {
		loop->handlers = h->next;
		free(h);
	}
	reap_dead(loop);
	if (loop->sigfd >= 0)
		close(loop->sigfd);
	close(loop->epfd);
	free(loop);
}

static struct handler *find_handler(struct loop *loop, int fd)
{
	struct handler *h;

	for (h = loop->handlers; h; h = h->next)
		if (h->fd == fd)
			return h;
	return NULL;
}

int loop_add_fd(struct loop *loop, int fd, uint32_t events, loop_fd_cb cb,
		void *data)
{
	struct epoll_event ev = { .events = events };
	struct handler *h;

	if (find_handler(loop, fd)) {
		errno = EEXIST;
		return -1;
	}
	h = calloc(1, sizeof(*h));
	if (!h)
		return -1;
	h->fd = fd;
	h->cb = cb;
	h->data = data;
	ev.data.ptr = h;
	if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		int e = errno;

		free(h);
		errno = e;
		return -1;
	}
	h->next = loop->handlers;
	loop->handlers = h;
	return 0;
}

int loop_mod_fd(struct loop *loop, int fd, uint32_t events)
{
	struct handler *h = find_handler(loop, fd);
	struct epoll_event ev = { .events = events };

	if (!h) {
		errno = ENOENT;
		return -1;
	}
	ev.data.ptr = h;
	if (!events) {
		if (!h->paused &&
		    epoll_ctl(loop->epfd, EPOLL_CTL_DEL, fd, NULL) < 0)
			return -1;
		h->paused = true;
		return 0;
	}
	if (epoll_ctl(loop->epfd, h->paused ? EPOLL_CTL_ADD : EPOLL_CTL_MOD,
		      fd, &ev) < 0)
		return -1;
	h->paused = false;
	return 0;
}

int loop_set_low(struct loop *loop, int fd, bool low)
{
	struct handler *h = find_handler(loop, fd);

	if (!h) {
		errno = ENOENT;
		return -1;
	}
	h->low = low;
	return 0;
}

void loop_del_fd(struct loop *loop, int fd)
{
	struct handler **pp, *h;

	for (pp = &loop->handlers; (h = *pp); pp = &h->next) {
		if (h->fd != fd)
			continue;
		*pp = h->next;
		if (!h->paused)
			epoll_ctl(loop->epfd, EPOLL_CTL_DEL, fd, NULL);
		/* Events of this batch may still point at it: free later. */
		h->dead = 1;
		h->next = loop->dead;
		loop->dead = h;
		return;
	}
}

static void on_signal(struct loop *loop, int fd, uint32_t events, void *data)
{
	struct signalfd_siginfo si;

	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		if (loop->sig_cb)
			loop->sig_cb(loop, (int)si.ssi_signo, loop->sig_data);
}

int loop_signals(struct loop *loop, const int *signos, size_t n,
		 loop_signal_cb cb, void *data)
{
	sigset_t set;
	size_t i;
	int fd;

	sigemptyset(&set);
	for (i = 0; i < n; i++)
		sigaddset(&set, signos[i]);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -1;
	fd = signalfd(loop->sigfd, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0)
		return -1;
	loop->sig_cb = cb;
	loop->sig_data = data;
	if (loop->sigfd < 0) {
		loop->sigfd = fd;
		if (loop_add_fd(loop, fd, EPOLLIN, on_signal, NULL) < 0)
			return -1;
	}
	return 0;
}

struct loop_timer *loop_timer_new(struct loop *loop, loop_timer_cb cb,
				  void *data)
{
	struct loop_timer *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->loop = loop;
	t->cb = cb;
	t->data = data;
	t->next = loop->timers;
	loop->timers = t;
	return t;
}

int loop_timer_arm(struct loop_timer *t, uint64_t first_ms,
		   uint64_t interval_ms)
{
	t->due_ns = first_ms ? now_ns() + first_ms * 1000000 : 0;
	t->interval_ns = interval_ms * 1000000;
	return 0;
}

int loop_timer_arm_grid(struct loop_timer *t, uint64_t grid_ms)
{
	uint64_t grid = grid_ms * 1000000;

	t->due_ns = (now_ns() / grid + 1) * grid;
	t->interval_ns = 0;
	return 0;
}

int loop_timer_armed(const struct loop_timer *t)
{
	return t->due_ns != 0;
}

void loop_timer_free(struct loop_timer *t)
{
	struct loop_timer **pp;

	if (!t)
		return;
	for (pp = &t->loop->timers; *pp; pp = &(*pp)->next)
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	free(t);
}

/*
 * epoll_wait's timeout: until the nearest deadline, rounded up to a
 * whole ms (never woken before it); -1 with no timer armed.
 */
static int timeout_ms(const struct loop *loop)
{
	const struct loop_timer *t;
	uint64_t first = 0, now;

	for (t = loop->timers; t; t = t->next)
		if (t->due_ns && (!first || t->due_ns < first))
			first = t->due_ns;
	if (!first)
		return -1;
	now = now_ns();
	if (first <= now)
		return 0;
	if ((first - now) / 1000000 >= INT_MAX)
		return INT_MAX;
	return (int)((first - now + 999999) / 1000000);
}

/*
 * Every timer due, each at most once a turn (one that re-arms itself
 * at once cannot keep the loop from the fds).  A callback may arm,
 * disarm or free any timer, itself too: the list is walked again from
 * its head after each, and t is not touched once its callback runs.
 * A periodic timer late by several intervals fires once, as a timerfd
 * read as one would.
 */
static void run_timers(struct loop *loop)
{
	struct loop_timer *t;
	uint64_t now = now_ns();

again:
	for (t = loop->timers; t && !loop->quit; t = t->next) {
		if (!t->due_ns || t->due_ns > now || t->turn == loop->turn)
			continue;
		t->turn = loop->turn;
		if (t->interval_ns) {
			t->due_ns += t->interval_ns;
			if (t->due_ns <= now)
				t->due_ns = now + t->interval_ns;
		} else {
			t->due_ns = 0;
		}
		t->cb(loop, t, t->data);
		goto again;
	}
}

int loop_run(struct loop *loop)
{
	struct epoll_event evs[32];
	uint64_t t0, t1;

	loop->quit = 0;
	while (!loop->quit) {
		int i, pass, n;

		n = epoll_wait(loop->epfd, evs, 32, timeout_ms(loop));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		t0 = loop_now_ms();
		/* the kernel's sockets first, then what may wait */
		for (pass = 0; pass < 2; pass++) {
			for (i = 0; i < n && !loop->quit; i++) {
				struct handler *h = evs[i].data.ptr;

				/* paused by an earlier handler of the turn */
				if (!h->dead && !h->paused &&
				    h->low == (pass == 1))
					h->cb(loop, h->fd, evs[i].events,
					      h->data);
			}
		}
		reap_dead(loop);
		if (!loop->quit)
			run_timers(loop);
		loop->turn++;
		t1 = loop_now_ms();
		if (t1 - t0 > loop->longest_turn_ms)
			loop->longest_turn_ms = t1 - t0;
	}
	return 0;
}

uint64_t loop_longest_turn_ms(const struct loop *loop)
{
	return loop->longest_turn_ms;
}

void loop_quit(struct loop *loop)
{
	loop->quit = 1;
}
