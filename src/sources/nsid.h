/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_SOURCES_NSID_H
#define VIGIL_SOURCES_NSID_H

#include <stdint.h>

#include "lib/nldump.h"

/*
 * The id vigild's network namespace gives another one (what conntrack
 * events from there carry, NETLINK_LISTEN_ALL_NSID), assigned first
 * when it has none (RTM_NEWNSID, as "ip netns set NAME auto").  rt is
 * an rtnetlink nldump in vigild's namespace; nsfd is open on the other
 * namespace.  Needs CAP_NET_ADMIN to assign.  Returns the id (>= 0),
 * or -1 with errno.
 */
int32_t nsid_get(struct nldump *rt, int nsfd);

#endif
