// SPDX-License-Identifier: GPL-2.0-or-later
/* Times as every output writes them: UTC, to the second, ISO 8601. */
#include "build.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lib/utc.h"

void format_utc(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) ||
	    !strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, len, "1970-01-01T00:00:00Z");
}

/* n digits of s as a number, or -1. */
static int digits(const char *s, int n)
{
	int v = 0;

	while (n--) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s++ - '0');
	}
	return v;
}

/*
 * Days from 1970-01-01 to y-m-d of the proleptic Gregorian calendar,
 * counted in eras of 400 years (the well-known days-from-civil); a day
 * past the month's end runs on into the next, as timegm() has it.
 */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

/*
 * What format_utc() writes, read without strptime(): a full store
 * holds 40,000 of them, and strptime and timegm cost 1,500
 * instructions each.  Anything else goes to strptime.  0, or -1.
 */
static int parse_fixed(const char *s, int64_t *t)
{
	int y, mo, d, h, mi, sec;

	if (strlen(s) != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' ||
	    s[13] != ':' || s[16] != ':' || s[19] != 'Z')
		return -1;
	y = digits(s, 4);
	mo = digits(s + 5, 2);
	d = digits(s + 8, 2);
	h = digits(s + 11, 2);
	mi = digits(s + 14, 2);
	sec = digits(s + 17, 2);
	/* strptime's own bounds */
	if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 ||
	    h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 61)
		return -1;
	*t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
	return 0;
}

int parse_utc(const char *s, int64_t *t)
{
	struct tm tm;
	const char *end;

	if (parse_fixed(s, t) == 0)
		return 0;
	memset(&tm, 0, sizeof(tm));
	end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (!end || *end)
		return -1;
	*t = (int64_t)timegm(&tm);
	return 0;
}
