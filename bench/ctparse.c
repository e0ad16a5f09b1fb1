// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench/ct-parse: the CPU of reading one ctnetlink event, vigild's
 * ct_parse() (libmnl, the fields it needs) beside what it replaced,
 * libnetfilter_conntrack's nfct_copy() + nfct_nlmsg_parse() (every
 * attribute into an nf_conntrack), on the same message built by the
 * library.  Prints ns per message of each.
 */
#include "build.h"

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>
#include <linux/netfilter/nf_conntrack_tcp.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <stdio.h>
#include <time.h>

#include "sources/ctparse.h"

#define ROUNDS 1000000

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* A NEW event of a TCP flow, with what the kernel sends beside it. */
static struct nlmsghdr *event(char *buf, struct nf_conntrack *ct)
{
	uint32_t a = htonl(0x0a000001), b = htonl(0x0a000002);
	struct nlmsghdr *nlh;
	struct nfgenmsg *g;

	nfct_set_attr_u8(ct, ATTR_L3PROTO, AF_INET);
	nfct_set_attr_u8(ct, ATTR_L4PROTO, IPPROTO_TCP);
	nfct_set_attr_u32(ct, ATTR_IPV4_SRC, a);
	nfct_set_attr_u32(ct, ATTR_IPV4_DST, b);
	nfct_set_attr_u8(ct, ATTR_REPL_L3PROTO, AF_INET);
	nfct_set_attr_u8(ct, ATTR_REPL_L4PROTO, IPPROTO_TCP);
	nfct_set_attr_u32(ct, ATTR_REPL_IPV4_SRC, b);
	nfct_set_attr_u32(ct, ATTR_REPL_IPV4_DST, a);
	nfct_set_attr_u16(ct, ATTR_PORT_SRC, htons(40000));
	nfct_set_attr_u16(ct, ATTR_PORT_DST, htons(80));
	nfct_set_attr_u16(ct, ATTR_REPL_PORT_SRC, htons(80));
	nfct_set_attr_u16(ct, ATTR_REPL_PORT_DST, htons(40000));
	nfct_set_attr_u32(ct, ATTR_ID, 77);
	nfct_set_attr_u8(ct, ATTR_TCP_STATE, TCP_CONNTRACK_SYN_SENT);
	nfct_set_attr_u32(ct, ATTR_TIMEOUT, 120);
	nfct_set_attr_u32(ct, ATTR_MARK, 0);
	nfct_set_attr_u32(ct, ATTR_STATUS, 8);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_NEW;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->nfgen_family = AF_INET;
	nfct_nlmsg_build(nlh, ct);
	return nlh;
}

int main(void)
{
	struct nf_conntrack *ct = nfct_new(), *x = nfct_new();
	struct nf_conntrack *blank = nfct_new();
	volatile unsigned int sink = 0;
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct ct_msg m;
	double t0;
	int i;

	if (!ct || !x || !blank)
		return 1;
	nlh = event(buf, ct);
	t0 = now();
	for (i = 0; i < ROUNDS; i++) {
		nfct_copy(x, blank, NFCT_CP_OVERRIDE);
		nfct_nlmsg_parse(nlh, x);
		sink += nfct_get_attr_u16(x, ATTR_PORT_DST);
	}
	printf("nfct: %.0f ns/msg\n", (now() - t0) * 1e9 / ROUNDS);
	t0 = now();
	for (i = 0; i < ROUNDS; i++) {
		ct_parse(nlh, &m);
		sink += m.dport;
	}
	printf("ct_parse: %.0f ns/msg\n", (now() - t0) * 1e9 / ROUNDS);
	nfct_destroy(ct);
	nfct_destroy(x);
	nfct_destroy(blank);
	return 0;
}
