/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_DURATION_H
#define VIGIL_DURATION_H

#include <stddef.h>
#include <stdint.h>

/*
 * Parse a duration written as one or more <number><unit> parts, units
 * s, m, h, d: "90s", "15m", "1h", "1h30m".  A bare number is refused, so
 * a forgotten unit is an error rather than a surprise.
 *
 * Returns 0 and sets *sec, -EINVAL on bad syntax, -ERANGE on overflow.
 */
int duration_parse(const char *s, uint64_t *sec);

/* Shortest exact form: 3600 -> "1h", 5400 -> "1h30m", 0 -> "0s". */
void duration_format(uint64_t sec, char *buf, size_t len);

#endif
