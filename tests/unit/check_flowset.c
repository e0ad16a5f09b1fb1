// SPDX-License-Identifier: GPL-2.0-or-later
#include "build.h"

#include <check.h>
#include <stdbool.h>
#include <string.h>
#include "unit.h"

#include "sources/flowset.h"

/* A flow by id alone (the same tuple for all). */
static struct flow_key K(uint32_t id)
{
	return (struct flow_key){ .id = id, .tuple = 0x5eed };
}

START_TEST(add_del)
{
	struct flowset *fs = flowset_new();

	ck_assert_ptr_nonnull(fs);
	ck_assert(flowset_add(fs, K(7)));
	ck_assert(!flowset_add(fs, K(7)));
	ck_assert(flowset_add(fs, K(0)));	/* 0 is an id like any other */
	ck_assert_uint_eq(flowset_count(fs), 2);
	flowset_del(fs, K(7));
	flowset_del(fs, K(7));		/* twice: harmless */
	flowset_del(fs, K(12345));		/* unknown: harmless */
	ck_assert_uint_eq(flowset_count(fs), 1);
	ck_assert(flowset_add(fs, K(7)));
	flowset_free(fs);
}
END_TEST

START_TEST(many)
{
	struct flowset *fs = flowset_new();
	uint32_t i;

	/* sequential ids, and churn that leaves tombstones behind */
	for (i = 0; i < 200000; i++)
		ck_assert(flowset_add(fs, K(i * 4)));
	ck_assert_uint_eq(flowset_count(fs), 200000);
	for (i = 0; i < 200000; i += 2)
		flowset_del(fs, K(i * 4));
	for (i = 0; i < 200000; i++)
		ck_assert(flowset_add(fs, K(i * 4)) == (i % 2 == 0));
	for (i = 0; i < 1000000; i++) {
		ck_assert(flowset_add(fs, K(0x80000000u + i)));
		flowset_del(fs, K(0x80000000u + i));
	}
	ck_assert_uint_eq(flowset_count(fs), 200000);
	flowset_free(fs);
}
END_TEST

START_TEST(resync)
{
	struct flowset *fs = flowset_new();

	flowset_add(fs, K(1));
	flowset_add(fs, K(2));
	flowset_add(fs, K(3));
	/* the dump holds 2, 3 and 4: 1's DESTROY was lost, 4's NEW too */
	flowset_begin(fs);
	ck_assert(!flowset_mark(fs, K(2)));
	ck_assert(!flowset_mark(fs, K(3)));
	ck_assert(flowset_mark(fs, K(4)));
	ck_assert_uint_eq(flowset_sweep(fs), 1);
	ck_assert_uint_eq(flowset_count(fs), 3);
	ck_assert(flowset_add(fs, K(1)));
	ck_assert(!flowset_add(fs, K(4)));
	/* a flow added after a resync survives only if the next dump has it */
	flowset_begin(fs);
	ck_assert(!flowset_mark(fs, K(4)));
	ck_assert_uint_eq(flowset_sweep(fs), 3);
	ck_assert_uint_eq(flowset_count(fs), 1);
	flowset_free(fs);
}
END_TEST

/*
 * Two live flows the kernel gave the same 32-bit id (seen on a busy
 * host): both are published, and the end of one does not forget the
 * other.  The tuple hash tells them apart.
 */
START_TEST(same_id_two_flows)
{
	static const uint8_t a[4] = { 10, 0, 0, 1 }, b[4] = { 10, 0, 0, 2 };
	static const uint8_t a6[16] = { 0xfd, [15] = 1 };
	static const uint8_t b6[16] = { 0xfd, [15] = 2 };
	struct flowset *fs = flowset_new();
	struct flow_key x = { 77, flow_key_tuple(6, a, b, 4, 40000, 80) };
	struct flow_key y = { 77, flow_key_tuple(6, a, b, 4, 40001, 80) };
	struct flow_key z = { 77, flow_key_tuple(17, a, b, 4, 40000, 80) };
	struct flow_key v6 = { 77, flow_key_tuple(6, a6, b6, 16, 40000, 80) };

	ck_assert_uint_ne(x.tuple, y.tuple);
	ck_assert_uint_ne(x.tuple, z.tuple);
	ck_assert_uint_ne(x.tuple, v6.tuple);
	ck_assert(flowset_add(fs, x));
	ck_assert(flowset_add(fs, y));
	ck_assert(flowset_add(fs, z));
	ck_assert(flowset_add(fs, v6));
	ck_assert(!flowset_add(fs, y));
	ck_assert_uint_eq(flowset_count(fs), 4);
	flowset_del(fs, x);
	ck_assert(!flowset_add(fs, y));		/* still known */
	/* a resync keeps the live one */
	flowset_begin(fs);
	ck_assert(!flowset_mark(fs, y));
	ck_assert_uint_eq(flowset_sweep(fs), 2);
	ck_assert_uint_eq(flowset_count(fs), 1);
	flowset_free(fs);
}
END_TEST

/*
 * Against a model: random adds, ends and resyncs over few keys, so the
 * table stays near full and runs of flows wrap past its end, and every
 * key's presence checked after each step.  A flow taken out moves the
 * ones after it: none may be lost or found twice.
 */
START_TEST(against_model)
{
	enum { KEYS = 1400, STEPS = 200000 };
	static uint8_t in[KEYS], marked[KEYS];
	struct flowset *fs = flowset_new();
	uint32_t r = 12345, i, step, n = 0;
	bool resync = false;

	for (step = 0; step < STEPS; step++) {
		uint32_t id;

		r = r * 1103515245u + 12345u;
		id = (r >> 8) % KEYS;
		switch ((r >> 24) % 16) {
		case 0:	/* a resync begins, or ends with its sweep */
			if (!resync) {
				flowset_begin(fs);
				memset(marked, 0, sizeof(marked));
			} else {
				uint32_t gone = 0;

				for (i = 0; i < KEYS; i++)
					if (in[i] && !marked[i]) {
						in[i] = 0;
						gone++;
					}
				ck_assert_uint_eq(flowset_sweep(fs), gone);
				n -= gone;
			}
			resync = !resync;
			break;
		case 1: case 2: case 3: case 4: case 5: case 6:
			flowset_del(fs, K(id));
			n -= in[id];
			in[id] = 0;
			marked[id] = 0;
			break;
		default:
			if (resync) {
				ck_assert(flowset_mark(fs, K(id)) == !in[id]);
				marked[id] = 1;
			} else {
				ck_assert(flowset_add(fs, K(id)) == !in[id]);
			}
			n += !in[id];
			in[id] = 1;
			break;
		}
		ck_assert_uint_eq(flowset_count(fs), n);
		if (step % 97 || resync)
			continue;
		/* every key: known ones answer false to add, others true */
		for (i = 0; i < KEYS; i++) {
			bool added = flowset_add(fs, K(i));

			ck_assert(added == !in[i]);
			if (added)
				flowset_del(fs, K(i));
		}
		ck_assert_uint_eq(flowset_count(fs), n);
	}
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
	tcase_add_test(tc, same_id_two_flows);
	tcase_add_test(tc, against_model);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
