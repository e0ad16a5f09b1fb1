// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The server's side of RELP (rsyslog's Reliable Event Logging Protocol,
 * as omrelp speaks it): frames in, responses out.  A message is
 * acknowledged only once the store holds it, so a sender sends again
 * whatever a stop, a crash or a store outage left unanswered.
 *
 * librelp has the server side too, but it does not tell its caller
 * which certificate a peer presented (rsyslog issues #1597, #3567),
 * and that name is what the collector is for: tlsserve.c does TLS, this
 * file only the framing.  Frames come from the network: every field is
 * bounded before it is used.
 */
#include "build.h"

#include <string.h>

#include "collect/relp.h"

#define TXNR_MAX 999999999UL

/* A number of at most digits digits at buf[*i], then one space. */
static int number(const char *buf, size_t len, size_t *i, int digits,
		  unsigned long *out)
{
	size_t start = *i;
	unsigned long n = 0;

	while (*i < len && buf[*i] >= '0' && buf[*i] <= '9') {
		if ((int)(*i - start) == digits)
			return -1;
		n = n * 10 + (unsigned long)(buf[*i] - '0');
		(*i)++;
	}
	if (*i == len)
		return 0;
	if (*i == start)
		return -1;
	*out = n;
	return 1;
}

ssize_t relp_frame_next(const char *buf, size_t len, size_t max,
			struct relp_frame *f)
{
	unsigned long dl;
	size_t i = 0, c;
	int r;

	r = number(buf, len, &i, 9, &f->txnr);
	if (r <= 0)
		return r;
	if (buf[i++] != ' ')
		return -1;
	for (c = 0; i < len && buf[i] != ' '; i++, c++) {
		if (c == sizeof(f->cmd) - 1 ||
		    !((buf[i] >= 'a' && buf[i] <= 'z') ||
		      (buf[i] >= 'A' && buf[i] <= 'Z')))
			return -1;
		f->cmd[c] = buf[i];
	}
	if (i == len)
		return 0;
	if (!c)
		return -1;
	f->cmd[c] = '\0';
	i++;
	r = number(buf, len, &i, 9, &dl);
	if (r <= 0)
		return r;
	if (dl > max)
		return -1;
	if (dl == 0) {
		/* "TXNR CMD 0" then the trailer */
		if (buf[i] != '\n')
			return -1;
		f->data = buf + i;
		f->datalen = 0;
		return (ssize_t)(i + 1);
	}
	if (buf[i++] != ' ')
		return -1;
	if (len - i < dl + 1)
		return 0;
	if (buf[i + dl] != '\n')
		return -1;
	f->data = buf + i;
	f->datalen = dl;
	return (ssize_t)(i + dl + 1);
}

int relp_starts(const char *buf, size_t len)
{
	static const char open[] = "1 open ";
	size_t n = len < sizeof(open) - 1 ? len : sizeof(open) - 1;

	if (memcmp(buf, open, n))
		return 0;
	return n == sizeof(open) - 1 ? 1 : -1;
}

void relp_rsp(struct sbuf *out, unsigned long txnr, int code,
	      const char *text, const char *extra)
{
	struct sbuf d;

	if (!code) {
		sbuf_printf(out, "%lu rsp 0\n", txnr);
		return;
	}
	sbuf_init(&d);
	sbuf_printf(&d, "%d %s", code, text);
	if (extra)
		sbuf_printf(&d, "\n%s", extra);
	sbuf_printf(out, "%lu rsp %zu %s\n", txnr, d.len, sbuf_str(&d));
	sbuf_free(&d);
}
