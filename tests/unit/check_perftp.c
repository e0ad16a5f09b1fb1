// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Tracepoint records: a __data_loc string is taken only when it lies
 * whole within its record and ends in its NUL; field offsets are read
 * from the kernel's own format files (where tracefs can be read).
 */
#include "build.h"

#include <check.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include "unit.h"

#include "lib/cgroupid.h"
#include "lib/loop.h"
#include "lib/perftp.h"

/* A record of size bytes whose __data_loc at 8 says (start, len). */
static void put_loc(uint8_t *raw, uint32_t start, uint32_t len)
{
	uint32_t loc = start | len << 16;

	memcpy(raw + 8, &loc, 4);
}

START_TEST(data_loc_bounds)
{
	uint8_t raw[64];
	const char *s;
	size_t len;

	memset(raw, 'x', sizeof(raw));
	memcpy(raw + 16, "/usr/bin/curl", 14);
	put_loc(raw, 16, 14);
	s = perftp_data_loc(raw, sizeof(raw), 8, &len);
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s, "/usr/bin/curl");
	ck_assert_uint_eq(len, 13);
	/* past the record's end, by start or by length */
	put_loc(raw, 60, 14);
	ck_assert_ptr_null(perftp_data_loc(raw, sizeof(raw), 8, &len));
	put_loc(raw, 16, 60);
	ck_assert_ptr_null(perftp_data_loc(raw, sizeof(raw), 8, &len));
	put_loc(raw, 0xffff, 0xffff);
	ck_assert_ptr_null(perftp_data_loc(raw, sizeof(raw), 8, &len));
	/* no NUL where the string should end */
	put_loc(raw, 16, 5);
	ck_assert_ptr_null(perftp_data_loc(raw, sizeof(raw), 8, &len));
	/* empty, and a locator itself outside the record */
	put_loc(raw, 16, 0);
	ck_assert_ptr_null(perftp_data_loc(raw, sizeof(raw), 8, &len));
	ck_assert_ptr_null(perftp_data_loc(raw, 10, 8, &len));
}
END_TEST

/*
 * One read of a format serves every field: the text as this kernel
 * (6.18) writes sock/inet_sock_set_state, left as it was by each
 * lookup, and a name found only as a whole word.
 */
START_TEST(format_read_once)
{
	const char fmt[] =
		"name: inet_sock_set_state\nID: 2287\nformat:\n"
		"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
		"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n"
		"\tfield:const void * skaddr;\toffset:8;\tsize:8;\tsigned:0;\n"
		"\tfield:__u16 sport;\toffset:24;\tsize:2;\tsigned:0;\n"
		"\tfield:__u8 saddr[4];\toffset:32;\tsize:4;\tsigned:0;\n"
		"\tfield:__u8 daddr[4];\toffset:36;\tsize:4;\tsigned:0;\n"
		"\tfield:__u8 saddr_v6[16];\toffset:40;\tsize:16;\tsigned:0;\n"
		"\nprint fmt: \"sport=%hu saddr=%pI4\", REC->sport, REC->saddr\n";
	char copy[sizeof(fmt)];
	size_t size = 0;

	memcpy(copy, fmt, sizeof(fmt));
	ck_assert_int_eq(perftp_format_field(copy, "skaddr", &size), 8);
	ck_assert_uint_eq(size, 8);
	ck_assert_int_eq(perftp_format_field(copy, "saddr_v6", &size), 40);
	ck_assert_uint_eq(size, 16);
	ck_assert_int_eq(perftp_format_field(copy, "saddr", &size), 32);
	ck_assert_uint_eq(size, 4);
	ck_assert_int_eq(perftp_format_field(copy, "sport", &size), 24);
	ck_assert_uint_eq(size, 2);
	ck_assert_int_lt(perftp_format_field(copy, "addr", &size), 0);
	ck_assert_int_lt(perftp_format_field(copy, "REC", &size), 0);
	ck_assert_int_lt(perftp_format_field("", "sport", &size), 0);
	ck_assert_mem_eq(copy, fmt, sizeof(fmt));
}
END_TEST

/* The fields vigild reads, as this kernel lays them out. */
START_TEST(fields_of_this_kernel)
{
	size_t size;
	int off;

	if (!perftp_tracefs())
		return;	/* not root, or no tracefs: nothing to compare */
	off = perftp_field("sock/inet_sock_set_state", "skaddr", &size);
	if (off < 0)
		return;	/* a kernel without the tracepoint */
	ck_assert_int_eq(off, 8);
	ck_assert_uint_eq(size, 8);
	off = perftp_field("sock/inet_sock_set_state", "saddr_v6", &size);
	ck_assert_int_gt(off, 8);
	ck_assert_uint_eq(size, 16);
	/* saddr is not saddr_v6, nor daddr's tail */
	off = perftp_field("sock/inet_sock_set_state", "saddr", &size);
	ck_assert_int_gt(off, 8);
	ck_assert_uint_eq(size, 4);
	ck_assert_int_lt(perftp_field("sock/inet_sock_set_state", "addr",
				      &size), 0);
	ck_assert_int_lt(perftp_field("../../../etc", "passwd", &size), 0);
	off = perftp_field("sched/sched_process_exec", "filename", &size);
	ck_assert_int_ge(off, 8);
	ck_assert_uint_eq(size, 4);
}
END_TEST

struct ring_watch {
	struct perftp *p;
	struct loop *loop;
	unsigned int wakes;
};

/* As sockconn does: the first sample pauses every ring. */
static void on_ring(struct loop *loop, int fd, uint32_t events, void *data)
{
	struct ring_watch *w = data;
	size_t i;

	(void)fd;
	(void)events;
	if (++w->wakes == 2)
		loop_quit(loop);	/* the second: resumed, and done */
	for (i = 0; i < perftp_nfds(w->p); i++)
		ck_assert_int_eq(loop_mod_fd(loop, perftp_fd(w->p, i), 0), 0);
}

