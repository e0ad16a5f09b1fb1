// SPDX-License-Identifier: GPL-2.0-or-later
/* Audit record text parsed, bounded by its length (auditrec.h). */
#include "build.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <string.h>

#include "sources/auditrec.h"

static int parse_u64(const char **p, const char *end, uint64_t *out)
{
	uint64_t v = 0;
	int digits = 0;

	while (*p < end && **p >= '0' && **p <= '9') {
		if (v > (UINT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (uint64_t)(**p - '0');
		(*p)++;
		digits++;
	}
	*out = v;
	return digits ? 0 : -1;
}

int auditrec_header(const char *text, size_t len, struct auditrec_hdr *h)
{
	const char *p = text, *end = text + len;
	uint64_t ms;

	if (len < 6 || memcmp(p, "audit(", 6))
		return -1;
	p += 6;
	if (parse_u64(&p, end, &h->sec) < 0 || p >= end || *p++ != '.')
		return -1;
	if (parse_u64(&p, end, &ms) < 0 || ms > 999 || p >= end || *p++ != ':')
		return -1;
	h->msec = (unsigned int)ms;
	if (parse_u64(&p, end, &h->serial) < 0)
		return -1;
	if (end - p < 2 || p[0] != ')' || p[1] != ':')
		return -1;
	p += 2;
	while (p < end && *p == ' ')
		p++;
	return (int)(p - text);
}

/*
 * The token starting at or after i: [*start, return) ends at a space
 * outside quotes (or at len, an unterminated quote included).
 */
static size_t next_token(const char *body, size_t len, size_t i,
			 size_t *start)
{
	size_t j;

	while (i < len && body[i] == ' ')
		i++;
	*start = i;
	for (j = i; j < len && body[j] != ' '; j++) {
		if (body[j] == '"' || body[j] == '\'') {
			char q = body[j++];

			while (j < len && body[j] != q)
				j++;
			if (j >= len)
				break;
		}
	}
	return j;
}

/* Whether token [start, end) is name=...; its value then. */
static int token_is(const char *body, size_t start, size_t end,
		    const char *name, size_t n, const char **val, size_t *vlen)
{
	if (end - start > n && !memcmp(body + start, name, n) &&
	    body[start + n] == '=') {
		*val = body + start + n + 1;
		*vlen = end - start - n - 1;
		return 1;
	}
	return 0;
}

int auditrec_raw(const char *body, size_t len, const char *name,
		 const char **val, size_t *vlen)
{
	size_t n = strlen(name), i = 0, start, end;

	while (i < len) {
		end = next_token(body, len, i, &start);
		if (token_is(body, start, end, name, n, val, vlen))
			return 0;
		i = end + 1;
	}
	return -1;
}

void auditrec_tokenize(const char *body, size_t len,
		       struct auditrec_tokens *t)
{
	size_t i = 0, start, end;

	t->body = body;
	t->len = len;
	t->n = 0;
	t->overflow = len > UINT32_MAX;
	while (i < len && !t->overflow) {
		end = next_token(body, len, i, &start);
		if (t->n == AUDITREC_MAX_TOKENS) {
			t->overflow = 1;
			return;
		}
		t->start[t->n] = (uint32_t)start;
		t->end[t->n] = (uint32_t)end;
		t->n++;
		i = end + 1;
	}
}

int auditrec_tok_raw(const struct auditrec_tokens *t, const char *name,
		     const char **val, size_t *vlen)
{
	size_t n = strlen(name), k;

	/* more tokens than were kept: the slow way, the same answer */
	if (t->overflow)
		return auditrec_raw(t->body, t->len, name, val, vlen);
	for (k = 0; k < t->n; k++)
		if (token_is(t->body, t->start[k], t->end[k], name, n, val,
			     vlen))
			return 0;
	return -1;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static int all_hex(const char *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (hexval(v[i]) < 0)
			return 0;
	return n > 0;
}

int auditrec_decode(const char *val, size_t vlen, char *out, size_t outlen)
{
	size_t i, n = 0;

	if (!outlen)
		return -1;
	if (vlen >= 1 && val[0] == '"') {
		if (vlen < 2 || val[vlen - 1] != '"' || vlen - 2 >= outlen)
			return -1;
		memcpy(out, val + 1, vlen - 2);
		out[vlen - 2] = '\0';
		return (int)(vlen - 2);
	}
	/*
	 * Unquoted: the kernel hex-encodes strings with spaces, quotes or
	 * control bytes.  Fields that are plain words (numbers, (null))
	 * are not hex or are meant as they are; callers of string fields
	 * get hex decoded.
	 */
	if (all_hex(val, vlen) && vlen % 2 == 0) {
		for (i = 0; i < vlen; i += 2) {
			char c = (char)(hexval(val[i]) << 4 | hexval(val[i + 1]));

			if (!c)
				break;
			if (n + 1 >= outlen)
				return -1;
			out[n++] = c;
		}
		out[n] = '\0';
		return (int)n;
	}
	if (vlen >= outlen)
		return -1;
	memcpy(out, val, vlen);
	out[vlen] = '\0';
	return (int)vlen;
}

int auditrec_str(const char *body, size_t len, const char *name, char *out,
		 size_t outlen)
{
	const char *v;
	size_t vlen;

	if (auditrec_raw(body, len, name, &v, &vlen) < 0)
		return -1;
	return auditrec_decode(v, vlen, out, outlen);
}

int auditrec_tok_str(const struct auditrec_tokens *t, const char *name,
		     char *out, size_t outlen)
{
	const char *v;
	size_t vlen;

	if (auditrec_tok_raw(t, name, &v, &vlen) < 0)
		return -1;
	return auditrec_decode(v, vlen, out, outlen);
}

static int parse_num(const char *v, size_t vlen, int base,
		     unsigned long long *out)
{
	char buf[32], *end;

	if (!vlen || vlen >= sizeof(buf))
		return -1;
	memcpy(buf, v, vlen);
	buf[vlen] = '\0';
	if (buf[0] == '-' || buf[0] == '+')
		return -1;
	*out = strtoull(buf, &end, base);
	return *end ? -1 : 0;
}

int auditrec_num(const char *body, size_t len, const char *name, int base,
		 unsigned long long *out)
{
	const char *v;
	size_t vlen;

	if (auditrec_raw(body, len, name, &v, &vlen) < 0)
		return -1;
	return parse_num(v, vlen, base, out);
}

int auditrec_tok_num(const struct auditrec_tokens *t, const char *name,
		     int base, unsigned long long *out)
{
	const char *v;
	size_t vlen;

	if (auditrec_tok_raw(t, name, &v, &vlen) < 0)
		return -1;
	return parse_num(v, vlen, base, out);
}

int auditrec_sockaddr(const char *body, size_t len, struct net_addr *addr,
		      uint16_t *port)
{
	/* sockaddr_in6 is the largest read: 28 bytes */
	uint8_t sa[28];
	sa_family_t fam;
	const char *v;
	size_t vlen, i, n;
	struct net_addr raw;

	if (auditrec_raw(body, len, "saddr", &v, &vlen) < 0 ||
	    vlen % 2 || vlen < 2 * sizeof(fam))
		return -1;
	n = vlen / 2 < sizeof(sa) ? vlen / 2 : sizeof(sa);
	for (i = 0; i < n; i++) {
		int hi = hexval(v[2 * i]), lo = hexval(v[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		sa[i] = (uint8_t)(hi << 4 | lo);
	}
	/* the record is the kernel's copy of the struct: host order */
	memcpy(&fam, sa, sizeof(fam));
	if (fam == AF_INET && n >= 8) {
		net_addr_set(&raw, AF_INET, sa + 4);
	} else if (fam == AF_INET6 && n >= 24) {
		net_addr_set(&raw, AF_INET6, sa + 8);
	} else {
		return -1;
	}
	net_addr_unmap(&raw, addr);
	*port = (uint16_t)(sa[2] << 8 | sa[3]);
	return 0;
}

void auditrec_argv_init(struct auditrec_argv *a)
{
	int i;

	memset(a, 0, sizeof(*a));
	a->argc = -1;
	for (i = 0; i < AUDITREC_MAX_ARGS; i++)
		sbuf_init(&a->args[i]);
}

void auditrec_argv_free(struct auditrec_argv *a)
{
	int i;

	for (i = 0; i < AUDITREC_MAX_ARGS; i++)
		sbuf_free(&a->args[i]);
}

/* Append a decoded value to argument i, within the bound. */
static void arg_append(struct auditrec_argv *a, int i, const char *v,
		       size_t vlen)
{
	char buf[AUDITREC_MAX_ARG + 1];
	int n;

	if (i < 0 || i >= AUDITREC_MAX_ARGS) {
		a->truncated = 1;
		return;
	}
	/* A chunk of a long argument is hex without quotes. */
	n = auditrec_decode(v, vlen, buf, sizeof(buf));
	if (n < 0) {
		if (vlen / 2 > AUDITREC_MAX_ARG)
			a->truncated = 1;
		else
			a->malformed = 1;
		return;
	}
	if (a->args[i].len + (size_t)n > AUDITREC_MAX_ARG) {
		n = (int)(AUDITREC_MAX_ARG - a->args[i].len);
		a->truncated = 1;
	}
	sbuf_addn(&a->args[i], buf, (size_t)n);
	if (i >= a->n)
		a->n = i + 1;
}

void auditrec_argv_add(struct auditrec_argv *a, const char *body, size_t len)
{
	unsigned long long argc;
	size_t i = 0;

	if (auditrec_num(body, len, "argc", 10, &argc) == 0)
		a->argc = argc > 1000000 ? 1000000 : (int)argc;
	while (i < len) {
		size_t start, j, eq;
		unsigned long idx;
		char *end;

		while (i < len && body[i] == ' ')
			i++;
		start = i;
		for (j = i; j < len && body[j] != ' '; j++) {
			if (body[j] != '"')
				continue;
			for (j++; j < len && body[j] != '"'; j++)
				;
			/* An unterminated quote runs to the end, no further. */
			if (j >= len)
				break;
		}
		i = j + 1;
		if (j - start < 3 || body[start] != 'a' ||
		    !isdigit((unsigned char)body[start + 1]))
			continue;
		for (eq = start; eq < j && body[eq] != '='; eq++)
			;
		if (eq >= j)
			continue;
		idx = strtoul(body + start + 1, &end, 10);
		/* aI=value, aI[K]=chunk; aI_len=L carries no data. */
		if (end == body + eq || *end == '[')
			arg_append(a, (int)(idx > 1000000 ? 1000000 : idx),
				   body + eq + 1, j - eq - 1);
	}
}
