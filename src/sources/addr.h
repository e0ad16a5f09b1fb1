/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_ADDR_H
#define VIGIL_ADDR_H

#include <arpa/inet.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/netaddr.h"
#include "core/module.h"

/*
 * The local addresses of the watched namespace, from an rtnetlink dump,
 * kept current by RTNLGRP_IPV4_IFADDR / RTNLGRP_IPV6_IFADDR messages and
 * written to the model.
 */
/*
 * The address an RTM_NEWADDR or RTM_DELADDR message tells (IFA_LOCAL
 * for point-to-point v4 links, IFA_ADDRESS otherwise).  Returns the
 * message type with out filled, or 0 for any other message.
 */
struct nlmsghdr;
int addr_parse_msg(const struct nlmsghdr *nlh, struct net_addr *out);

/* The module (modules.c); writes model_addrs_*. */
extern const struct vigil_module addr_module;

#endif
