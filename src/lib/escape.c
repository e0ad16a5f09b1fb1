// SPDX-License-Identifier: GPL-2.0-or-later
#include "build.h"

#include <string.h>

#include "lib/escape.h"

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
	int bare = *s != '\0';

	for (p = (const unsigned char *)s; *p && bare; p++)
		bare = is_bare(*p);
	if (bare) {
		sbuf_adds(out, s);
		return;
	}
	sbuf_addc(out, '"');
	for (p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"':
			sbuf_adds(out, "\\\"");
			break;
		case '\\':
			sbuf_adds(out, "\\\\");
			break;
		case '\n':
			sbuf_adds(out, "\\n");
			break;
		case '\r':
			sbuf_adds(out, "\\r");
			break;
		case '\t':
			sbuf_adds(out, "\\t");
			break;
		default:
			if (is_print(*p))
				sbuf_addc(out, (char)*p);
			else
				add_hex(out, *p);
		}
	}
	sbuf_addc(out, '"');
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
