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
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <stdlib.h>
#include <unistd.h>

#include "lib/perftp.h"

#include "sources/progtrack.h"

/* A pid no process has (pid_max is at most 4194304). */
#define GONE ((pid_t)4194000)

/* A namer as sockconn's: what it was asked, and whether it answers. */
struct namer {
	unsigned int calls;
	uint64_t cgid;
	bool answer;
};

static char *namer(void *data, uint64_t cgid, const char *filename)
{
	struct namer *n = data;

	n->calls++;
	n->cgid = cgid;
	if (!n->answer || filename[0] != '/' ||
	    !strncmp(filename, "/proc/", 6) || !strncmp(filename, "/dev/", 5))
		return NULL;
	return realpath(filename, NULL);
}

START_TEST(gone_magic_names)
{
	struct namer nm = { 0 };
	struct progtrack *pt = progtrack_new(namer, &nm);
	const struct prog *p;
	struct prog tmp;
	char real[PATH_MAX];

	ck_assert_ptr_nonnull(pt);
	progtrack_exec(pt, GONE, 100, "/proc/self/exe", NULL, 0);
	p = progtrack_at(pt, GONE, 200, NULL, &tmp);
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_null(p->exe);
	ck_assert_str_eq(p->comm, "exe");
	progtrack_exec(pt, GONE, 300, "/dev/fd/3", NULL, 0);
	p = progtrack_at(pt, GONE, 400, NULL, &tmp);
	ck_assert_ptr_null(p->exe);
	/* an ordinary name the namer cannot resolve: not known */
	progtrack_exec(pt, GONE, 450, "/bin/sh", NULL, 0);
	p = progtrack_at(pt, GONE, 460, NULL, &tmp);
	ck_assert_ptr_null(p->exe);
	/* ...resolved in its root (cgroup 77): that name */
	ck_assert_ptr_nonnull(realpath("/bin/sh", real));
	nm.answer = true;
	progtrack_exec(pt, GONE, 500, "/bin/sh", NULL, 77);
	p = progtrack_at(pt, GONE, 600, NULL, &tmp);
	ck_assert_ptr_nonnull(p->exe);
	ck_assert_str_eq(p->exe, real);
	ck_assert_uint_eq(nm.cgid, 77);
	/*
	 * /proc/self/exe once the program is known: the same file again
	 * (a busybox applet run by busybox, gone before it was read).
	 */
	progtrack_exec(pt, GONE, 700, "/proc/self/exe", NULL, 0);
	p = progtrack_at(pt, GONE, 800, NULL, &tmp);
	ck_assert_ptr_nonnull(p->exe);
	ck_assert_str_eq(p->exe, real);
	ck_assert_str_eq(p->comm, "exe");
	/* what it ran before the exec is still told for a connect before */
	p = progtrack_at(pt, GONE, 650, NULL, &tmp);
	ck_assert_ptr_nonnull(p->exe);
	ck_assert_str_eq(p->exe, real);
	progtrack_free(pt);
}
END_TEST

/*
 * A gone process is named only when its program is asked for, and
 * once: an exec storm of processes that never connect costs no name.
 * The program before a second exec, or a child's, is named then.
 */
START_TEST(named_when_asked)
{
	struct namer nm = { .answer = true };
	struct progtrack *pt = progtrack_new(namer, &nm);
	const struct prog *p;
	struct prog tmp;
	char real[PATH_MAX];
	int i;

	ck_assert_ptr_nonnull(realpath("/bin/sh", real));
	for (i = 0; i < 1000; i++)
		progtrack_exec(pt, GONE - i, 100, "/bin/sh", NULL, 5);
	ck_assert_uint_eq(nm.calls, 0);
	p = progtrack_at(pt, GONE, 200, NULL, &tmp);
	ck_assert_str_eq(p->exe, real);
	p = progtrack_at(pt, GONE, 300, NULL, &tmp);
	ck_assert_str_eq(p->exe, real);
	ck_assert_uint_eq(nm.calls, 1);
	/* re-exec: the program before is named, for a connect before */
	progtrack_exec(pt, GONE - 1, 400, "/no/such/file", NULL, 5);
	ck_assert_uint_eq(nm.calls, 2);
	p = progtrack_at(pt, GONE - 1, 300, NULL, &tmp);
	ck_assert_str_eq(p->exe, real);
	p = progtrack_at(pt, GONE - 1, 500, NULL, &tmp);
	ck_assert_ptr_null(p->exe);
	/* a fork: the child runs the parent's program, named now */
	progtrack_fork(pt, GONE - 2, GONE - 2000, 600, NULL);
	ck_assert_uint_eq(nm.calls, 4);
	p = progtrack_at(pt, GONE - 2000, 700, NULL, &tmp);
	ck_assert_str_eq(p->exe, real);
	/* without a namer: unknown, never a guess */
	progtrack_free(pt);
	pt = progtrack_new(NULL, NULL);
	progtrack_exec(pt, GONE, 100, "/bin/sh", NULL, 5);
	p = progtrack_at(pt, GONE, 200, NULL, &tmp);
	ck_assert_ptr_null(p->exe);
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
	struct progtrack *pt = progtrack_new(NULL, NULL);
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
	struct progtrack *pt = progtrack_new(NULL, NULL);
	struct procview bash = view("/usr/bin/bash", 110);
	struct procview sleep = view("/usr/bin/sleep", 310);
	const struct prog *p;
	struct prog tmp;

	progtrack_exec(pt, GONE, 100, "/bin/bash", &bash, 0);
	progtrack_exec(pt, GONE, 300, "/bin/sleep", &sleep, 0);
	/* connected at 200, exec'd at 300: the program before */
	p = progtrack_at(pt, GONE, 200, NULL, &tmp);
	ck_assert_str_eq(p->exe, "/usr/bin/bash");
	p = progtrack_at(pt, GONE, 400, NULL, &tmp);
	ck_assert_str_eq(p->exe, "/usr/bin/sleep");
	/* an exec older than the one known is ignored */
	progtrack_exec(pt, GONE, 250, "/bin/true", NULL, 0);
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

/* A child that execs path (argv0 as given) and waits; its pid. */
static pid_t run_waiting(const char *path, int *release)
{
	int p[2];
	pid_t pid;

	ck_assert_int_eq(pipe(p), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(p[1]);
		dup2(p[0], 0);
		/* sleep 1000: until the test kills it */
		execl(path, path, "1000", (char *)NULL);
		_exit(127);
	}
	close(p[0]);
	*release = p[1];
	return pid;
}

static void stop(pid_t pid, int release)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	close(release);
}

