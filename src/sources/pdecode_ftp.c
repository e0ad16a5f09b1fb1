// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * FTP's active-mode data commands, PORT (RFC 959) and EPRT (RFC 2428):
 * where a client asks the server to connect for its data (pdecode.h).
 * Only a whole line is read, so a number cut by the snaplen is never
 * taken for a shorter one.
 */
#include "build.h"

#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "sources/pdecode.h"

/* Decimal digits at *p (at most max of them) up to limit, or -1. */
static long number(const uint8_t **p, const uint8_t *end, int max, long limit)
{
	long v = 0;
	int n = 0;

	while (*p < end && **p >= '0' && **p <= '9' && n < max) {
		v = v * 10 + (**p - '0');
		(*p)++;
		n++;
	}
	if (!n || v > limit || (*p < end && **p >= '0' && **p <= '9'))
		return -1;
	return v;
}

/* "PORT h1,h2,h3,h4,p1,p2": an IPv4 address and port, bytewise. */
static bool port_cmd(const uint8_t *p, const uint8_t *end,
		     struct net_addr *addr, uint16_t *port)
{
	uint8_t b[6];
	long v;
	int i;

	while (p < end && *p == ' ')
		p++;
	for (i = 0; i < 6; i++) {
		v = number(&p, end, 3, 255);
		if (v < 0)
			return false;
		b[i] = (uint8_t)v;
		if (i < 5 && (p >= end || *p++ != ','))
			return false;
	}
	if (p != end)
		return false;
	net_addr_set(addr, AF_INET, b);
	*port = (uint16_t)(b[4] << 8 | b[5]);
	return *port != 0;
}

/* "EPRT |1|10.0.0.1|6446|" (any delimiter 33..126; 2: IPv6). */
static bool eprt_cmd(const uint8_t *p, const uint8_t *end,
		     struct net_addr *addr, uint16_t *port)
{
	char text[INET6_ADDRSTRLEN];
	const uint8_t *a;
	uint8_t d, raw[16];
	long af, v;
	int family;

	while (p < end && *p == ' ')
		p++;
	if (p >= end || *p < 33 || *p > 126)
		return false;
	d = *p++;
	af = number(&p, end, 1, 2);
	if (af < 1 || p >= end || *p++ != d)
		return false;
	a = p;
	p = memchr(a, d, (size_t)(end - a));
	if (!p || p == a || (size_t)(p - a) >= sizeof(text))
		return false;
	memcpy(text, a, (size_t)(p - a));
	text[p - a] = '\0';
	family = af == 1 ? AF_INET : AF_INET6;
	if (inet_pton(family, text, raw) != 1)
		return false;
	p++;
	v = number(&p, end, 5, 65535);
	if (v <= 0 || p >= end || *p++ != d || p != end)
		return false;
	net_addr_set(addr, (uint8_t)family, raw);
	*port = (uint16_t)v;
	return true;
}

bool pdecode_ftp_port(const uint8_t *p, size_t len, struct net_addr *addr,
		      uint16_t *port)
{
	const uint8_t *nl = memchr(p, '\n', len), *end;
	size_t i;

	if (!nl || len < 5)
		return false;	/* no whole line */
	end = nl > p && nl[-1] == '\r' ? nl - 1 : nl;
	for (i = 0; i < 4; i++)
		if ((p[i] & ~0x20) != (uint8_t)"PORT"[i])
			break;
	if (i == 4 && p[4] == ' ')
		return port_cmd(p + 5, end, addr, port);
	for (i = 0; i < 4; i++)
		if ((p[i] & ~0x20) != (uint8_t)"EPRT"[i])
			return false;
	return p[4] == ' ' && eprt_cmd(p + 5, end, addr, port);
}
