// SPDX-License-Identifier: GPL-2.0-or-later
/* Durations such as "1h30m" parsed and printed (duration.h). */
#include "build.h"

#include <errno.h>
#include <stdio.h>

#include "lib/duration.h"

static const struct {
	char unit;
	uint64_t sec;
} units[] = {
	{ 'd', 86400 }, { 'h', 3600 }, { 'm', 60 }, { 's', 1 },
};

#define N_UNITS (sizeof(units) / sizeof(units[0]))

int duration_parse(const char *s, uint64_t *sec)
{
	uint64_t total = 0;
	size_t last_unit = 0;
	int parts = 0;

	if (!s)
		return -EINVAL;
	while (*s) {
		uint64_t n = 0;
		size_t u;
		int digits = 0;

		while (*s >= '0' && *s <= '9') {
			uint64_t d = (uint64_t)(*s - '0');

			if (n > (UINT64_MAX - d) / 10)
				return -ERANGE;
			n = n * 10 + d;
			s++;
			digits++;
		}
		if (!digits)
			return -EINVAL;
		for (u = 0; u < N_UNITS; u++)
			if (*s == units[u].unit)
				break;
		/* Units must be given largest first, each at most once. */
		if (u == N_UNITS || (parts && u <= last_unit))
			return -EINVAL;
		if (n > (UINT64_MAX - total) / units[u].sec)
			return -ERANGE;
		total += n * units[u].sec;
		last_unit = u;
		parts++;
		s++;
	}
	if (!parts)
		return -EINVAL;
	*sec = total;
	return 0;
}

void duration_format(uint64_t sec, char *buf, size_t len)
{
	size_t u, off = 0;

	if (len == 0)
		return;
	buf[0] = '\0';
	if (sec == 0) {
		snprintf(buf, len, "0s");
		return;
	}
	for (u = 0; u < N_UNITS && off < len; u++) {
		uint64_t n = sec / units[u].sec;
		int w;

		if (!n)
			continue;
		sec -= n * units[u].sec;
		w = snprintf(buf + off, len - off, "%llu%c",
			     (unsigned long long)n, units[u].unit);
		if (w < 0)
			return;
		off += (size_t)w;
	}
}