/* The view must be the exec's own program, not that of a later exec. */
START_TEST(view_of_a_later_exec_refused)
{
	char dir[] = "/tmp/vigil-pt-XXXXXX", link[64], script[64];
	struct procview v;
	FILE *f;
	int fd, tries;
	pid_t pid;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(link, sizeof(link), "%s/nap", dir);
	ck_assert_int_eq(symlink("/usr/bin/sleep", link), 0);
	pid = run_waiting("/usr/bin/sleep", &fd);
	/* until the child has exec'd */
	for (tries = 0; tries < 200; tries++) {
		ck_assert(procview_read(pid, &v));
		if (!strcmp(v.exe, "/usr/bin/sleep"))
			break;
		procview_clear(&v);
		usleep(10000);
	}
	ck_assert_str_eq(v.exe, "/usr/bin/sleep");
	/* its own exec: the same name, or a link to the same file */
	ck_assert(procview_is_exec_of(pid, "/bin/sleep", &v));
	ck_assert(procview_is_exec_of(pid, link, &v));
	/* bash connected, then exec'd sleep: a view of sleep is not bash */
	ck_assert(!procview_is_exec_of(pid, "/bin/bash", &v));
	ck_assert(!procview_is_exec_of(pid, "/usr/bin/bash", &v));
	/* what cannot be told leaves the view alone */
	ck_assert(procview_is_exec_of(pid, "bash", &v));
	ck_assert(procview_is_exec_of(pid, "/proc/self/exe", &v));
	ck_assert(procview_is_exec_of(pid, "/dev/fd/3", &v));
	ck_assert(procview_is_exec_of(pid, "/no/such/file", &v));
	/* a script runs its interpreter: sleep's view is not a sh script's */
	snprintf(script, sizeof(script), "%s/run", dir);
	f = fopen(script, "w");
	ck_assert_ptr_nonnull(f);
	fputs("#!/bin/sh\nsleep 1000\n", f);
	fclose(f);
	ck_assert_int_eq(chmod(script, 0755), 0);
	ck_assert(!procview_is_exec_of(pid, script, &v));
	/* ...and a script of sleep itself (the kernel would run sleep) is */
	f = fopen(script, "w");
	fputs("#! /usr/bin/sleep -x\n", f);
	fclose(f);
	ck_assert(procview_is_exec_of(pid, script, &v));
	/* env finds the interpreter on a PATH: cannot tell */
	f = fopen(script, "w");
	fputs("#!/usr/bin/env python3\n", f);
	fclose(f);
	ck_assert(procview_is_exec_of(pid, script, &v));
	/* a FIFO at the name is not read, nor waited on */
	unlink(script);
	ck_assert_int_eq(mkfifo(script, 0600), 0);
	ck_assert(!procview_is_exec_of(pid, script, &v));
	stop(pid, fd);
	ck_assert(procview_is_exec_of(pid, "/bin/bash", &v));
	procview_clear(&v);
	unlink(script);
	unlink(link);
	rmdir(dir);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("progtrack");
	TCase *tc = tcase_create("progtrack");

	tcase_add_test(tc, gone_magic_names);
	tcase_add_test(tc, named_when_asked);
	tcase_add_test(tc, unknown_pid_needs_a_view);
	tcase_add_test(tc, connect_then_exec);
	tcase_add_test(tc, views_of_proc);
	tcase_add_test(tc, view_of_a_later_exec_refused);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
