/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_ADDR_H
#define VIGIL_ADDR_H

#include <arpa/inet.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "modules.h"

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
bool net_addr_eq(const struct net_addr *x, const struct net_addr *y);
bool net_addr_is_loopback(const struct net_addr *a);
/* 0.0.0.0 or :: */
bool net_addr_is_any(const struct net_addr *a);
/* ::ffff:a.b.c.d becomes a.b.c.d; others are copied. */
void net_addr_unmap(const struct net_addr *in, struct net_addr *out);

/* At most this many local addresses are kept (more are counted). */
#define ADDR_MAX 4096

/*
 * The addresses of the watched namespace, from an rtnetlink dump and
 * kept current by RTNLGRP_IPV4_IFADDR / RTNLGRP_IPV6_IFADDR messages.
 */
struct addr_table;

/* Loopback addresses always count as local. */
bool addr_is_local(const struct addr_table *t, const struct net_addr *a);
size_t addr_count(const struct addr_table *t);

/* The module (modules.c); sets v->addrs. */
extern const struct vigil_module addr_module;

#endif
