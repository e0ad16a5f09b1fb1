// SPDX-License-Identifier: GPL-2.0-or-later
/* The event loop: epoll, a timerfd per timer, signalfd (loop.h). */
#include "build.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
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
	int fd;
	int armed;
	int periodic;
	loop_timer_cb cb;
	void *data;
};

struct loop {
	int epfd;
	int quit;
	uint64_t longest_turn_ms;	/* events handled at one go, at most */
	struct handler *handlers;
	struct handler *dead;
	int sigfd;
	loop_signal_cb sig_cb;
	void *sig_data;
};

uint64_t loop_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

struct loop *loop_new(void)
{
	struct loop *loop = calloc(1, sizeof(*loop));

	if (!loop)
		return NULL;
	loop->sigfd = -1;
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

static void on_timer(struct loop *loop, int fd, uint32_t events, void *data)
{
	struct loop_timer *t = data;
	uint64_t expirations;

	if (read(fd, &expirations, sizeof(expirations)) !=
	    (ssize_t)sizeof(expirations))
		return;
	if (!t->armed)
		return;
	if (!t->periodic)
		t->armed = 0;
	t->cb(loop, t, t->data);
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
	t->fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (t->fd < 0)
		goto err_free;
	if (loop_add_fd(loop, t->fd, EPOLLIN, on_timer, t) < 0)
		goto err_close;
	return t;

err_close:
	close(t->fd);
err_free:
	free(t);
	return NULL;
}

static void ms_to_ts(uint64_t ms, struct timespec *ts)
{
	ts->tv_sec = (time_t)(ms / 1000);
	ts->tv_nsec = (long)(ms % 1000) * 1000000L;
}

int loop_timer_arm(struct loop_timer *t, uint64_t first_ms,
		   uint64_t interval_ms)
{
	struct itimerspec its;

	memset(&its, 0, sizeof(its));
	ms_to_ts(first_ms, &its.it_value);
	ms_to_ts(interval_ms, &its.it_interval);
	if (timerfd_settime(t->fd, 0, &its, NULL) < 0)
		return -1;
	t->armed = first_ms != 0;
	t->periodic = interval_ms != 0;
	return 0;
}

int loop_timer_armed(const struct loop_timer *t)
{
	return t->armed;
}

void loop_timer_free(struct loop_timer *t)
{
	if (!t)
		return;
	loop_del_fd(t->loop, t->fd);
	close(t->fd);
	free(t);
}

int loop_run(struct loop *loop)
{
	struct epoll_event evs[32];
	uint64_t t0, t1;

	loop->quit = 0;
	while (!loop->quit) {
		int i, pass, n = epoll_wait(loop->epfd, evs, 32, -1);

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
