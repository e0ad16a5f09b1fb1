/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_TESTS_UNIT_H
#define VIGIL_TESTS_UNIT_H

#include <check.h>
#include <stdlib.h>

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

#endif
