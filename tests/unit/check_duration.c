// SPDX-License-Identifier: GPL-2.0-or-later
#include "build.h"

#include <check.h>
#include "unit.h"
#include <errno.h>
#include <stdlib.h>

#include "lib/duration.h"

static const struct {
	const char *s;
	int r;
	uint64_t sec;
} cases[] = {
	{ "90s", 0, 90 }, { "15m", 0, 900 }, { "1h", 0, 3600 },
	{ "1h30m", 0, 5400 }, { "1d", 0, 86400 }, { "2h0m5s", 0, 7205 },
	{ "0s", 0, 0 }, { "007s", 0, 7 },
	{ "", -EINVAL, 0 }, { "90", -EINVAL, 0 }, { "s", -EINVAL, 0 },
	{ "1x", -EINVAL, 0 }, { "1h1h", -EINVAL, 0 }, { "30m1h", -EINVAL, 0 },
	{ "-5s", -EINVAL, 0 }, { " 5s", -EINVAL, 0 }, { "5s ", -EINVAL, 0 },
	{ "1.5h", -EINVAL, 0 }, { "5S", -EINVAL, 0 },
	{ "18446744073709551615s", 0, 18446744073709551615ULL },
	{ "18446744073709551616s", -ERANGE, 0 },
	{ "213503982334602d", -ERANGE, 0 },
	{ "99999999999999999999999s", -ERANGE, 0 },
};

START_TEST(parse)
{
	uint64_t sec = 12345;
	int r = duration_parse(cases[_i].s, &sec);

	ck_assert_msg(r == cases[_i].r, "'%s': got %d", cases[_i].s, r);
	if (!r)
		ck_assert_uint_eq(sec, cases[_i].sec);
	else
		ck_assert_uint_eq(sec, 12345);
}
END_TEST

START_TEST(format_round_trip)
{
	static const uint64_t v[] = { 0, 1, 59, 60, 61, 3600, 5400, 86399,
				      86400, 90061, 7 * 86400 };
	char buf[64];
	uint64_t back;
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		duration_format(v[i], buf, sizeof(buf));
		ck_assert_int_eq(duration_parse(buf, &back), 0);
		ck_assert_uint_eq(back, v[i]);
	}
	duration_format(5400, buf, sizeof(buf));
	ck_assert_str_eq(buf, "1h30m");
	duration_format(90061, buf, sizeof(buf));
	ck_assert_str_eq(buf, "1d1h1m1s");
	/* A short buffer truncates, never overflows. */
	duration_format(90061, buf, 4);
	ck_assert_str_eq(buf, "1d1");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("duration");
	TCase *tc = tcase_create("duration");

	tcase_add_loop_test(tc, parse, 0, sizeof(cases) / sizeof(cases[0]));
	tcase_add_test(tc, format_round_trip);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
