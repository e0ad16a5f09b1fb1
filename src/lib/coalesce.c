// SPDX-License-Identifier: GPL-2.0-or-later
/* Wakeups of a busy socket merged: see coalesce.h. */
#include "build.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/epoll.h>

#include "lib/coalesce.h"

struct coalesce {
	struct loop *loop;
	struct loop_timer *timer;
	int fd;
	unsigned int ms;
	uint64_t last_ms;	/* of the last read */
	enum coalesce_read (*read)(void *data);
	void *data;
	uint64_t *deferred;
	bool reading;		/* read() is on the stack */
	bool freed;		/* ...and called coalesce_free() */
};

/*
 * What read() found, in *n.  Returns false when c was freed meanwhile
 * (and is gone now).
 */
static bool call_read(struct coalesce *c, enum coalesce_read *n)
{
	c->reading = true;
	*n = c->read(c->data);
	c->reading = false;
	if (!c->freed)
		return true;
	free(c);
	return false;
}

static void on_readable(struct loop *loop, int fd, uint32_t events,
			void *data)
{
	struct coalesce *c = data;
	uint64_t now = loop_now_ms();
	bool busy = now - c->last_ms < c->ms;
	enum coalesce_read n;

	(void)events;
	c->last_ms = now;
	if (!call_read(c, &n))
		return;
	/* More than a turn takes waits: on at the next turn. */
	if (n == COALESCE_MORE)
		return;
	/* Events keep coming: let some gather before the next read. */
	if (busy && n == COALESCE_READ && loop_mod_fd(loop, fd, 0) == 0) {
		if (c->deferred)
			(*c->deferred)++;
		loop_timer_arm_grid(c->timer, c->ms);
	}
}

static void on_timer(struct loop *loop, struct loop_timer *t, void *data)
{
	struct coalesce *c = data;
	enum coalesce_read n;

	(void)t;
	if (!call_read(c, &n))
		return;
	c->last_ms = loop_now_ms();
	/* Still busy: the next read a while later again, not at once. */
	if (n == COALESCE_READ) {
		if (c->deferred)
			(*c->deferred)++;
		loop_timer_arm_grid(c->timer, c->ms);
		return;
	}
	/*
	 * Level-triggered: wakes at once if more came meanwhile, or at
	 * the next turn when more than a turn takes waits.
	 */
	loop_mod_fd(loop, c->fd, EPOLLIN);
}

struct coalesce *coalesce_new(struct loop *loop, int fd, unsigned int ms,
			      enum coalesce_read (*read)(void *data),
			      void *data,
			      uint64_t *deferred)
{
	struct coalesce *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->loop = loop;
	c->fd = fd;
	c->ms = ms;
	c->read = read;
	c->data = data;
	c->deferred = deferred;
	c->timer = loop_timer_new(loop, on_timer, c);
	if (!c->timer || loop_add_fd(loop, fd, EPOLLIN, on_readable, c) < 0) {
		int e = c->timer ? errno : ENOMEM;

		loop_timer_free(c->timer);
		free(c);
		errno = e;
		return NULL;
	}
	return c;
}

void coalesce_free(struct coalesce *c)
{
	if (!c)
		return;
	loop_del_fd(c->loop, c->fd);
	loop_timer_free(c->timer);
	c->timer = NULL;
	if (c->reading)
		c->freed = true;	/* freed once read() returns */
	else
		free(c);
}
