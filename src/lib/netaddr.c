// SPDX-License-Identifier: GPL-2.0-or-later
/* IPv4 and IPv6 addresses: text forms and comparisons. */
#include "build.h"

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/netaddr.h"

const char *net_addr_str(const struct net_addr *a, char *buf, size_t len)
{
	if (!inet_ntop(a->family, a->a, buf, (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}

const char *net_endpoint_str(const struct net_addr *a, uint16_t port,
			     char *buf, size_t len)
{
	char s[INET6_ADDRSTRLEN];

	net_addr_str(a, s, sizeof(s));
	if (a->family == AF_INET6)
		snprintf(buf, len, "[%s]:%u", s, port);
	else
		snprintf(buf, len, "%s:%u", s, port);
	return buf;
}

static size_t addr_len(uint8_t family)
{
	return family == AF_INET6 ? 16 : 4;
}

bool net_addr_eq(const struct net_addr *x, const struct net_addr *y)
{
	return x->family == y->family &&
	       !memcmp(x->a, y->a, addr_len(x->family));
}

static const uint8_t v4mapped[12] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
};

void net_addr_unmap(const struct net_addr *in, struct net_addr *out)
{
	*out = *in;
	if (in->family == AF_INET6 && !memcmp(in->a, v4mapped, 12)) {
		memset(out, 0, sizeof(*out));
		out->family = AF_INET;
		memcpy(out->a, in->a + 12, 4);
	}
}

bool net_addr_is_local(const struct net_addr *set, size_t n,
		       const struct net_addr *a)
{
	struct net_addr u;
	size_t i;

	if (net_addr_is_loopback(a))
		return true;
	net_addr_unmap(a, &u);
	for (i = 0; i < n; i++)
		if (net_addr_eq(&set[i], &u))
			return true;
	return false;
}

bool net_addr_is_loopback(const struct net_addr *a)
{
	static const uint8_t v6lo[16] = { [15] = 1 };
	struct net_addr u;

	net_addr_unmap(a, &u);
	if (u.family == AF_INET)
		return u.a[0] == 127;
	return !memcmp(u.a, v6lo, 16);
}

bool net_addr_is_any(const struct net_addr *a)
{
	static const uint8_t zero[16];

	return !memcmp(a->a, zero, addr_len(a->family));
}

void net_addr_set(struct net_addr *a, uint8_t family, const void *raw)
{
	memset(a, 0, sizeof(*a));
	a->family = family;
	memcpy(a->a, raw, addr_len(family));
}

int net_addr_parse(const char *s, struct net_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, a->a) == 1) {
		a->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, a->a) == 1) {
		a->family = AF_INET6;
		return 0;
	}
	return -1;
}

bool net_addr_accepts(const struct net_addr *la, const struct net_addr *addr)
{
	struct net_addr a, l;

	net_addr_unmap(addr, &a);
	net_addr_unmap(la, &l);
	if (net_addr_is_any(la))
		/* :: also takes v4 unless IPV6_V6ONLY; count it as taking */
		return la->family == AF_INET6 || a.family == AF_INET;
	return net_addr_eq(&l, &a);
}
