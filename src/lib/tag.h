/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_LIB_TAG_H
#define VIGIL_LIB_TAG_H

#include <stdbool.h>

/*
 * Tags: the admin's own key/value pairs on findings (Inspector's
 * attributes), from the configuration (every finding of the host) or
 * vigilctl (one finding).  They go into every line a SIEM parses, so
 * both sides are bounded and plain.
 */
/* bounded so that a line with all of them still fits syslog.max_line */
#define TAG_MAX 8		/* per host, and per finding */
#define TAG_KEY_MAX 32
#define TAG_VALUE_MAX 64

/* 1 to TAG_KEY_MAX letters, digits, '-' or '_', a letter first. */
bool tag_key_ok(const char *key);
/*
 * At most TAG_VALUE_MAX bytes of UTF-8 with no control character and
 * no backslash: already in the text form of lib/utf8.h.
 */
bool tag_value_ok(const char *value);

#endif
