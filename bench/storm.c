// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench helper: run PROGRAM COUNT times as fast as possible from WORKERS
 * processes, each run waited for.  Prints the execs done and seconds.
 *   storm COUNT WORKERS PROGRAM
 */
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv)
{
	struct timespec a, b;
	long count, workers, w, i, done = 0;

	if (argc != 4)
		return 2;
	count = atol(argv[1]);
	workers = atol(argv[2]);
	if (count <= 0 || workers <= 0 || workers > 64)
		return 2;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (w = 0; w < workers; w++) {
		if (fork() == 0) {
			char *args[] = { argv[3], NULL };
			long n = count / workers + (w < count % workers);

			for (i = 0; i < n; i++) {
				pid_t pid;
				int st;

				if (posix_spawn(&pid, argv[3], NULL, NULL, args,
						environ) == 0)
					waitpid(pid, &st, 0);
			}
			_exit(0);
		}
	}
	while (wait(NULL) > 0)
		done++;
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("%ld %.3f\n", count,
	       (double)(b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9);
	return done == workers ? 0 : 1;
}
