/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_LIB_STRCOPY_H
#define VIGIL_LIB_STRCOPY_H

/*
 * A string into a fixed buffer, cut to fit and always ended: what
 * snprintf(dst, size, "%s", src) does, without the format machinery,
 * for copies made once per event (a storm's connections, each named).
 */
#include <string.h>

/* Returns the length copied; size must be at least 1. */
static inline size_t str_copy(char *dst, size_t size, const char *src)
{
	size_t n = strnlen(src, size - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
	return n;
}

#endif
