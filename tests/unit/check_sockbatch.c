// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The order in which tracepoint samples are handled, and when a view
 * of /proc may name a program: /proc is read after the sample, so an
 * exec of the pid between the two makes the view another program's
 * (bash connects, then execs sleep: read late, /proc says sleep).
 * Samples come from several rings out of order, and a sample is
 * handed out only once every sample up to its view's moment is in.
 */
#include "build.h"

#include <check.h>
#include "unit.h"
#include <stdlib.h>
#include <string.h>

#include "sources/sockbatch.h"

static struct sample *add(struct sockbatch *b, enum sample_kind kind,
			  pid_t pid, uint64_t time, const char *exe,
			  uint64_t at)
{
	struct sample *s = sockbatch_next(b);

	ck_assert_ptr_nonnull(s);
	s->kind = (uint8_t)kind;
	s->pid = pid;
	s->time = time;
	if (exe) {
		s->pv.exe = strdup(exe);
		s->pv.at = at;
	}
	sockbatch_push(b);
	return s;
}

START_TEST(exec_after_the_sample_spoils_its_view)
{
	struct sockbatch b;

	ck_assert_int_eq(sockbatch_init(&b), 0);
	/* read from two rings: the exec's ring first */
	add(&b, SAMPLE_EXEC, 10, 150, "/usr/bin/sleep", 210);
	add(&b, SAMPLE_SOCK, 10, 110, "/usr/bin/sleep", 200);
	add(&b, SAMPLE_SOCK, 11, 120, "/usr/bin/curl", 205);
	sockbatch_order(&b);
	ck_assert_uint_eq(b.s[0].time, 110);
	ck_assert_uint_eq(b.s[1].time, 120);
	ck_assert_uint_eq(b.s[2].time, 150);
	/* pid 10 exec'd at 150, before its view at 200: not its program */
	ck_assert_ptr_null(sockbatch_view(&b.s[0]));
	/* another pid's exec spoils nothing */
	ck_assert_ptr_nonnull(sockbatch_view(&b.s[1]));
	ck_assert_str_eq(sockbatch_view(&b.s[1])->exe, "/usr/bin/curl");
	/* the exec's own view holds: no later exec of pid 10 */
	ck_assert_ptr_nonnull(sockbatch_view(&b.s[2]));
	sockbatch_fini(&b);
}
END_TEST

START_TEST(exec_after_the_view_spoils_nothing)
{
	struct sockbatch b;

	ck_assert_int_eq(sockbatch_init(&b), 0);
	add(&b, SAMPLE_SOCK, 10, 110, "/usr/bin/bash", 200);
	add(&b, SAMPLE_EXEC, 10, 300, "/usr/bin/sleep", 310);
	sockbatch_order(&b);
	ck_assert_ptr_nonnull(sockbatch_view(&b.s[0]));
	ck_assert_str_eq(sockbatch_view(&b.s[0])->exe, "/usr/bin/bash");
	sockbatch_fini(&b);
}
END_TEST

START_TEST(nothing_settles_before_its_view)
{
	struct sockbatch b;

	ck_assert_int_eq(sockbatch_init(&b), 0);
	add(&b, SAMPLE_FORK, 7, 100, NULL, 0);
	add(&b, SAMPLE_SOCK, 10, 110, "/usr/bin/bash", 200);
	add(&b, SAMPLE_SOCK, 12, 130, NULL, 0);
	sockbatch_order(&b);
	/* the rings were read up to 150 only: the view at 200 waits */
	ck_assert_uint_eq(sockbatch_settled(&b, 150), 1);
	ck_assert_uint_eq(sockbatch_settled(&b, 99), 0);
	ck_assert_uint_eq(sockbatch_settled(&b, 200), 3);
	/* what is not handled stays for the next round, in order */
	sockbatch_drop(&b, 1);
	ck_assert_uint_eq(b.n, 2);
	ck_assert_uint_eq(b.kept, 2);
	ck_assert_uint_eq(b.s[0].time, 110);
	ck_assert_str_eq(b.s[0].pv.exe, "/usr/bin/bash");
	/* an exec read in the next round still spoils the kept view */
	add(&b, SAMPLE_EXEC, 10, 160, "/usr/bin/sleep", 260);
	sockbatch_order(&b);
	ck_assert_uint_eq(b.s[0].time, 110);
	ck_assert_ptr_null(sockbatch_view(&b.s[0]));
	sockbatch_fini(&b);
}
END_TEST

