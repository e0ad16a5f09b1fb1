/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_LOOP_H
#define VIGIL_LOOP_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

/*
 * One epoll loop with signalfd and timers: every source registers its
 * fd and a callback; timers are deadlines the loop keeps itself (no
 * fd), run after the fds of the turn they fall due in.  Signals are
 * delivered as ordinary events, so no work ever runs in a signal
 * handler.  Handlers and timers may be removed from inside any
 * callback.
 *
 * Functions returning int give 0 on success and -1 with errno set on
 * failure; constructors return NULL with errno set.
 */
struct loop;
struct loop_timer;

typedef void (*loop_fd_cb)(struct loop *loop, int fd, uint32_t events,
			   void *data);
typedef void (*loop_timer_cb)(struct loop *loop, struct loop_timer *t,
			      void *data);
typedef void (*loop_signal_cb)(struct loop *loop, int signo, void *data);

struct loop *loop_new(void);
void loop_free(struct loop *loop);

int loop_add_fd(struct loop *loop, int fd, uint32_t events, loop_fd_cb cb,
		void *data);
/*
 * New events for fd; 0 pauses it.  A paused fd leaves the epoll set
 * rather than keep a mask of 0: epoll always adds EPOLLERR|EPOLLHUP to
 * a mask, and a wakeup without a poll key (a perf ring's) then still
 * wakes the loop, for nothing, once per sample.  Returns 0, or -1 with
 * errno (ENOENT: fd has no handler; epoll_ctl's).
 */
int loop_mod_fd(struct loop *loop, int fd, uint32_t events);
/*
 * A low fd is served after every other fd ready in the same turn (a
 * local client's request waits behind the kernel's events, never the
 * reverse).  Returns 0, or -1 with errno ENOENT.
 */
int loop_set_low(struct loop *loop, int fd, bool low);
void loop_del_fd(struct loop *loop, int fd);

/* Blocks the given signals and delivers them through a signalfd. */
int loop_signals(struct loop *loop, const int *signos, size_t n,
		 loop_signal_cb cb, void *data);

struct loop_timer *loop_timer_new(struct loop *loop, loop_timer_cb cb,
				  void *data);
/* first_ms == 0 disarms; interval_ms == 0 makes a one-shot timer. */
int loop_timer_arm(struct loop_timer *t, uint64_t first_ms,
		   uint64_t interval_ms);
/*
 * One-shot, due at the next multiple of grid_ms on the monotonic clock
 * (within grid_ms from now, never at once): sources that batch their
 * reads on the same grid fall due together, and the loop wakes once
 * for all of them rather than once for each.  grid_ms > 0.
 */
int loop_timer_arm_grid(struct loop_timer *t, uint64_t grid_ms);
int loop_timer_armed(const struct loop_timer *t);
void loop_timer_free(struct loop_timer *t);

/* Runs until loop_quit(); returns 0, or -1 with errno on epoll failure. */
int loop_run(struct loop *loop);
void loop_quit(struct loop *loop);
/*
 * The longest one turn of the loop took so far (ms): how long a request
 * or an event could have waited for vigild.
 */
uint64_t loop_longest_turn_ms(const struct loop *loop);

/* CLOCK_MONOTONIC in milliseconds. */
uint64_t loop_now_ms(void);

#endif
