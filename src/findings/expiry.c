// SPDX-License-Identifier: GPL-2.0-or-later
#include "build.h"

#include <stdlib.h>
#include <time.h>

#include "findings/expiry.h"

/* Wake at least hourly: the clock may have been set meanwhile. */
#define EXPIRY_MAX_WAIT 3600

struct expiry {
	struct findings *fs;
	struct loop_timer *timer;
};

static void on_timer(struct loop *loop, struct loop_timer *t, void *data)
{
	(void)loop;
	(void)t;
	expiry_check(data);
}

struct expiry *expiry_new(struct loop *loop, struct findings *fs)
{
	struct expiry *x = calloc(1, sizeof(*x));

	if (!x)
		return NULL;
	x->fs = fs;
	x->timer = loop_timer_new(loop, on_timer, x);
	if (!x->timer) {
		free(x);
		return NULL;
	}
	return x;
}

void expiry_free(struct expiry *x)
{
	if (!x)
		return;
	loop_timer_free(x->timer);
	free(x);
}

void expiry_check(struct expiry *x)
{
	int64_t now, next;
	uint64_t wait = EXPIRY_MAX_WAIT;

	if (!x)
		return;
	now = (int64_t)time(NULL);
	next = findings_check_acceptance(x->fs, now);
	if (next > now && next - now < EXPIRY_MAX_WAIT)
		wait = (uint64_t)(next - now);
	/* a second late rather than early: "until" itself is not accepted */
	loop_timer_arm(x->timer, wait * 1000 + 50, 0);
}
