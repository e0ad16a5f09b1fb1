// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A gone process's exec name, resolved in its own root through a live
 * member of its cgroup, against the real kernel: a cgroup named as
 * podman names a container's, with members chroot'ed into a root whose
 * /bin/sh is a link to its own /bin/prog (the host's /bin/sh is dash).
 * The name is found there while a member lives, through another when
 * one dies, refused once none is left; a cgroup that is no container's
 * falls back to vigild's root.  Needs root and a cgroup v2 hierarchy
 * (the hybrid layout's unified one will do): else skipped (77).
 */
#include "build.h"

#include <check.h>
#include "unit.h"
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/cgroupid.h"
#include "sources/execroot.h"

#define HEX64 "0123456789abcdef0123456789abcdef" \
	      "0123456789abcdef0123456789abcdef"

static char top[256], ctr[512], plain[512];
static char root[] = "/tmp/check_execroot.XXXXXX";
static char prog[PATH_MAX];
static pid_t members[2];

static uint64_t cgid(const char *dir)
{
	struct stat st;

	return stat(dir, &st) == 0 ? (uint64_t)st.st_ino : 0;
}

static void join(const char *dir, pid_t pid)
{
	char path[600];
	FILE *f;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	f = fopen(path, "w");
	if (!f || fprintf(f, "%d\n", (int)pid) < 0 || fclose(f) != 0)
		abort();
}

/* A process chroot'ed into root, in cgroup dir, until killed. */
static pid_t member(const char *dir)
{
	pid_t pid = unit_chrooted_child(root);

	if (pid < 0)
		abort();
	join(dir, pid);
	return pid;
}

/*
 * Kill a member and wait until it is gone: reaped by its parent (the
 * fixture's process), or, from a test's own process, without a root.
 */
static void stop(pid_t pid)
{
	char path[64];
	struct stat st;
	int i;

	if (pid <= 0)
		return;
	kill(pid, SIGKILL);
	if (waitpid(pid, NULL, 0) == pid)
		return;
	snprintf(path, sizeof(path), "/proc/%d/root/", (int)pid);
	for (i = 0; i < 500 && stat(path, &st) == 0; i++)
		usleep(10000);
}

static void setup(void)
{
	const char *cg = cgroupid_v2_mount();
	char path[PATH_MAX];
	FILE *f;

	if (!mkdtemp(root))
		abort();
	snprintf(path, sizeof(path), "%s/bin", root);
	mkdir(path, 0755);
	snprintf(prog, sizeof(prog), "%s/bin/prog", root);
	f = fopen(prog, "w");
	if (!f)
		abort();
	fclose(f);
	snprintf(path, sizeof(path), "%s/bin/sh", root);
	if (symlink("/bin/prog", path) < 0)	/* inside root */
		abort();
	snprintf(top, sizeof(top), "%s/vigil-check-%d", cg, (int)getpid());
	snprintf(ctr, sizeof(ctr), "%s/libpod-%s", top, HEX64);
	snprintf(plain, sizeof(plain), "%s/plain", top);
	if (mkdir(top, 0755) < 0 || mkdir(ctr, 0755) < 0 ||
	    mkdir(plain, 0755) < 0)
		abort();
	members[0] = member(ctr);
	members[1] = member(ctr);
}

static void teardown(void)
{
	char path[PATH_MAX];

	stop(members[0]);
	stop(members[1]);
	rmdir(ctr);
	rmdir(plain);
	rmdir(top);
	unlink(prog);
	snprintf(path, sizeof(path), "%s/bin/sh", root);
	unlink(path);
	snprintf(path, sizeof(path), "%s/bin", root);
	rmdir(path);
	rmdir(root);
}

START_TEST(names_in_the_members_root)
{
	struct execroot *x = execroot_new();
	enum execroot_how how;
	char *name, *host = realpath("/bin/sh", NULL);
	uint64_t id = cgid(ctr);

	ck_assert_ptr_nonnull(x);
	ck_assert_ptr_nonnull(host);
	ck_assert_str_ne(host, prog);
	/* in the container's root, not the host's dash */
	name = execroot_name(x, id, "/bin/sh", &how);
	ck_assert_ptr_nonnull(name);
	ck_assert_str_eq(name, prog);
	ck_assert_int_eq(how, EXECROOT_MEMBER);
	free(name);
	/* no such file there: none, however the host has it */
	errno = 0;
	ck_assert_ptr_null(execroot_name(x, id, "/bin/dash", &how));
	ck_assert_int_eq(how, EXECROOT_NONE);
	/* the member it holds dies: another is taken at once */
	stop(members[0]);
	members[0] = 0;
	name = execroot_name(x, id, "/bin/sh", &how);
	ck_assert_ptr_nonnull(name);
	ck_assert_str_eq(name, prog);
	ck_assert_int_eq(how, EXECROOT_MEMBER);
	free(name);
	/* none left: refused, never the host's */
	stop(members[1]);
	members[1] = 0;
	errno = 0;
	ck_assert_ptr_null(execroot_name(x, id, "/bin/sh", &how));
	ck_assert_int_eq(how, EXECROOT_REFUSED);
	ck_assert_int_eq(errno, ESRCH);
	/* a cgroup that is no container's, empty: vigild's root */
	name = execroot_name(x, cgid(plain), "/bin/sh", &how);
	ck_assert_ptr_nonnull(name);
	ck_assert_str_eq(name, host);
	ck_assert_int_eq(how, EXECROOT_OWN);
	free(name);
	/* no cgroup id from the kernel: vigild's root, as before */
	name = execroot_name(x, 0, "/bin/sh", &how);
	ck_assert_ptr_nonnull(name);
	ck_assert_str_eq(name, host);
	ck_assert_int_eq(how, EXECROOT_OWN);
	free(name);
	free(host);
	execroot_free(x);
}
END_TEST

START_TEST(names_that_mean_nothing_here)
{
	static const char *const names[] = {
		"/proc/self/exe", "/dev/fd/3", "bin/sh", "",
	};
	struct execroot *x = execroot_new();
	enum execroot_how how;
	size_t i;

	ck_assert_ptr_nonnull(x);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		errno = 0;
		ck_assert_ptr_null(execroot_name(x, cgid(ctr), names[i],
						 &how));
		ck_assert_int_eq(errno, EINVAL);
		ck_assert_int_eq(how, EXECROOT_NONE);
	}
	/* a cgroup removed since: what it was cannot be told */
	ck_assert_ptr_null(execroot_name(x, (uint64_t)1 << 62, "/bin/sh",
					 &how));
	ck_assert_int_eq(how, EXECROOT_REFUSED);
	execroot_free(x);
}
END_TEST

int main(void)
{
	Suite *s;
	TCase *tc;

	if (geteuid() != 0 || !cgroupid_v2_mount()) {
		printf("check_execroot: needs root and a cgroup v2 hierarchy\n");
		return 77;
	}
	s = suite_create("execroot");
	tc = tcase_create("execroot");
	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_add_test(tc, names_that_mean_nothing_here);
	tcase_add_test(tc, names_in_the_members_root);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
