// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * When the state file is written: a short while after a change, so a
 * burst costs one write, and by a child process, so that the loop
 * never waits while ten thousand findings become 20 MB of text and
 * reach the disk (the child writes the store as it was when it forked:
 * a change meanwhile makes one more write after it).  An explicit
 * flush (vigilctl save, exit) writes in the daemon itself, after any
 * child, so that nothing older ever lands over something newer.
 */
#include "build.h"

#include <errno.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/jsonutil.h"
#include "lib/log.h"
#include "findings/state.h"

/* Wait this long after a change before writing, to batch a burst. */
#define STATE_DEBOUNCE_MS 1000
/* How often a writing child is looked after. */
#define STATE_REAP_MS 20
/* ...and after a change of counts only: state_dirty_later(). */
#define STATE_LATER_MS 30000

struct state {
	struct loop *loop;
	struct loop_timer *timer;
	struct loop_timer *reap;
	char *path;
	state_dump_fn dump;
	void *data;
	pid_t child;		/* writing now; 0: none */
	bool again;		/* changed since the child forked */
	bool again_later;	/* ...only counts (state_dirty_later) */
	uint64_t due_ms;	/* when the armed timer writes */
	unsigned long writes;
};

/* Build and write the document now.  0, or -1 after logging why. */
static int write_now(struct state *st)
{
	json_object *doc;
	struct sbuf spare;
	struct sbuf err;
	const char *text;
	size_t len;
	int r;

	doc = st->dump(st->data);
	if (!doc) {
		log_err("state: out of memory building %s, will retry",
			st->path);
		return -1;
	}
	/* Valid UTF-8 whatever a string holds, copied only if mended. */
	sbuf_init(&spare);
	sbuf_init(&err);
	if (json_text(doc,
		      JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE,
		      &spare, &text, &len) < 0) {
		sbuf_printf(&err, "out of memory writing %s", st->path);
		r = -1;
	} else {
		r = state_write_atomic(st->path, text, len, 0640, &err);
	}
	if (r < 0)
		log_err("state: %s; will retry", sbuf_str(&err));
	sbuf_free(&err);
	sbuf_free(&spare);
	json_object_put(doc);
	return r;
}

static void written(struct state *st, bool ok)
{
	if (ok) {
		st->writes++;
	} else {
		/* Keep trying: the findings must not be lost. */
		if (loop_timer_arm(st->timer, 10 * STATE_DEBOUNCE_MS, 0) == 0)
			st->due_ms = loop_now_ms() + 10 * STATE_DEBOUNCE_MS;
	}
}

/* The child's end, once it came.  Blocks for it when wait is set. */
static void reap(struct state *st, bool wait)
{
	int status;
	pid_t r;

	if (!st->child)
		return;
	do
		r = waitpid(st->child, &status, wait ? 0 : WNOHANG);
	while (r < 0 && errno == EINTR);
	if (r == 0)
		return;
	st->child = 0;
	loop_timer_arm(st->reap, 0, 0);
	written(st, r > 0 && WIFEXITED(status) && !WEXITSTATUS(status));
	if (st->again) {
		st->again = st->again_later = false;
		state_dirty(st);
	} else if (st->again_later) {
		st->again_later = false;
		state_dirty_later(st);
	}
}

static void on_reap(struct loop *loop, struct loop_timer *t, void *data)
{
	reap(data, false);
}

static void on_timer(struct loop *loop, struct loop_timer *t, void *data)
{
	struct state *st = data;
	pid_t pid;

	if (st->child) {
		st->again = true;
		return;
	}
	pid = fork();
	if (pid < 0) {
		/* no child to be had: write here, as before */
		state_flush(st);
		return;
	}
	if (pid == 0) {
		/* the daemon runs ahead of others (Nice=-5); this need not */
		errno = 0;
		setpriority(PRIO_PROCESS, 0,
			    getpriority(PRIO_PROCESS, 0) + 10);
		_exit(write_now(st) < 0 ? 1 : 0);
	}
	st->child = pid;
	loop_timer_arm(st->reap, STATE_REAP_MS, STATE_REAP_MS);
}

struct state *state_new(struct loop *loop, const char *path,
			state_dump_fn dump, void *data)
{
	struct state *st = calloc(1, sizeof(*st));

	if (!st)
		return NULL;
	st->loop = loop;
	st->dump = dump;
	st->data = data;
	st->path = strdup(path);
	st->timer = loop_timer_new(loop, on_timer, st);
	st->reap = loop_timer_new(loop, on_reap, st);
	if (!st->path || !st->timer || !st->reap) {
		state_free(st);
		return NULL;
	}
	return st;
}

void state_free(struct state *st)
{
	if (!st)
		return;
	reap(st, true);
	loop_timer_free(st->timer);
	loop_timer_free(st->reap);
	free(st->path);
	free(st);
}

int state_set_path(struct state *st, const char *path)
{
	char *p = strdup(path);

	if (!p)
		return -1;
	/* a child writing to the old path finishes first */
	reap(st, true);
	free(st->path);
	st->path = p;
	return 0;
}

/* Write within ms from now: sooner than an armed timer would, or as it. */
static void due_within(struct state *st, uint64_t ms)
{
	uint64_t now = loop_now_ms();

	if (loop_timer_armed(st->timer) && st->due_ms <= now + ms)
		return;
	if (loop_timer_arm(st->timer, ms, 0) == 0)
		st->due_ms = now + ms;
}

void state_dirty(struct state *st)
{
	if (st->child)
		st->again = true;
	else
		due_within(st, STATE_DEBOUNCE_MS);
}

void state_dirty_later(struct state *st)
{
	if (st->child)
		st->again_later = true;
	else
		due_within(st, STATE_LATER_MS);
}

int state_flush(struct state *st)
{
	int r;

	loop_timer_arm(st->timer, 0, 0);
	reap(st, true);
	st->again = st->again_later = false;
	r = write_now(st);
	written(st, r == 0);
	/* the document's pieces go back to the system, not kept by malloc */
	malloc_trim(0);
	return r;
}

unsigned long state_writes(const struct state *st)
{
	return st->writes;
}
