// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The sandboxed ELF analyser: the same verdicts as in-process, a real
 * sandbox, and a stalled or killed helper turned into an "unknown"
 * verdict and replaced, never a failure of the caller.
 */
#include "build.h"

#include <check.h>
#include "unit.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sources/elfjudge.h"

static const char *const files[] = {
	"/bin/true", "/bin/sh", "/usr/lib/x86_64-linux-gnu/libc.so.6",
	"/etc/hostname",
};

START_TEST(same_verdicts)
{
	uint64_t crashes = 0, timeouts = 0;
	struct elf_judge *j = elf_judge_new(&crashes, &timeouts);
	struct elf_verdict a, b;
	size_t i;

	ck_assert_ptr_nonnull(j);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		int fd = open(files[i], O_RDONLY), ra, rb, ea, eb;

		if (fd < 0)
			continue;
		ra = elf_analyze_fd(fd, &a);
		ea = errno;
		rb = elf_judge_run(j, fd, &b);
		eb = errno;
		ck_assert_int_eq(ra, rb);
		if (ra == 0)
			ck_assert_int_eq(memcmp(&a, &b, sizeof(a)), 0);
		else
			ck_assert_int_eq(ea, eb);
		close(fd);
	}
	ck_assert_uint_eq(crashes + timeouts, 0);
	elf_judge_free(j);
}
END_TEST

static int status_has(pid_t pid, const char *line)
{
	char path[64], buf[256];
	int found = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	while (fgets(buf, sizeof(buf), f))
		if (!strncmp(buf, line, strlen(line)))
			found = 1;
	fclose(f);
	return found;
}

START_TEST(sandboxed)
{
	struct elf_judge *j = elf_judge_new(NULL, NULL);

	ck_assert_ptr_nonnull(j);
	ck_assert(status_has(elf_judge_pid(j), "Seccomp:\t2"));
	ck_assert(status_has(elf_judge_pid(j), "NoNewPrivs:\t1"));
	ck_assert(status_has(elf_judge_pid(j), "CapEff:\t0000000000000000"));
	if (geteuid() == 0)
		/* effective nobody; real and saved root, so only root signals it */
		ck_assert(status_has(elf_judge_pid(j), "Uid:\t0\t65534\t0\t65534"));
	elf_judge_free(j);
}
END_TEST

START_TEST(stalled_and_killed)
{
	uint64_t crashes = 0, timeouts = 0;
	struct elf_judge *j = elf_judge_new(&crashes, &timeouts);
	struct elf_verdict v;
	pid_t first;
	int fd = open("/bin/true", O_RDONLY);

	ck_assert_ptr_nonnull(j);
	ck_assert_int_ge(fd, 0);
	/* A helper that never answers: timed out, verdict unknown. */
	first = elf_judge_pid(j);
	kill(first, SIGSTOP);
	ck_assert_int_eq(elf_judge_run(j, fd, &v), 0);
	ck_assert_uint_eq(timeouts, 1);
	ck_assert_int_eq(v.dep, ELF_UNKNOWN);
	ck_assert_int_eq(v.stack_cookies, ELF_UNKNOWN);
	ck_assert_ptr_nonnull(strstr(v.dep_reason, "longer than"));
	/* Replaced: the next file is judged again. */
	ck_assert_int_eq(elf_judge_run(j, fd, &v), 0);
	ck_assert_int_eq(v.dep, ELF_YES);
	ck_assert_int_ne(elf_judge_pid(j), first);
	/* A helper that died while idle: replaced, nothing lost. */
	kill(elf_judge_pid(j), SIGKILL);
	usleep(100000);
	ck_assert_int_eq(elf_judge_run(j, fd, &v), 0);
	ck_assert_int_eq(v.dep, ELF_YES);
	close(fd);
	elf_judge_free(j);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("elfjudge");
	TCase *tc = tcase_create("elfjudge");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, same_verdicts);
	tcase_add_test(tc, sandboxed);
	tcase_add_test(tc, stalled_and_killed);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
