// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The price of judging ELF files in the sandboxed helper: the same
 * files judged in-process and through elf_judge_run(), CPU and wall
 * time per file, with the verdicts compared.  Usage: judgecost FILE...
 */
#include "build.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sources/elfjudge.h"
#include "lib/fileio.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU of this process and its children (the helper is reaped last). */
static double cpu(int who)
{
	struct rusage ru;

	getrusage(who, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

int main(int argc, char **argv)
{
	struct elf_judge *j = elf_judge_new(NULL, NULL);
	double t0, t1, w0, w1, in_cpu, in_wall, h_cpu, h_wall, c0;
	struct elf_verdict a, b;
	int i, n = 0, differ = 0;
	struct stat st;

	if (!j) {
		perror("elf_judge_new");
		return 1;
	}
	/* Warm the page cache so both passes read the same way. */
	for (i = 1; i < argc; i++) {
		int fd = fileio_open_regular(argv[i], &st);

		if (fd >= 0) {
			elf_analyze_fd(fd, &a);
			close(fd);
		}
	}
	t0 = cpu(RUSAGE_SELF);
	w0 = now();
	for (i = 1; i < argc; i++) {
		int fd = fileio_open_regular(argv[i], &st);

		if (fd < 0)
			continue;
		elf_analyze_fd(fd, &a);
		close(fd);
		n++;
	}
	in_cpu = cpu(RUSAGE_SELF) - t0;
	in_wall = now() - w0;
	t0 = cpu(RUSAGE_SELF);
	w0 = now();
	for (i = 1; i < argc; i++) {
		int fd = fileio_open_regular(argv[i], &st), ra, rb;

		if (fd < 0)
			continue;
		rb = elf_judge_run(j, fd, &b);
		ra = elf_analyze_fd(fd, &a);
		close(fd);
		if (ra != rb || (ra == 0 && memcmp(&a, &b, sizeof(a))))
			differ++;
	}
	w1 = now();
	t1 = cpu(RUSAGE_SELF);
	c0 = cpu(RUSAGE_CHILDREN);
	elf_judge_free(j);	/* reaped: its CPU counts as children's */
	/* The helper pass also ran elf_analyze_fd() here, to compare. */
	h_cpu = (t1 - t0 - in_cpu) + (cpu(RUSAGE_CHILDREN) - c0);
	h_wall = (w1 - w0) - in_wall;
	printf("files judged:             %d\n", n);
	printf("in-process:   %8.1f us CPU, %8.1f us wall per file\n",
	       in_cpu * 1e6 / n, in_wall * 1e6 / n);
	printf("helper:       %8.1f us CPU, %8.1f us wall per file (vigild + helper)\n",
	       h_cpu * 1e6 / n, h_wall * 1e6 / n);
	printf("ratio helper/in-process: CPU %.2f, wall %.2f\n",
	       h_cpu / in_cpu, h_wall / in_wall);
	printf("verdicts that differ: %d\n", differ);
	return differ ? 1 : 0;
}