static void on_quit(struct loop *loop, struct loop_timer *t, void *data)
{
	(void)t;
	(void)data;
	loop_quit(loop);
}

/* A child that forks n times, a millisecond apart: n samples. */
static pid_t forker(int n)
{
	pid_t pid = fork();
	int i;

	ck_assert_int_ge(pid, 0);
	if (pid)
		return pid;
	for (i = 0; i < n; i++) {
		pid_t c = fork();

		if (c == 0)
			_exit(0);
		if (c > 0)
			waitpid(c, NULL, 0);
		usleep(1000);
	}
	_exit(0);
}

/*
 * A paused ring keeps the loop asleep however many samples it takes:
 * a perf ring's wakeup carries no poll key, so an fd left in the epoll
 * set with an empty mask (EPOLLERR|EPOLLHUP, as epoll keeps) would
 * wake the loop once per sample, and cost a context switch each.
 */
START_TEST(paused_ring_sleeps)
{
	const struct perftp_event ev = { "sched/sched_process_fork", NULL };
	struct ring_watch w = { 0 };
	struct loop_timer *t;
	struct rusage r0, r1;
	pid_t child;
	size_t i;

	if (!perftp_tracefs())
		return;	/* not root, or no tracefs */
	w.p = perftp_open(&ev, 1, 8);
	if (!w.p)
		return;	/* not privileged, or no such tracepoint */
	w.loop = loop_new();
	ck_assert_ptr_nonnull(w.loop);
	for (i = 0; i < perftp_nfds(w.p); i++)
		ck_assert_int_eq(loop_add_fd(w.loop, perftp_fd(w.p, i),
					     EPOLLIN, on_ring, &w), 0);
	t = loop_timer_new(w.loop, on_quit, NULL);
	ck_assert_ptr_nonnull(t);
	child = forker(300);
	loop_timer_arm(t, 400, 0);
	ck_assert_int_eq(getrusage(RUSAGE_THREAD, &r0), 0);
	ck_assert_int_eq(loop_run(w.loop), 0);
	ck_assert_int_eq(getrusage(RUSAGE_THREAD, &r1), 0);
	ck_assert_int_eq(waitpid(child, NULL, 0), child);
	ck_assert_uint_eq(w.wakes, 1);
	/* two sleeps (the first sample, the timer), not one per sample */
	ck_assert_int_lt(r1.ru_nvcsw - r0.ru_nvcsw, 30);
	/*
	 * Resumed, the next sample wakes it.  Not the ones that came while
	 * it was paused: a ring tells of samples by its wakeups only, so
	 * whoever resumes one looks at what it holds (sockconn.c).
	 */
	for (i = 0; i < perftp_nfds(w.p); i++)
		ck_assert_int_eq(loop_mod_fd(w.loop, perftp_fd(w.p, i),
					     EPOLLIN), 0);
	child = forker(20);
	loop_timer_arm(t, 5000, 0);
	ck_assert_int_eq(loop_run(w.loop), 0);
	ck_assert_int_eq(waitpid(child, NULL, 0), child);
	ck_assert_uint_eq(w.wakes, 2);
	loop_timer_free(t);
	loop_free(w.loop);
	perftp_close(w.p);
}
END_TEST

/* This process's cgroup v2 id (its directory's inode); 0: none. */
static uint64_t own_cgroup(void)
{
	const char *mnt = cgroupid_v2_mount();
	char line[PATH_MAX], dir[PATH_MAX + 64];
	struct stat st;
	FILE *f;

	f = fopen("/proc/self/cgroup", "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f) && strncmp(line, "0::", 3))
		;
	fclose(f);
	if (strncmp(line, "0::", 3))
		return 0;
	line[strcspn(line, "\n")] = '\0';
	if (!mnt)
		return 0;
	snprintf(dir, sizeof(dir), "%s%s", mnt, line + 3);
	return stat(dir, &st) == 0 ? (uint64_t)st.st_ino : 0;
}

struct cg_seen {
	pid_t pid;
	uint64_t cgroup;
	unsigned int n;
};

static void on_fork(const struct perftp_sample *s, void *data)
{
	struct cg_seen *c = data;

	if (s->pid == c->pid) {
		c->cgroup = s->cgroup;
		c->n++;
	}
}

/*
 * Each sample carries the cgroup of the task that hit the tracepoint
 * (execroot.c names a gone process's exec through it), after a raw
 * record that is still whole.
 */
START_TEST(samples_carry_the_cgroup)
{
	const struct perftp_event ev = { "sched/sched_process_fork", NULL };
	struct cg_seen c = { 0 };
	uint64_t want = own_cgroup(), lost = 0;
	struct perftp *p;
	size_t i;

	if (!want || !perftp_tracefs())
		return;	/* no cgroup v2, not root, or no tracefs */
	p = perftp_open(&ev, 1, 8);
	if (!p)
		return;	/* not privileged, or no such tracepoint */
	c.pid = forker(3);
	ck_assert_int_eq(waitpid(c.pid, NULL, 0), c.pid);
	for (i = 0; i < perftp_nfds(p); i++)
		perftp_read(p, i, 1000, on_fork, &c, &lost);
	ck_assert_uint_eq(c.n, 3);
	ck_assert_uint_eq(c.cgroup, want);
	perftp_close(p);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("perftp");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, data_loc_bounds);
	tcase_add_test(tc, format_read_once);
	tcase_add_test(tc, fields_of_this_kernel);
	tcase_add_test(tc, paused_ring_sleeps);
	tcase_add_test(tc, samples_carry_the_cgroup);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
