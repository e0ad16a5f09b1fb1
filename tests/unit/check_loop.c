// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The loop's timers, which are deadlines in epoll_wait's timeout and
 * no fd: never early, periodic until disarmed, free to arm, disarm or
 * free any timer (themselves too) from a callback, and never able to
 * keep the loop from a ready fd by re-arming at once.
 */
#include "build.h"

#include <check.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>
#include "unit.h"

#include "lib/loop.h"

struct rec {
	struct loop *loop;
	struct loop_timer *t, *other;
	int fired, other_fired, reads;
	uint64_t at[8];
	int stop_after;
};

static void on_fire(struct loop *loop, struct loop_timer *t, void *data)
{
	struct rec *r = data;

	if (r->fired < 8)
		r->at[r->fired] = loop_now_ms();
	if (++r->fired == r->stop_after) {
		loop_timer_arm(t, 0, 0);
		loop_quit(loop);
	}
}

static void on_quit(struct loop *loop, struct loop_timer *t, void *data)
{
	(void)t;
	(void)data;
	loop_quit(loop);
}

START_TEST(one_shot_never_early)
{
	struct rec r = { .stop_after = 1 };
	uint64_t t0;

	r.loop = loop_new();
	ck_assert_ptr_nonnull(r.loop);
	r.t = loop_timer_new(r.loop, on_fire, &r);
	ck_assert_ptr_nonnull(r.t);
	ck_assert_int_eq(loop_timer_armed(r.t), 0);
	t0 = loop_now_ms();
	ck_assert_int_eq(loop_timer_arm(r.t, 30, 0), 0);
	ck_assert_int_eq(loop_timer_armed(r.t), 1);
	ck_assert_int_eq(loop_run(r.loop), 0);
	ck_assert_int_eq(r.fired, 1);
	ck_assert_uint_ge(r.at[0] - t0, 30);
	/* a one-shot is disarmed once it fired */
	ck_assert_int_eq(loop_timer_armed(r.t), 0);
	loop_timer_free(r.t);
	loop_free(r.loop);
}
END_TEST

START_TEST(periodic_until_disarmed)
{
	struct rec r = { .stop_after = 4 };
	uint64_t t0;
	int i;

	r.loop = loop_new();
	r.t = loop_timer_new(r.loop, on_fire, &r);
	/*
	 * Before arming, so that each deadline is a whole number of ms
	 * after t0.  The fires keep to the grid t0 + 10 + 20 i: one fire
	 * late on a busy machine does not move the next, so a gap may be
	 * shorter than 20 ms, but no fire comes before its slot.
	 */
	t0 = loop_now_ms();
	ck_assert_int_eq(loop_timer_arm(r.t, 10, 20), 0);
	ck_assert_int_eq(loop_run(r.loop), 0);
	ck_assert_int_eq(r.fired, 4);
	for (i = 0; i < 4; i++)
		ck_assert_uint_ge(r.at[i] - t0, 10 + 20 * (uint64_t)i);
	ck_assert_int_eq(loop_timer_armed(r.t), 0);
	loop_timer_free(r.t);
	loop_free(r.loop);
}
END_TEST

/* frees itself and the other timer, due in the same turn */
static void on_free_both(struct loop *loop, struct loop_timer *t, void *data)
{
	struct rec *r = data;

	r->fired++;
	loop_timer_free(r->other);
	r->other = NULL;
	loop_timer_free(t);
	r->t = NULL;
	(void)loop;
}

static void on_other(struct loop *loop, struct loop_timer *t, void *data)
{
	struct rec *r = data;

	(void)loop;
	(void)t;
	r->other_fired++;
}

START_TEST(free_from_callback)
{
	struct rec r = { 0 };
	struct loop_timer *end;

	r.loop = loop_new();
	/* the newest timer is walked first: "other" after r.t */
	r.other = loop_timer_new(r.loop, on_other, &r);
	r.t = loop_timer_new(r.loop, on_free_both, &r);
	end = loop_timer_new(r.loop, on_quit, NULL);
	loop_timer_arm(r.other, 5, 0);
	loop_timer_arm(r.t, 5, 0);
	loop_timer_arm(end, 60, 0);
	usleep(10 * 1000);	/* both due before the first turn */
	ck_assert_int_eq(loop_run(r.loop), 0);
	ck_assert_int_eq(r.fired, 1);
	ck_assert_int_eq(r.other_fired, 0);
	ck_assert_ptr_null(r.t);
	loop_timer_free(end);
	loop_free(r.loop);
}
END_TEST

/* re-armed as soon as it can be, for as long as the fd is unread */
static void on_eager(struct loop *loop, struct loop_timer *t, void *data)
{
	struct rec *r = data;

	(void)loop;
	r->fired++;
	usleep(2 * 1000);	/* due again by the next turn */
	loop_timer_arm(t, 1, 0);
}

static void on_read(struct loop *loop, int fd, uint32_t events, void *data)
{
	struct rec *r = data;
	char c;

	(void)events;
	if (read(fd, &c, 1) == 1 && ++r->reads == 3)
		loop_quit(loop);
}

