// SPDX-License-Identifier: GPL-2.0-or-later
#include "build.h"

#include <check.h>
#include "unit.h"

#include "sources/flowset.h"

START_TEST(add_del)
{
	struct flowset *fs = flowset_new();

	ck_assert_ptr_nonnull(fs);
	ck_assert(flowset_add(fs, 7));
	ck_assert(!flowset_add(fs, 7));
	ck_assert(flowset_add(fs, 0));	/* 0 is an id like any other */
	ck_assert_uint_eq(flowset_count(fs), 2);
	flowset_del(fs, 7);
	flowset_del(fs, 7);		/* twice: harmless */
	flowset_del(fs, 12345);		/* unknown: harmless */
	ck_assert_uint_eq(flowset_count(fs), 1);
	ck_assert(flowset_add(fs, 7));
	flowset_free(fs);
}
END_TEST

START_TEST(many)
{
	struct flowset *fs = flowset_new();
	uint32_t i;

	/* sequential ids, and churn that leaves tombstones behind */
	for (i = 0; i < 200000; i++)
		ck_assert(flowset_add(fs, i * 4));
	ck_assert_uint_eq(flowset_count(fs), 200000);
	for (i = 0; i < 200000; i += 2)
		flowset_del(fs, i * 4);
	for (i = 0; i < 200000; i++)
		ck_assert(flowset_add(fs, i * 4) == (i % 2 == 0));
	for (i = 0; i < 1000000; i++) {
		ck_assert(flowset_add(fs, 0x80000000u + i));
		flowset_del(fs, 0x80000000u + i);
	}
	ck_assert_uint_eq(flowset_count(fs), 200000);
	flowset_free(fs);
}
END_TEST

START_TEST(resync)
{
	struct flowset *fs = flowset_new();

	flowset_add(fs, 1);
	flowset_add(fs, 2);
	flowset_add(fs, 3);
	/* the dump holds 2, 3 and 4: 1's DESTROY was lost, 4's NEW too */
	flowset_begin(fs);
	ck_assert(!flowset_mark(fs, 2));
	ck_assert(!flowset_mark(fs, 3));
	ck_assert(flowset_mark(fs, 4));
	ck_assert_uint_eq(flowset_sweep(fs), 1);
	ck_assert_uint_eq(flowset_count(fs), 3);
	ck_assert(flowset_add(fs, 1));
	ck_assert(!flowset_add(fs, 4));
	/* a flow added after a resync survives only if the next dump has it */
	flowset_begin(fs);
	ck_assert(!flowset_mark(fs, 4));
	ck_assert_uint_eq(flowset_sweep(fs), 3);
	ck_assert_uint_eq(flowset_count(fs), 1);
	flowset_free(fs);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("flowset");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, add_del);
	tcase_add_test(tc, many);
	tcase_add_test(tc, resync);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
