// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Syslog over TLS as it arrives (RFC 5425, RFC 6587 framing) cut into
 * messages, and an RFC 5424 message cut into the parts the collector
 * uses.  The bytes come from the network, from any peer that
 * completed a handshake: everything is bounded and nothing is trusted.
 */
#include "build.h"

#include <string.h>

#include "collect/frame.h"

ssize_t frame_next(const char *buf, size_t len, const char **msg,
		   size_t *msglen)
{
	size_t i, n = 0;

	if (!len)
		return 0;
	if (buf[0] == '<') {
		const char *lf = memchr(buf, '\n', len < FRAME_MAX + 1 ?
					len : FRAME_MAX + 1);

		if (!lf)
			return len > FRAME_MAX ? -1 : 0;
		*msg = buf;
		*msglen = (size_t)(lf - buf);
		return (ssize_t)(*msglen + 1);
	}
	/* octet counting: a length without leading zero, then a space */
	for (i = 0; i < len && buf[i] >= '0' && buf[i] <= '9'; i++) {
		if (i == 0 && buf[i] == '0')
			return -1;
		n = n * 10 + (size_t)(buf[i] - '0');
		if (n > FRAME_MAX)
			return -1;
	}
	if (i == len)
		return 0;
	if (i == 0 || buf[i] != ' ')
		return -1;
	if (len - i - 1 < n)
		return 0;
	*msg = buf + i + 1;
	*msglen = n;
	return (ssize_t)(i + 1 + n);
}

/* The field at *p up to the next space; advances *p past the space. */
static int field(const char **p, const char *end, const char **f,
		 size_t *flen)
{
	const char *sp = memchr(*p, ' ', (size_t)(end - *p));

	if (!sp || sp == *p)
		return -1;
	*f = *p;
	*flen = (size_t)(sp - *p);
	*p = sp + 1;
	return 0;
}

/* Structured data: "-" or [..][..], ']' '"' '\\' escaped inside values. */
static int skip_sd(const char **p, const char *end)
{
	const char *s = *p;
	int quoted = 0;

	if (s < end && *s == '-') {
		*p = s + 1;
		return 0;
	}
	if (s >= end || *s != '[')
		return -1;
	while (s < end) {
		if (*s == '\\' && quoted && s + 1 < end) {
			s += 2;
			continue;
		}
		if (*s == '"')
			quoted = !quoted;
		else if (*s == ']' && !quoted && (s + 1 == end ||
						  s[1] != '['))
			break;
		s++;
	}
	if (s >= end)
		return -1;
	*p = s + 1;
	return 0;
}

int syslog_split(const char *m, size_t n, struct syslog_parts *out)
{
	const char *p = m, *end = m + n, *f;
	size_t flen, i;

	/* "<PRI>1 ": PRI of one to three digits */
	if (n < 4 || *p != '<')
		return -1;
	for (p++, i = 0; p < end && *p >= '0' && *p <= '9' && i < 3; p++)
		i++;
	if (!i || end - p < 3 || memcmp(p, ">1 ", 3))
		return -1;
	p += 3;
	if (field(&p, end, &f, &flen) < 0)		/* TIMESTAMP */
		return -1;
	if (field(&p, end, &out->host, &out->host_len) < 0 ||
	    field(&p, end, &out->app, &out->app_len) < 0 ||
	    field(&p, end, &f, &flen) < 0 ||		/* PROCID */
	    field(&p, end, &f, &flen) < 0 ||		/* MSGID */
	    skip_sd(&p, end) < 0)
		return -1;
	if (p < end && *p == ' ')
		p++;
	else if (p != end)
		return -1;
	if (end - p >= 3 && !memcmp(p, "\xef\xbb\xbf", 3))
		p += 3;
	while (p < end && *p == ' ')
		p++;
	out->msg = p;
	out->msg_len = (size_t)(end - p);
	return 0;
}