START_TEST(a_full_batch_takes_no_more)
{
	struct sockbatch b;
	size_t i;

	ck_assert_int_eq(sockbatch_init(&b), 0);
	for (i = 0; i < SOCKBATCH_MAX; i++)
		add(&b, SAMPLE_SOCK, (pid_t)(i % 50 + 1), 1000 - i, NULL, 0);
	ck_assert_ptr_null(sockbatch_next(&b));
	sockbatch_order(&b);
	for (i = 1; i < SOCKBATCH_MAX; i++)
		ck_assert_uint_le(b.s[i - 1].time, b.s[i].time);
	ck_assert_ptr_null(sockbatch_view(&b.s[0]));
	sockbatch_drop(&b, SOCKBATCH_MAX);
	ck_assert_uint_eq(b.n, 0);
	ck_assert_ptr_nonnull(sockbatch_next(&b));
	sockbatch_fini(&b);
}
END_TEST

/* an exec whose view is not read yet holds back what follows it */
START_TEST(a_due_view_holds_what_follows)
{
	struct sockbatch b;
	struct sample *e;

	ck_assert_int_eq(sockbatch_init(&b), 0);
	add(&b, SAMPLE_FORK, 7, 100, NULL, 0);
	e = add(&b, SAMPLE_EXEC, 8, 120, NULL, 0);
	e->view_due = true;
	add(&b, SAMPLE_SOCK, 9, 130, NULL, 0);
	sockbatch_order(&b);
	/* every sample is in, but the exec's view is not read yet */
	ck_assert_uint_eq(sockbatch_settled(&b, 500), 1);
	sockbatch_drop(&b, 1);
	ck_assert(b.s[0].view_due);
	/* read at 510 (or found gone): settled once the rings were too */
	b.s[0].view_due = false;
	b.s[0].pv.at = 510;
	sockbatch_order(&b);
	ck_assert_uint_eq(sockbatch_settled(&b, 500), 0);
	ck_assert_uint_eq(sockbatch_settled(&b, 600), 2);
	/* gone: no view to wait for, settled at once */
	e = add(&b, SAMPLE_EXEC, 10, 140, NULL, 0);
	e->pv.gone = true;
	sockbatch_order(&b);
	ck_assert_uint_eq(sockbatch_settled(&b, 600), 3);
	sockbatch_fini(&b);
}
END_TEST

/* a process's end, read in the round: its exec needs no view */
START_TEST(ends_of_the_round_spare_views)
{
	struct sockbatch b;
	pid_t p;

	ck_assert_int_eq(sockbatch_init(&b), 0);
	sockbatch_exit(&b, 20, 300);
	/* exec'd at 250, ended at 300: gone */
	ck_assert(sockbatch_ended(&b, 20, 250));
	/* an end before the exec was an earlier process with the pid */
	ck_assert(!sockbatch_ended(&b, 20, 310));
	ck_assert(!sockbatch_ended(&b, 21, 250));
	/* the pid ends again later in the round: the later end counts */
	sockbatch_exit(&b, 20, 400);
	ck_assert(sockbatch_ended(&b, 20, 310));
	/* the next round knows nothing of this one's ends */
	sockbatch_exits_clear(&b);
	ck_assert(!sockbatch_ended(&b, 20, 250));
	/* more than a round can hold: the rest are not noted, none lost */
	for (p = 1; p <= SOCKBATCH_MAX + 10; p++)
		sockbatch_exit(&b, p, 1000);
	ck_assert(sockbatch_ended(&b, 1, 900));
	ck_assert(sockbatch_ended(&b, SOCKBATCH_MAX, 900));
	ck_assert(!sockbatch_ended(&b, SOCKBATCH_MAX + 1, 900));
	sockbatch_exits_clear(&b);
	sockbatch_exit(&b, 7, 50);
	ck_assert(sockbatch_ended(&b, 7, 10));
	sockbatch_fini(&b);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("sockbatch");
	TCase *tc = tcase_create("sockbatch");

	tcase_add_test(tc, exec_after_the_sample_spoils_its_view);
	tcase_add_test(tc, exec_after_the_view_spoils_nothing);
	tcase_add_test(tc, nothing_settles_before_its_view);
	tcase_add_test(tc, a_full_batch_takes_no_more);
	tcase_add_test(tc, ends_of_the_round_spare_views);
	tcase_add_test(tc, a_due_view_holds_what_follows);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
