/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_ESCAPE_H
#define VIGIL_ESCAPE_H

#include "lib/sbuf.h"

/*
 * Escaping of untrusted strings (paths, process names, audit fields) for
 * line-oriented outputs.  Whatever the input, no newline, carriage
 * return, NUL or other control byte survives, so no input can split or
 * forge a log line.
 */

/* Free text, printable ASCII only: backslash and non-printable bytes become \\ and \xNN. */
void escape_text(struct sbuf *out, const char *s);

/*
 * A key=value value: left bare when it is a non-empty run of
 * [A-Za-z0-9._:/@+,-], otherwise double-quoted.  The value is written in
 * the text form of utf8.h (valid UTF-8 kept, "\\" for a backslash,
 * "\xNN" for an invalid byte or a control character; s is taken as it
 * is when already in that form) and a quote becomes \".  So a reader
 * that undoes \\, \" and \xNN gets the original bytes.
 */
void escape_kv_value(struct sbuf *out, const char *s);

/* A key: bytes outside [A-Za-z0-9_.-] become '_'; empty becomes "_". */
void escape_kv_key(struct sbuf *out, const char *s);

#endif
