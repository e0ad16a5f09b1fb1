// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The local socket of a flow, asked of the kernel by sock_diag in the
 * watched network namespace: its inode (to find its holder in /proc)
 * and its uid.
 */
#include "build.h"

#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "lib/loop.h"
#include "lib/nldump.h"
#include "sources/sockfind.h"

struct sockfind {
	struct nldump *nl;
	bool dual_stack_seen;	/* a v4 flow was a v6 socket's */
	uint64_t dual_probe_sec;
	/* a lookup answers here */
	struct sock_owner *want;
	const struct net_addr *want_src;
	uint16_t want_port;
	bool found;
};

struct sockfind *sockfind_open(const char *netns)
{
	struct sockfind *sf = calloc(1, sizeof(*sf));
	int e;

	if (!sf)
		return NULL;
	sf->nl = nldump_open(netns, NETLINK_SOCK_DIAG);
	if (!sf->nl) {
		e = errno;
		free(sf);
		errno = e;
		return NULL;
	}
	return sf;
}

void sockfind_close(struct sockfind *sf)
{
	if (!sf)
		return;
	nldump_close(sf->nl);
	free(sf);
}

/* A lookup answer: the socket whose local end is the flow's. */
static int on_sock(const struct nlmsghdr *nlh, void *data)
{
	const struct inet_diag_msg *m = mnl_nlmsg_get_payload(nlh);
	struct sockfind *o = data;
	struct net_addr a;

	if (nlh->nlmsg_type != SOCK_DIAG_BY_FAMILY ||
	    nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*m)) || o->found)
		return MNL_CB_OK;
	if (ntohs(m->id.idiag_sport) != o->want_port)
		return MNL_CB_OK;
	net_addr_set(&a, m->idiag_family, m->id.idiag_src);
	if (!net_addr_accepts(&a, o->want_src))
		return MNL_CB_OK;
	o->want->inode = m->idiag_inode;
	o->want->uid = m->idiag_uid;
	o->found = m->idiag_inode != 0;
	return MNL_CB_OK;
}

static void put_diag_addr(__be32 *raw, const struct net_addr *a,
			  uint8_t family)
{
	struct net_addr u;

	if (family == AF_INET6 && a->family == AF_INET) {
		/* a v4 flow of a dual-stack socket: ::ffff:a.b.c.d */
		memset(raw, 0, 16);
		((uint8_t *)raw)[10] = 0xff;
		((uint8_t *)raw)[11] = 0xff;
		memcpy((uint8_t *)raw + 12, a->a, 4);
		return;
	}
	net_addr_unmap(a, &u);
	memcpy(raw, u.a, family == AF_INET6 ? 16 : 4);
}

/*
 * TCP: the kernel finds the exact socket.  UDP: its exact lookup takes
 * the tuple from the receiving side, and client sockets are usually
 * unconnected, so scan the UDP dump for the local address and port.
 */
static int lookup_sock(struct sockfind *o, uint8_t family,
		       const struct flow_event *fe)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct inet_diag_req_v2 *req;
	int r;

	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	/* ACK: a single answer has no NLMSG_DONE to end on */
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	req = mnl_nlmsg_put_extra_header(nlh, sizeof(*req));
	req->sdiag_family = family;
	req->sdiag_protocol = fe->proto;
	req->idiag_states = ~0u;
	req->id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
	req->id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
	if (fe->proto == IPPROTO_TCP) {
		req->id.idiag_sport = htons(fe->sport);
		req->id.idiag_dport = htons(fe->dport);
		put_diag_addr(req->id.idiag_src, &fe->src, family);
		put_diag_addr(req->id.idiag_dst, &fe->dst, family);
	} else {
		nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	}
	r = nldump_run(o->nl, nlh, on_sock, o, NULL);
	/* ENOENT: no such socket, which is an answer, not a failure */
	if (r < 0 && errno == ENOENT)
		r = 0;
	return r;
}

int sockfind_socket(struct sockfind *o, const struct flow_event *fe,
		    struct sock_owner *out)
{
	uint64_t sec = loop_now_ms() / 1000;
	bool ask_v6;

	o->want = out;
	o->want_src = &fe->src;
	o->want_port = fe->sport;
	o->found = false;
	if (lookup_sock(o, fe->src.family, fe) < 0)
		return -1;
	if (o->found || fe->src.family != AF_INET)
		return o->found ? 1 : 0;
	/*
	 * A v4 flow of a dual-stack v6 socket: asked for only on a host
	 * where one was ever found, or once a second to find out, so a
	 * flow whose socket is gone costs one round trip, not two.
	 */
	ask_v6 = o->dual_stack_seen || sec != o->dual_probe_sec;
	if (!ask_v6)
		return 0;
	o->dual_probe_sec = sec;
	if (lookup_sock(o, AF_INET6, fe) < 0)
		return -1;
	if (o->found)
		o->dual_stack_seen = true;
	return o->found ? 1 : 0;
}
