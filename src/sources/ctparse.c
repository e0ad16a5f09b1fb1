// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A ctnetlink message's tuple, id and TCP state, read from its netlink
 * attributes with libmnl (ctparse.h): the few vigild needs, not every
 * attribute copied into an nf_conntrack for each of thousands of
 * events a second.
 */
#include "build.h"

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <string.h>

#include "sources/ctparse.h"

/*
 * The attributes of one nesting level, by type (NULL when absent): the
 * top level's CTA_MAX, or a nested level's few.
 */
#define NEST_MAX 15

struct attrs {
	const struct nlattr **tb;
	int max;
};

_Static_assert(CTA_TUPLE_MAX <= NEST_MAX && CTA_IP_MAX <= NEST_MAX &&
	       CTA_PROTO_MAX <= NEST_MAX && CTA_PROTOINFO_MAX <= NEST_MAX &&
	       CTA_PROTOINFO_TCP_MAX <= NEST_MAX,
	       "a nested level's types fit NEST_MAX");

static int keep(const struct nlattr *a, void *data)
{
	struct attrs *at = data;
	int type = mnl_attr_get_type(a);

	if (type <= at->max)
		at->tb[type] = a;
	return MNL_CB_OK;
}

static int nested(const struct nlattr *a, int max, struct attrs *at,
		  const struct nlattr **tb)
{
	memset(tb, 0, (size_t)(max + 1) * sizeof(*tb));
	at->tb = tb;
	at->max = max;
	return mnl_attr_parse_nested(a, keep, at) < 0 ? -1 : 0;
}

/* An attribute of exactly len bytes, or NULL. */
static const void *sized(const struct nlattr *a, size_t len)
{
	if (!a || mnl_attr_get_payload_len(a) != len)
		return NULL;
	return mnl_attr_get_payload(a);
}

/* One tuple: addresses of family, protocol number, ports. */
static int tuple(const struct nlattr *t, uint8_t family,
		 struct net_addr *src, struct net_addr *dst, uint8_t *proto,
		 uint16_t *sport, uint16_t *dport)
{
	const size_t alen = family == AF_INET ? 4 : 16;
	const int src_type = family == AF_INET ? CTA_IP_V4_SRC : CTA_IP_V6_SRC;
	const int dst_type = family == AF_INET ? CTA_IP_V4_DST : CTA_IP_V6_DST;
	const struct nlattr *t_tb[NEST_MAX + 1], *ip_tb[NEST_MAX + 1];
	const struct nlattr *pr_tb[NEST_MAX + 1];
	const void *s, *d, *p;
	const uint16_t *sp, *dp;
	struct attrs top, ip, pr;

	if (!t || nested(t, CTA_TUPLE_MAX, &top, t_tb) < 0 ||
	    !top.tb[CTA_TUPLE_IP] || !top.tb[CTA_TUPLE_PROTO] ||
	    nested(top.tb[CTA_TUPLE_IP], CTA_IP_MAX, &ip, ip_tb) < 0 ||
	    nested(top.tb[CTA_TUPLE_PROTO], CTA_PROTO_MAX, &pr, pr_tb) < 0)
		return -1;
	s = sized(ip.tb[src_type], alen);
	d = sized(ip.tb[dst_type], alen);
	p = sized(pr.tb[CTA_PROTO_NUM], 1);
	if (!s || !d || !p)
		return -1;
	memset(src, 0, sizeof(*src));
	memset(dst, 0, sizeof(*dst));
	src->family = dst->family = family;
	memcpy(src->a, s, alen);
	memcpy(dst->a, d, alen);
	*proto = *(const uint8_t *)p;
	/* ports only for protocols that have them: zero otherwise */
	sp = sized(pr.tb[CTA_PROTO_SRC_PORT], 2);
	dp = sized(pr.tb[CTA_PROTO_DST_PORT], 2);
	*sport = sp ? ntohs(*sp) : 0;
	*dport = dp ? ntohs(*dp) : 0;
	return 0;
}

static void tcp_state(const struct nlattr *info, struct ct_msg *m)
{
	const struct nlattr *pi_tb[NEST_MAX + 1], *tcp_tb[NEST_MAX + 1];
	struct attrs pi, tcp;
	const uint8_t *st;

	if (!info || nested(info, CTA_PROTOINFO_MAX, &pi, pi_tb) < 0 ||
	    !pi.tb[CTA_PROTOINFO_TCP] ||
	    nested(pi.tb[CTA_PROTOINFO_TCP], CTA_PROTOINFO_TCP_MAX, &tcp,
		   tcp_tb) < 0)
		return;
	st = sized(tcp.tb[CTA_PROTOINFO_TCP_STATE], 1);
	if (st) {
		m->tcp_state = *st;
		m->has_tcp_state = true;
	}
}

int ct_parse(const struct nlmsghdr *nlh, struct ct_msg *m)
{
	const struct nlattr *top_tb[CTA_MAX + 1] = { 0 };
	struct attrs top = { .tb = top_tb, .max = CTA_MAX };
	const struct nfgenmsg *g;
	const uint32_t *id;
	uint8_t rproto;
	uint16_t rdport;
	struct net_addr rdst;

	memset(m, 0, sizeof(*m));
	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*g)))
		return -1;
	g = mnl_nlmsg_get_payload(nlh);
	if (g->nfgen_family != AF_INET && g->nfgen_family != AF_INET6)
		return -1;
	m->family = g->nfgen_family;
	if (mnl_attr_parse(nlh, sizeof(*g), keep, &top) < 0 ||
	    tuple(top.tb[CTA_TUPLE_ORIG], m->family, &m->src, &m->dst,
		  &m->proto, &m->sport, &m->dport) < 0)
		return -1;
	/* the reply's source is the server as it answers (after NAT) */
	if (tuple(top.tb[CTA_TUPLE_REPLY], m->family, &m->reply_src, &rdst,
		  &rproto, &m->reply_sport, &rdport) < 0) {
		m->reply_src = m->dst;
		m->reply_sport = m->dport;
	}
	id = sized(top.tb[CTA_ID], 4);
	if (id) {
		m->id = ntohl(*id);
		m->has_id = true;
	}
	tcp_state(top.tb[CTA_PROTOINFO], m);
	return 0;
}
