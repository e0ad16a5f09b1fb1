/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_CTPARSE_H
#define VIGIL_CTPARSE_H

#include <linux/netlink.h>
#include <stdbool.h>
#include <stdint.h>

#include "lib/netaddr.h"

/*
 * What vigild takes of a ctnetlink message (an event or a dump's
 * entry): the original tuple, the reply's source (the server, after
 * NAT), the conntrack id and the TCP state.  Ports in host order.
 */
struct ct_msg {
	uint8_t family;			/* AF_INET, AF_INET6 */
	uint8_t proto;			/* IPPROTO_*, the original tuple's */
	struct net_addr src, dst, reply_src;
	uint16_t sport, dport, reply_sport;
	bool has_id, has_tcp_state;
	uint32_t id;
	uint8_t tcp_state;		/* TCP_CONNTRACK_* */
};

/*
 * Walk nlh's attributes with libmnl, taking only the above, each
 * checked for its length: a full nfct_nlmsg_parse() copies every
 * attribute of every event into an nf_conntrack.  nlh->nlmsg_len
 * bytes, rounded up to netlink's alignment, must be readable (as in a
 * datagram mnl_cb_run() checked).  Returns 0, or -1
 * when the message has no whole original tuple of IPv4 or IPv6 with a
 * protocol number.
 */
int ct_parse(const struct nlmsghdr *nlh, struct ct_msg *m);

#endif
