// SPDX-License-Identifier: GPL-2.0-or-later
#include "build.h"

#include <check.h>
#include "unit.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/duration.h"
#include "lib/utc.h"

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

/* What strptime and timegm make of s: the reference parse_utc keeps. */
static int reference(const char *s, int64_t *t)
{
	struct tm tm;
	const char *end;

	memset(&tm, 0, sizeof(tm));
	end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (!end || *end)
		return -1;
	*t = (int64_t)timegm(&tm);
	return 0;
}

static void same_as_reference(const char *s)
{
	int64_t a = -7, b = -7;
	int ra = parse_utc(s, &a), rb = reference(s, &b);

	ck_assert_msg(ra == rb && (ra < 0 || a == b),
		      "%s: %d %lld, strptime: %d %lld", s, ra, (long long)a,
		      rb, (long long)b);
}

/*
 * parse_utc reads what format_utc writes without strptime: the same
 * time as strptime and timegm for every day of four centuries' edges,
 * days past a month's end, leap seconds, and what it must refuse.
 */
START_TEST(utc_as_strptime)
{
	static const char *const odd[] = {
		"2026-02-29T00:00:00Z", "2024-02-29T23:59:59Z",
		"2026-04-31T12:00:00Z", "2026-12-31T23:59:60Z",
		"2026-12-31T23:59:61Z", "2026-12-31T23:59:62Z",
		"2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z",
		"2026-01-32T00:00:00Z", "2026-01-00T00:00:00Z",
		"2026-01-01T24:00:00Z", "2026-01-01T00:60:00Z",
		"0000-01-01T00:00:00Z", "1900-02-29T00:00:00Z",
		"9999-12-31T23:59:59Z", "1969-12-31T23:59:59Z",
		"2026-1-01T00:00:00Z", "2026-01-01 00:00:00Z",
		"2026-01-01T00:00:00", "2026-01-01T00:00:00Zx",
		"2O26-01-01T00:00:00Z", "", "2026-01-01T00:00:0Z",
		"+026-01-01T00:00:00Z", "2026-01-01T00:00:00z",
	};
	char buf[32];
	int64_t t, back;
	size_t i;

	for (i = 0; i < sizeof(odd) / sizeof(odd[0]); i++)
		same_as_reference(odd[i]);
	/* each day from 1899 to 2101, at a time of day that moves */
	for (t = -2240524800LL; t < 4133980800LL; t += 86400 + 3607) {
		format_utc(t, buf, sizeof(buf));
		same_as_reference(buf);
		ck_assert_int_eq(parse_utc(buf, &back), 0);
		ck_assert_int_eq(back, t);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("duration");
	TCase *tc = tcase_create("duration");

	tcase_add_loop_test(tc, parse, 0, sizeof(cases) / sizeof(cases[0]));
	tcase_add_test(tc, format_round_trip);
	tcase_add_test(tc, utc_as_strptime);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
