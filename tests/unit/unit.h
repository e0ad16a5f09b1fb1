/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_TESTS_UNIT_H
#define VIGIL_TESTS_UNIT_H

#include <check.h>
#include <stdlib.h>
#include <unistd.h>

/* Run a suite; the exit status the test harness expects. */
static inline int unit_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/*
 * A child chroot'ed into root (a container's files, as a test makes
 * them), paused until killed: its pid once it is in root, or -1.
 * Needs root.
 */
static inline pid_t unit_chrooted_child(const char *root)
{
	int p[2];
	pid_t pid;
	char c;

	if (pipe(p) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		if (chroot(root) < 0 || chdir("/") < 0 ||
		    write(p[1], "x", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(p[1]);
	if (pid > 0 && read(p[0], &c, 1) != 1)
		pid = -1;	/* it could not get there */
	close(p[0]);
	return pid;
}

#endif
