// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The program an exec sample names when its process is already gone:
 * a name under /proc or /dev/fd is the caller's own file (runc execs
 * /proc/self/exe), never to be resolved in vigild, which would name
 * vigild itself; an ordinary path is resolved.  A pid nothing is known
 * of is named only from a view of /proc its caller vouches for, and a
 * connect before an exec is named after the program before it.
 */
#include "build.h"

#include <check.h>
#include "unit.h"
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include "lib/perftp.h"

#include "sources/progtrack.h"

/* A pid no process has (pid_max is at most 4194304). */
#define GONE ((pid_t)4194000)

START_TEST(gone_magic_names)
{
	struct progtrack *pt = progtrack_new();
	const struct prog *p;
	struct prog tmp;
	char real[PATH_MAX];

	ck_assert_ptr_nonnull(pt);
	progtrack_exec(pt, GONE, 100, "/proc/self/exe", NULL);
	p = progtrack_at(pt, GONE, 200, NULL, &tmp);
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_null(p->exe);
	ck_assert_str_eq(p->comm, "exe");
	progtrack_exec(pt, GONE, 300, "/dev/fd/3", NULL);
	p = progtrack_at(pt, GONE, 400, NULL, &tmp);
	ck_assert_ptr_null(p->exe);
	/* an ordinary name: resolved, as the kernel would have */
	ck_assert_ptr_nonnull(realpath("/bin/sh", real));
	progtrack_exec(pt, GONE, 500, "/bin/sh", NULL);
	p = progtrack_at(pt, GONE, 600, NULL, &tmp);
	ck_assert_ptr_nonnull(p->exe);
	ck_assert_str_eq(p->exe, real);
	progtrack_free(pt);
}
END_TEST

/* A view as sockbatch would hand it over: exe, read at `at`. */
static struct procview view(const char *exe, uint64_t at)
{
	struct procview v = { .exe = (char *)exe, .uid = 1000,
			      .netns = 4026531840u, .at = at };

	return v;
}

START_TEST(unknown_pid_needs_a_view)
{
	struct progtrack *pt = progtrack_new();
	struct procview v = view("/usr/bin/wget", 250);
	const struct prog *p;
	struct prog tmp;

	ck_assert(!progtrack_knows(pt, GONE));
	/* no view: unknown, and nothing is remembered */
	ck_assert_ptr_null(progtrack_at(pt, GONE, 200, NULL, &tmp));
	ck_assert(!progtrack_knows(pt, GONE));
	p = progtrack_at(pt, GONE, 200, &v, &tmp);
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(p->exe, "/usr/bin/wget");
	ck_assert_uint_eq(p->uid, 1000);
	ck_assert(progtrack_knows(pt, GONE));
	/* known now: later samples need no view */
	p = progtrack_at(pt, GONE, 300, NULL, &tmp);
	ck_assert_str_eq(p->exe, "/usr/bin/wget");
	progtrack_free(pt);
}
END_TEST

START_TEST(connect_then_exec)
{
	struct progtrack *pt = progtrack_new();
	struct procview bash = view("/usr/bin/bash", 110);
	struct procview sleep = view("/usr/bin/sleep", 310);
	const struct prog *p;
	struct prog tmp;

	progtrack_exec(pt, GONE, 100, "/bin/bash", &bash);
	progtrack_exec(pt, GONE, 300, "/bin/sleep", &sleep);
	/* connected at 200, exec'd at 300: the program before */
	p = progtrack_at(pt, GONE, 200, NULL, &tmp);
	ck_assert_str_eq(p->exe, "/usr/bin/bash");
	p = progtrack_at(pt, GONE, 400, NULL, &tmp);
	ck_assert_str_eq(p->exe, "/usr/bin/sleep");
	/* an exec older than the one known is ignored */
	progtrack_exec(pt, GONE, 250, "/bin/true", NULL);
	p = progtrack_at(pt, GONE, 400, NULL, &tmp);
	ck_assert_str_eq(p->exe, "/usr/bin/sleep");
	/* a child runs its parent's program until it execs */
	progtrack_fork(pt, GONE, GONE + 1, 500, NULL);
	p = progtrack_at(pt, GONE + 1, 600, NULL, &tmp);
	ck_assert_str_eq(p->exe, "/usr/bin/sleep");
	progtrack_free(pt);
}
END_TEST

START_TEST(views_of_proc)
{
	struct procview v;
	char real[PATH_MAX];

	ck_assert(procview_read(getpid(), &v));
	ck_assert_ptr_nonnull(realpath("/proc/self/exe", real));
	ck_assert_str_eq(v.exe, real);
	ck_assert_uint_eq(v.uid, getuid());
	ck_assert_uint_gt(v.at, 0);
	ck_assert_uint_le(v.at, perftp_now());
	procview_clear(&v);
	ck_assert(!procview_read(GONE, &v));
	ck_assert_ptr_null(v.exe);
	ck_assert_uint_eq(v.at, 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("progtrack");
	TCase *tc = tcase_create("progtrack");

	tcase_add_test(tc, gone_magic_names);
	tcase_add_test(tc, unknown_pid_needs_a_view);
	tcase_add_test(tc, connect_then_exec);
	tcase_add_test(tc, views_of_proc);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
