/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_ESCAPE_H
#define VIGIL_ESCAPE_H

#include "lib/sbuf.h"

/*
 * Escaping of untrusted strings (paths, process names, audit fields) for
 * line-oriented outputs.  Whatever the input, the output holds only
 * printable ASCII: no newline, carriage return, NUL or other control
 * byte survives, so no input can split or forge a log line.
 */

/* Free text: backslash and non-printable bytes become \\ and \xNN. */
void escape_text(struct sbuf *out, const char *s);

/*
 * A key=value value: left bare when it is a non-empty run of
 * [A-Za-z0-9._:/@+,-], otherwise double-quoted with \" \\ \n \t \r and
 * \xNN escapes.
 */
void escape_kv_value(struct sbuf *out, const char *s);

/* A key: bytes outside [A-Za-z0-9_.-] become '_'; empty becomes "_". */
void escape_kv_key(struct sbuf *out, const char *s);

#endif
