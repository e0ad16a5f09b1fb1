// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Socket holders from /proc/PID/fd: found in real processes made here,
 * and the walk goes on past a process whose fds it may not read.
 */
#include "build.h"

#include <check.h>
#include "unit.h"
#include <cap-ng.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sources/procfd.h"

static uint32_t inode_of(int fd)
{
	struct stat st;

	ck_assert_int_eq(fstat(fd, &st), 0);
	return (uint32_t)st.st_ino;
}

/* This process's own socket, by one search and by a batch. */
START_TEST(own_socket_found)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	uint32_t inos[3], ino;
	pid_t pids[3], me = getpid();
	size_t n = 3;

	ck_assert_int_ge(s, 0);
	ino = inode_of(s);
	ck_assert_int_eq(procfd_find_socket(ino, &me, 1), me);
	ck_assert_int_eq(procfd_find_socket(ino, NULL, 0), me);
	/* repeats dropped; an inode no process holds stays 0 */
	inos[0] = ino;
	inos[1] = 1;
	inos[2] = ino;
	ck_assert_int_eq(procfd_resolve(inos, pids, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(procfd_holder(inos, pids, n, ino), me);
	ck_assert_int_eq(procfd_holder(inos, pids, n, 1), 0);
	close(s);
}
END_TEST

/* Without CAP_SYS_PTRACE: 0, or -1 when it cannot be dropped. */
static int drop_ptrace(void)
{
	capng_get_caps_process();
	capng_update(CAPNG_DROP, CAPNG_EFFECTIVE | CAPNG_PERMITTED,
		     CAP_SYS_PTRACE);
	return capng_apply(CAPNG_SELECT_CAPS);
}

/*
 * A child that makes a socket, says its inode and fd on the pipe, and
 * waits to be killed: as uid nobody, or as root without CAP_SYS_PTRACE.
 */
static pid_t holder(int *ready, bool nobody, uint32_t said[2])
{
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int t = socket(AF_INET, SOCK_DGRAM, 0);
		uint32_t out[2] = { t < 0 ? 0 : inode_of(t), (uint32_t)t };

		if (nobody ? setgid(65534) < 0 || setuid(65534) < 0 :
			     drop_ptrace() < 0)
			out[0] = 0;
		if (write(ready[1], out, sizeof(out)) != sizeof(out))
			_exit(1);
		pause();
		_exit(0);
	}
	ck_assert_int_eq(read(ready[0], said, 2 * sizeof(*said)),
			 2 * sizeof(*said));
	ck_assert_uint_ne(said[0], 0);
	return pid;
}

/*
 * A walker without CAP_SYS_PTRACE: the kernel refuses it the fds of a
 * process of another user (EACCES).  The walk leaves that process at
 * the first refusal and still finds the socket of an older one it may
 * read (a root process with no more capabilities than itself).
 * Needs root.
 */
START_TEST(refused_process_passed)
{
	uint32_t mine[2], other[2];
	pid_t pmine, pother, walker;
	int ready[2], st;

	if (geteuid() != 0)
		return;
	ck_assert_int_eq(pipe(ready), 0);
	pmine = holder(ready, false, mine);
	pother = holder(ready, true, other);	/* walked first: newer */
	walker = fork();
	ck_assert_int_ge(walker, 0);
	if (walker == 0) {
		uint32_t inos[2] = { mine[0], other[0] };
		pid_t pids[2];
		size_t n = 2;
		char path[64], link[64];

		if (drop_ptrace() < 0)
			_exit(2);
		snprintf(path, sizeof(path), "/proc/%d/fd/%u", (int)pother,
			 other[1]);
		if (readlink(path, link, sizeof(link)) >= 0 ||
		    errno != EACCES)
			_exit(3);	/* not refused: nothing tested */
		if (procfd_resolve(inos, pids, &n) < 0 || n != 2)
			_exit(4);
		if (procfd_holder(inos, pids, n, mine[0]) != pmine)
			_exit(5);
		if (procfd_holder(inos, pids, n, other[0]) != 0)
			_exit(6);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(walker, &st, 0), walker);
	kill(pother, SIGKILL);
	kill(pmine, SIGKILL);
	waitpid(pother, NULL, 0);
	waitpid(pmine, NULL, 0);
	close(ready[0]);
	close(ready[1]);
	ck_assert(WIFEXITED(st));
	ck_assert_int_eq(WEXITSTATUS(st), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("procfd");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, own_socket_found);
	tcase_add_test(tc, refused_process_passed);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
