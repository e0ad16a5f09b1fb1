// SPDX-License-Identifier: GPL-2.0-or-later
/* Untrusted strings escaped for line outputs (escape.h). */
#include "build.h"

#include <string.h>

#include "lib/escape.h"
#include "lib/utf8.h"

static void add_hex(struct sbuf *out, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";
	char b[4] = { '\\', 'x', hex[c >> 4], hex[c & 15] };

	sbuf_addn(out, b, sizeof(b));
}

static int is_print(unsigned char c)
{
	return c >= 0x20 && c < 0x7f;
}

void escape_text(struct sbuf *out, const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p; p++) {
		if (*p == '\\')
			sbuf_adds(out, "\\\\");
		else if (is_print(*p))
			sbuf_addc(out, (char)*p);
		else
			add_hex(out, *p);
	}
}

static int is_bare(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || strchr("._:/@+,-", c);
}

void escape_kv_value(struct sbuf *out, const char *s)
{
	const unsigned char *p;
	struct sbuf canon;
	size_t n = strlen(s);
	int bare = n != 0;

	/* Host strings arrive escaped (utf8.h); anything else is made so. */
	sbuf_init(&canon);
	utf8_escape_once(&canon, s, n);
	s = sbuf_str(&canon);
	for (p = (const unsigned char *)s; *p && bare; p++)
		bare = is_bare(*p);
	if (bare) {
		sbuf_adds(out, s);
		goto out;
	}
	sbuf_addc(out, '"');
	for (p = (const unsigned char *)s; *p; p++) {
		if (*p == '"')
			sbuf_addc(out, '\\');
		sbuf_addc(out, (char)*p);
	}
	sbuf_addc(out, '"');
out:
	sbuf_free(&canon);
}

void escape_kv_key(struct sbuf *out, const char *s)
{
	const unsigned char *p;

	if (!*s) {
		sbuf_addc(out, '_');
		return;
	}
	for (p = (const unsigned char *)s; *p; p++) {
		int ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			 (*p >= '0' && *p <= '9') || *p == '_' || *p == '.' ||
			 *p == '-';
		sbuf_addc(out, ok ? (char)*p : '_');
	}
}
