/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_LIB_NETADDR_H
#define VIGIL_LIB_NETADDR_H

#include <arpa/inet.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An IPv4 or IPv6 address; v4 in the first 4 bytes. */
struct net_addr {
	uint8_t family;		/* AF_INET, AF_INET6 */
	uint8_t a[16];
};

/* Text form of a (and ":port" forms with brackets for v6). */
#define NET_ADDR_STRLEN (INET6_ADDRSTRLEN + 8)
const char *net_addr_str(const struct net_addr *a, char *buf, size_t len);
/* "1.2.3.4:80" or "[::1]:80" */
const char *net_endpoint_str(const struct net_addr *a, uint16_t port,
			     char *buf, size_t len);
/* family's raw bytes (4 or 16, network order, as the kernel gives them). */
void net_addr_set(struct net_addr *a, uint8_t family, const void *raw);
/* Parse "1.2.3.4" or "::1" into a; returns 0, or -1 if not an address. */
int net_addr_parse(const char *s, struct net_addr *a);
bool net_addr_eq(const struct net_addr *x, const struct net_addr *y);
bool net_addr_is_loopback(const struct net_addr *a);
/* 0.0.0.0 or :: */
bool net_addr_is_any(const struct net_addr *a);
/* ::ffff:a.b.c.d becomes a.b.c.d; others are copied. */
void net_addr_unmap(const struct net_addr *in, struct net_addr *out);
/*
 * Does a socket bound to la accept traffic to addr?  A wildcard "::"
 * counts as taking v4 too (unless IPV6_V6ONLY, which is not known).
 */
bool net_addr_accepts(const struct net_addr *la, const struct net_addr *addr);
/*
 * Is a one of a namespace's own addresses (set, n of them, unmapped)?
 * Loopback always is; a v4-mapped a counts as its v4 address.
 */
bool net_addr_is_local(const struct net_addr *set, size_t n,
		       const struct net_addr *a);

#endif
