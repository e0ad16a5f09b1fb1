/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_UTF8_H
#define VIGIL_UTF8_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/sbuf.h"

/*
 * The text form of an untrusted byte string (a path, a process name):
 * valid, printable UTF-8 stays as it is; a backslash becomes "\\"; a
 * byte that is not part of valid UTF-8, and every control character
 * (C0, DEL, C1), becomes "\xNN" (two lowercase hex digits).  Every
 * output of vigil carries host strings in this form, so whatever a
 * file name holds, each line and document is valid UTF-8 with no
 * control character, and utf8_unescape() gives back the exact bytes.
 */
void utf8_escape(struct sbuf *out, const char *s, size_t n);

/* Length of the valid UTF-8 sequence at s (1..4), 0 if s[0] starts none. */
size_t utf8_seq(const unsigned char *s, size_t n);

/* Whether s[0..n) is valid UTF-8 throughout. */
bool utf8_valid(const char *s, size_t n);

/*
 * Whether s[0..n) is already in the escaped form above: valid UTF-8,
 * no control character, and each backslash starts "\\" or "\xNN".
 */
bool utf8_is_escaped(const char *s, size_t n);

/*
 * s as it is when utf8_is_escaped() says it is in that form (a string
 * vigil already escaped), else utf8_escape()d: for strings that may
 * come either way (a state file edited by hand, a caller's constant).
 */
void utf8_escape_once(struct sbuf *out, const char *s, size_t n);

/*
 * The original bytes of an escaped string, into out.  Returns 0, or
 * -1 if s is not in the escaped form (nothing is appended then).
 */
int utf8_unescape(struct sbuf *out, const char *s, size_t n);

/*
 * The largest length <= max at which the escaped string s[0..n) can be
 * cut: never inside a UTF-8 sequence or an escape.
 */
size_t utf8_cut(const char *s, size_t n, size_t max);

#endif