START_TEST(eager_timer_leaves_fds_served)
{
	struct rec r = { 0 };
	int sv[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
	ck_assert_int_eq(write(sv[1], "a", 1), 1);
	ck_assert_int_eq(write(sv[1], "b", 1), 1);
	ck_assert_int_eq(write(sv[1], "c", 1), 1);
	r.loop = loop_new();
	r.t = loop_timer_new(r.loop, on_eager, &r);
	loop_timer_arm(r.t, 1, 0);
	usleep(5 * 1000);
	ck_assert_int_eq(loop_add_fd(r.loop, sv[0], EPOLLIN, on_read, &r), 0);
	ck_assert_int_eq(loop_run(r.loop), 0);
	/* one datagram a turn, the timer at most once a turn */
	ck_assert_int_eq(r.reads, 3);
	ck_assert_int_le(r.fired, 3);
	loop_del_fd(r.loop, sv[0]);
	loop_timer_free(r.t);
	loop_free(r.loop);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

/* an fd's callback arms a timer: the loop wakes for it with no event */
static void on_arm(struct loop *loop, int fd, uint32_t events, void *data)
{
	struct rec *r = data;
	char c;

	(void)loop;
	(void)events;
	if (read(fd, &c, 1) == 1)
		loop_timer_arm(r->t, 20, 0);
}

START_TEST(armed_from_fd_wakes_loop)
{
	struct rec r = { .stop_after = 1 };
	uint64_t t0;
	int sv[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
	ck_assert_int_eq(write(sv[1], "a", 1), 1);
	r.loop = loop_new();
	r.t = loop_timer_new(r.loop, on_fire, &r);
	ck_assert_int_eq(loop_add_fd(r.loop, sv[0], EPOLLIN, on_arm, &r), 0);
	t0 = loop_now_ms();
	ck_assert_int_eq(loop_run(r.loop), 0);
	ck_assert_int_eq(r.fired, 1);
	ck_assert_uint_ge(r.at[0] - t0, 20);
	/* a disarmed timer is not waited for: disarm, quit by another */
	loop_timer_arm(r.t, 5, 0);
	loop_timer_arm(r.t, 0, 0);
	r.other = loop_timer_new(r.loop, on_quit, NULL);
	loop_timer_arm(r.other, 15, 0);
	ck_assert_int_eq(loop_run(r.loop), 0);
	ck_assert_int_eq(r.fired, 1);
	loop_del_fd(r.loop, sv[0]);
	loop_timer_free(r.other);
	loop_timer_free(r.t);
	loop_free(r.loop);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

/* timers on one grid: the first tells an fd, the second counts its reads */
struct grid {
	int sv[2];
	int reads, fired, reads_at_second;
	uint64_t at[2];
};

static void on_grid(struct loop *loop, struct loop_timer *t, void *data)
{
	struct grid *g = data;

	(void)t;
	g->at[g->fired] = loop_now_ms();
	if (g->fired++ == 0) {
		ck_assert_int_eq(write(g->sv[1], "g", 1), 1);
		return;
	}
	g->reads_at_second = g->reads;
	loop_quit(loop);
}

static void on_grid_read(struct loop *loop, int fd, uint32_t events,
			 void *data)
{
	struct grid *g = data;
	char c;

	(void)loop;
	(void)events;
	if (read(fd, &c, 1) == 1)
		g->reads++;
}

START_TEST(grid_timers_fall_due_together)
{
	struct grid g = { .reads_at_second = -1 };
	struct loop_timer *a, *b;
	struct loop *loop = loop_new();
	uint64_t ta;
	int tries = 0;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_DGRAM, 0, g.sv), 0);
	ck_assert_int_eq(loop_add_fd(loop, g.sv[0], EPOLLIN, on_grid_read,
				     &g), 0);
	a = loop_timer_new(loop, on_grid, &g);
	b = loop_timer_new(loop, on_grid, &g);
	/* both armed early in one 200-ms period, 10 ms apart */
	while ((loop_now_ms() % 200 < 10 || loop_now_ms() % 200 > 30) &&
	       tries++ < 400)
		usleep(1000);
	ta = loop_now_ms();
	loop_timer_arm_grid(a, 200);
	usleep(10 * 1000);
	loop_timer_arm_grid(b, 200);
	ck_assert_int_eq(loop_run(loop), 0);
	ck_assert_int_eq(g.fired, 2);
	/*
	 * At the grid's next point: never before it, and not a period
	 * later (however late a busy machine wakes the loop, it is
	 * nowhere near 200 ms).
	 */
	ck_assert_uint_ge(g.at[0], ta - ta % 200 + 200);
	ck_assert_uint_lt(g.at[0], ta - ta % 200 + 400);
	/* the same turn: the fd the first wrote was not read in between */
	ck_assert_int_eq(g.reads_at_second, 0);
	loop_del_fd(loop, g.sv[0]);
	loop_timer_free(a);
	loop_timer_free(b);
	loop_free(loop);
	close(g.sv[0]);
	close(g.sv[1]);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("loop");
	TCase *tc = tcase_create("timers");

	tcase_add_test(tc, one_shot_never_early);
	tcase_add_test(tc, periodic_until_disarmed);
	tcase_add_test(tc, free_from_callback);
	tcase_add_test(tc, eager_timer_leaves_fds_served);
	tcase_add_test(tc, armed_from_fd_wakes_loop);
	tcase_add_test(tc, grid_timers_fall_due_together);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
