// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The program an exec sample names when its process is already gone:
 * a name under /proc or /dev/fd is the caller's own file (runc execs
 * /proc/self/exe), never to be resolved in vigild, which would name
 * vigild itself; an ordinary path is resolved.
 */
#include "build.h"

#include <check.h>
#include "unit.h"
#include <limits.h>
#include <stdlib.h>

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
	progtrack_exec(pt, GONE, 100, "/proc/self/exe", false);
	p = progtrack_at(pt, GONE, 200, false, &tmp);
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_null(p->exe);
	ck_assert_str_eq(p->comm, "exe");
	progtrack_exec(pt, GONE, 300, "/dev/fd/3", false);
	p = progtrack_at(pt, GONE, 400, false, &tmp);
	ck_assert_ptr_null(p->exe);
	/* an ordinary name: resolved, as the kernel would have */
	ck_assert_ptr_nonnull(realpath("/bin/sh", real));
	progtrack_exec(pt, GONE, 500, "/bin/sh", false);
	p = progtrack_at(pt, GONE, 600, false, &tmp);
	ck_assert_ptr_nonnull(p->exe);
	ck_assert_str_eq(p->exe, real);
	progtrack_free(pt);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("progtrack");
	TCase *tc = tcase_create("progtrack");

	tcase_add_test(tc, gone_magic_names);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
