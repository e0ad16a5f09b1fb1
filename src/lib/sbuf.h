/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_SBUF_H
#define VIGIL_SBUF_H

#include <stdarg.h>
#include <stddef.h>

/*
 * A growable string.  Allocation failure is sticky: the buffer is marked
 * failed, later appends are ignored and sbuf_failed() tells the caller,
 * so formatting code need not check every append.
 */
struct sbuf {
	char *buf;
	size_t len;
	size_t cap;
	int failed;
};

void sbuf_init(struct sbuf *sb);
void sbuf_free(struct sbuf *sb);
void sbuf_reset(struct sbuf *sb);
void sbuf_addc(struct sbuf *sb, char c);
void sbuf_addn(struct sbuf *sb, const char *s, size_t n);
void sbuf_adds(struct sbuf *sb, const char *s);
void sbuf_printf(struct sbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sbuf_vprintf(struct sbuf *sb, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* Always a valid C string ("" when empty or failed). */
const char *sbuf_str(const struct sbuf *sb);
int sbuf_failed(const struct sbuf *sb);

#endif
