// SPDX-License-Identifier: GPL-2.0-or-later
/* The reversible text form of untrusted byte strings (utf8.h). */
#include "build.h"

#include "lib/utf8.h"

size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t len, i;
	unsigned int cp;

	if (n == 0)
		return 0;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and beyond U+10FFFF are not UTF-8. */
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

bool utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k;

	while (i < n) {
		k = utf8_seq(p + i, n - i);
		if (!k)
			return false;
		i += k;
	}
	return true;
}

/* C0 controls, DEL, and C1 controls (U+0080..U+009F, "\xc2\x80".."\xc2\x9f"). */
static bool is_control(const unsigned char *p, size_t k)
{
	return (k == 1 && (p[0] < 0x20 || p[0] == 0x7f)) ||
	       (k == 2 && p[0] == 0xc2 && p[1] < 0xa0);
}

static void add_hex(struct sbuf *out, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";
	char b[4] = { '\\', 'x', hex[c >> 4], hex[c & 15] };

	sbuf_addn(out, b, sizeof(b));
}

void utf8_escape(struct sbuf *out, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k, j;

	while (i < n) {
		k = utf8_seq(p + i, n - i);
		if (!k) {
			add_hex(out, p[i++]);
		} else if (is_control(p + i, k)) {
			for (j = 0; j < k; j++)
				add_hex(out, p[i + j]);
			i += k;
		} else if (p[i] == '\\') {
			sbuf_addn(out, "\\\\", 2);
			i++;
		} else {
			sbuf_addn(out, s + i, k);
			i += k;
		}
	}
}

void utf8_escape_once(struct sbuf *out, const char *s, size_t n)
{
	if (utf8_is_escaped(s, n))
		sbuf_addn(out, s, n);
	else
		utf8_escape(out, s, n);
}

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Length of the escape at s ("\\" or "\xNN"), 0 if there is none. */
static size_t escape_len(const unsigned char *s, size_t n)
{
	if (n >= 2 && s[1] == '\\')
		return 2;
	if (n >= 4 && s[1] == 'x' && hexval(s[2]) >= 0 && hexval(s[3]) >= 0)
		return 4;
	return 0;
}

bool utf8_is_escaped(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k;

	while (i < n) {
		/* printable ASCII, nearly all of any text, at once */
		while (i < n && p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\\')
			i++;
		if (i == n)
			break;
		if (p[i] == '\\') {
			k = escape_len(p + i, n - i);
		} else {
			k = utf8_seq(p + i, n - i);
			if (k && is_control(p + i, k))
				k = 0;
		}
		if (!k)
			return false;
		i += k;
	}
	return true;
}

int utf8_unescape(struct sbuf *out, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k;

	if (!utf8_is_escaped(s, n))
		return -1;
	while (i < n) {
		if (p[i] != '\\') {
			sbuf_addc(out, s[i++]);
			continue;
		}
		k = escape_len(p + i, n - i);
		if (k == 2)
			sbuf_addc(out, '\\');
		else
			sbuf_addc(out, (char)(hexval(p[i + 2]) << 4 |
					      hexval(p[i + 3])));
		i += k;
	}
	return 0;
}

size_t utf8_cut(const char *s, size_t n, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k;

	if (max >= n)
		return n;
	while (i < n) {
		k = p[i] == '\\' ? escape_len(p + i, n - i) :
				   utf8_seq(p + i, n - i);
		if (!k)
			k = 1;
		if (i + k > max)
			break;
		i += k;
	}
	return i;
}
