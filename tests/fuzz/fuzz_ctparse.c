// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ct_parse() over any bytes.  The input is a ctnetlink message's
 * payload (the nfgenmsg and its attributes), put behind a netlink
 * header in memory of its own, no more than netlink's alignment past
 * its end, as a received datagram has it: ct_parse must read nothing
 * outside it (ASan), and what it takes must be whole: a family it
 * follows, an IPv4 address with nothing after its 4 bytes.
 * (libnetfilter_conntrack is no reference here: it exits the process
 * on an attribute type it does not know.  check_ctparse compares the
 * two on messages the library builds.)
 */
#include "build.h"

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "fuzz.h"
#include "sources/ctparse.h"

static void v4_whole(const struct net_addr *a)
{
	static const uint8_t zero[12];

	if (a->family != AF_INET || memcmp(a->a + 4, zero, sizeof(zero)))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t len = MNL_NLMSG_HDRLEN + size;
	struct nlmsghdr *nlh;
	struct ct_msg m;

	if (size > 65535)
		return 0;
	nlh = calloc(1, MNL_ALIGN(len));
	if (!nlh)
		return 0;
	nlh->nlmsg_len = (uint32_t)len;
	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_NEW;
	memcpy(mnl_nlmsg_get_payload(nlh), data, size);
	if (ct_parse(nlh, &m) == 0) {
		if (m.family == AF_INET) {
			v4_whole(&m.src);
			v4_whole(&m.dst);
			v4_whole(&m.reply_src);
		} else if (m.family != AF_INET6 || m.src.family != AF_INET6) {
			abort();
		}
		/* a TCP state only where one was read */
		if (!m.has_tcp_state && m.tcp_state)
			abort();
	}
	free(nlh);
	return 0;
}
