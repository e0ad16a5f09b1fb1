// SPDX-License-Identifier: GPL-2.0-or-later
/* Tracepoint samples in time order, handed out once settled: sockbatch.h. */
#include "build.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sources/sockbatch.h"

/* What a sample owns. */
static void sample_clear(struct sample *s)
{
	procview_clear(&s->pv);
}

int sockbatch_init(struct sockbatch *b)
{
	memset(b, 0, sizeof(*b));
	b->s = calloc(SOCKBATCH_MAX, sizeof(*b->s));
	b->pool = calloc(SOCKBATCH_MAX, sizeof(*b->pool));
	b->exit_pool = calloc(SOCKBATCH_MAX, sizeof(*b->exit_pool));
	if (!b->s || !b->pool || !b->exit_pool) {
		sockbatch_fini(b);
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

void sockbatch_fini(struct sockbatch *b)
{
	size_t i;

	for (i = 0; b->s && i < b->n; i++)
		sample_clear(&b->s[i]);
	free(b->s);
	HASH_CLEAR(hh, b->seen);
	free(b->pool);
	HASH_CLEAR(hh, b->exits);
	free(b->exit_pool);
	memset(b, 0, sizeof(*b));
}

struct sample *sockbatch_next(struct sockbatch *b)
{
	struct sample *s;

	if (b->n >= SOCKBATCH_MAX)
		return NULL;
	s = &b->s[b->n];
	memset(s, 0, offsetof(struct sample, u));
	procview_clear(&s->pv);
	return s;
}

void sockbatch_push(struct sockbatch *b)
{
	b->n++;
}

static int by_time(const void *a, const void *b)
{
	const struct sample *x = a, *y = b;

	return x->time < y->time ? -1 : x->time > y->time;
}

/*
 * Walk the batch back, keeping each pid's next exec in a small table:
 * a view holds when the pid's next exec came after the view was read.
 */
void sockbatch_order(struct sockbatch *b)
{
	struct next_exec *e;
	struct sample *s;
	size_t i, used = 0;

	qsort(b->s, b->n, sizeof(*b->s), by_time);
	HASH_CLEAR(hh, b->seen);
	for (i = b->n; i-- > 0;) {
		s = &b->s[i];
		if (s->pid <= 0) {
			s->view_ok = false;
			continue;
		}
		HASH_FIND(hh, b->seen, &s->pid, sizeof(s->pid), e);
		s->view_ok = s->pv.at && (!e || e->time > s->pv.at);
		if (s->kind != SAMPLE_EXEC)
			continue;
		if (!e) {
			/* one entry per sample at most: the pool holds them */
			e = &b->pool[used++];
			e->pid = s->pid;
			HASH_ADD(hh, b->seen, pid, sizeof(e->pid), e);
			if (!hash_added(e, hh)) {
				/* unknown: no view of this pid holds */
				s->view_ok = false;
				continue;
			}
		}
		e->time = s->time;
	}
}

size_t sockbatch_settled(const struct sockbatch *b, uint64_t upto)
{
	size_t n;

	for (n = 0; n < b->n && b->s[n].time <= upto &&
	     b->s[n].pv.at <= upto && !b->s[n].view_due; n++)
		;
	return n;
}

void sockbatch_drop(struct sockbatch *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		sample_clear(&b->s[i]);
	b->kept = b->n - n;
	memmove(b->s, b->s + n, b->kept * sizeof(*b->s));
	b->n = b->kept;
}

void sockbatch_exit(struct sockbatch *b, pid_t pid, uint64_t time)
{
	struct exit_note *e;

	HASH_FIND(hh, b->exits, &pid, sizeof(pid), e);
	if (e) {
		e->time = time;
		return;
	}
	if (b->nexits == SOCKBATCH_MAX)
		return;
	e = &b->exit_pool[b->nexits++];
	e->pid = pid;
	e->time = time;
	HASH_ADD(hh, b->exits, pid, sizeof(e->pid), e);
	if (!hash_added(e, hh))
		b->nexits--;	/* not noted: looked up in /proc */
}

bool sockbatch_ended(const struct sockbatch *b, pid_t pid, uint64_t time)
{
	struct exit_note *e;

	HASH_FIND(hh, b->exits, &pid, sizeof(pid), e);
	return e && e->time >= time;
}

void sockbatch_exits_clear(struct sockbatch *b)
{
	HASH_CLEAR(hh, b->exits);
	b->nexits = 0;
}

const struct procview *sockbatch_view(const struct sample *s)
{
	return s->view_ok ? &s->pv : NULL;
}
