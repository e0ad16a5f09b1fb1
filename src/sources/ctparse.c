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
 * The attributes of the types asked for, each the last of its type,
 * among the len bytes of attributes at start: one walk with libmnl, no
 * callback, no table of every type.  p[i].a is NULL when absent.
 */
struct pick {
	uint16_t type;
	const struct nlattr *a;
};

static void pick(const void *start, size_t len, struct pick *p, int n)
{
	const char *end = (const char *)start + len;
	const struct nlattr *a;
	int i;

	for (i = 0; i < n; i++)
		p[i].a = NULL;
	for (a = start; mnl_attr_ok(a, (int)(end - (const char *)a));
	     a = mnl_attr_next(a)) {
		uint16_t type = mnl_attr_get_type(a);

		for (i = 0; i < n; i++)
			if (p[i].type == type)
				p[i].a = a;
	}
}

/* The attributes of the types asked for in the nest a. */
static void pick_nested(const struct nlattr *a, struct pick *p, int n)
{
	pick(mnl_attr_get_payload(a), mnl_attr_get_payload_len(a), p, n);
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
	struct pick top[] = { { CTA_TUPLE_IP }, { CTA_TUPLE_PROTO } };
	struct pick ip[] = {
		{ family == AF_INET ? CTA_IP_V4_SRC : CTA_IP_V6_SRC },
		{ family == AF_INET ? CTA_IP_V4_DST : CTA_IP_V6_DST },
	};
	struct pick pr[] = {
		{ CTA_PROTO_NUM },
		{ CTA_PROTO_SRC_PORT },
		{ CTA_PROTO_DST_PORT },
	};
	const void *s, *d, *p;
	const uint16_t *sp, *dp;

	if (!t)
		return -1;
	pick_nested(t, top, 2);
	if (!top[0].a || !top[1].a)
		return -1;
	pick_nested(top[0].a, ip, 2);
	pick_nested(top[1].a, pr, 3);
	s = sized(ip[0].a, alen);
	d = sized(ip[1].a, alen);
	p = sized(pr[0].a, 1);
	if (!s || !d || !p)
		return -1;
	memset(src, 0, sizeof(*src));
	memset(dst, 0, sizeof(*dst));
	src->family = dst->family = family;
	memcpy(src->a, s, alen);
	memcpy(dst->a, d, alen);
	*proto = *(const uint8_t *)p;
	/* ports only for protocols that have them: zero otherwise */
	sp = sized(pr[1].a, 2);
	dp = sized(pr[2].a, 2);
	*sport = sp ? ntohs(*sp) : 0;
	*dport = dp ? ntohs(*dp) : 0;
	return 0;
}

static void tcp_state(const struct nlattr *info, struct ct_msg *m)
{
	struct pick pi[] = { { CTA_PROTOINFO_TCP } };
	struct pick tcp[] = { { CTA_PROTOINFO_TCP_STATE } };
	const uint8_t *st;

	if (!info)
		return;
	pick_nested(info, pi, 1);
	if (!pi[0].a)
		return;
	pick_nested(pi[0].a, tcp, 1);
	st = sized(tcp[0].a, 1);
	if (st) {
		m->tcp_state = *st;
		m->has_tcp_state = true;
	}
}

int ct_parse(const struct nlmsghdr *nlh, struct ct_msg *m)
{
	struct pick top[] = {
		{ CTA_TUPLE_ORIG }, { CTA_TUPLE_REPLY }, { CTA_ID },
		{ CTA_PROTOINFO },
	};
	const struct nfgenmsg *g;
	const void *start;
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
	start = mnl_nlmsg_get_payload_offset(nlh, sizeof(*g));
	pick(start, (size_t)((const char *)mnl_nlmsg_get_payload_tail(nlh) -
			     (const char *)start), top, 4);
	if (tuple(top[0].a, m->family, &m->src, &m->dst, &m->proto,
		  &m->sport, &m->dport) < 0)
		return -1;
	/* the reply's source is the server as it answers (after NAT) */
	if (tuple(top[1].a, m->family, &m->reply_src, &rdst,
		  &rproto, &m->reply_sport, &rdport) < 0) {
		m->reply_src = m->dst;
		m->reply_sport = m->dport;
	}
	id = sized(top[2].a, 4);
	if (id) {
		m->id = ntohl(*id);
		m->has_id = true;
	}
	tcp_state(top[3].a, m);
	return 0;
}
