/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_LIB_UTC_H
#define VIGIL_LIB_UTC_H

#include <stddef.h>
#include <stdint.h>

/* "2026-11-22T11:40:00Z"; buf needs 21 bytes. */
void format_utc(int64_t t, char *buf, size_t len);
/* Returns 0, or -1 if s is not in that form. */
int parse_utc(const char *s, int64_t *t);

#endif
