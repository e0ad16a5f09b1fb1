// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ct_parse() against libnetfilter_conntrack: messages built by the
 * library from flows of every kind vigild sees (TCP and UDP, IPv4 and
 * IPv6, NAT, with and without an id or a TCP state) read back the same
 * by both; and cut or bent messages are refused, never read past.
 */
#include "build.h"

#include <arpa/inet.h>
#include <check.h>
#include <libmnl/libmnl.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>
#include <linux/netfilter/nf_conntrack_tcp.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <stdlib.h>
#include <string.h>

#include "sources/ctparse.h"
#include "unit.h"

struct flow {
	int family, proto;
	const char *src, *dst, *rsrc;
	uint16_t sport, dport, rsport;
	bool id, state;
};

static const struct flow flows[] = {
	{ AF_INET, IPPROTO_TCP, "10.0.0.1", "10.0.0.2", "10.0.0.2",
	  40000, 23, 23, true, true },
	{ AF_INET, IPPROTO_UDP, "192.0.2.7", "198.51.100.1", "198.51.100.1",
	  5353, 161, 161, true, false },
	/* NAT: the server answers from another address and port */
	{ AF_INET, IPPROTO_TCP, "10.0.0.1", "203.0.113.9", "172.16.0.5",
	  40001, 80, 8080, true, true },
	{ AF_INET6, IPPROTO_TCP, "fd00::1", "fd00::2", "fd00::2",
	  50000, 21, 21, true, true },
	{ AF_INET6, IPPROTO_UDP, "::1", "::1", "::1", 1234, 69, 69, false,
	  false },
	{ AF_INET, IPPROTO_TCP, "127.0.0.1", "127.0.0.1", "127.0.0.1",
	  1, 65535, 65535, false, true },
};

/* A NEW event of f, as the kernel would send it, built by libnfct. */
static struct nlmsghdr *build(const struct flow *f, char *buf,
			      struct nf_conntrack **out)
{
	struct nf_conntrack *ct = nfct_new();
	struct nlmsghdr *nlh;
	struct nfgenmsg *g;
	unsigned char a[16];
	int alen = f->family == AF_INET ? 4 : 16;

	ck_assert_ptr_nonnull(ct);
	nfct_set_attr_u8(ct, ATTR_L3PROTO, (uint8_t)f->family);
	nfct_set_attr_u8(ct, ATTR_L4PROTO, (uint8_t)f->proto);
	ck_assert_int_eq(inet_pton(f->family, f->src, a), 1);
	nfct_set_attr_l(ct, f->family == AF_INET ? ATTR_IPV4_SRC :
			ATTR_IPV6_SRC, a, alen);
	ck_assert_int_eq(inet_pton(f->family, f->dst, a), 1);
	nfct_set_attr_l(ct, f->family == AF_INET ? ATTR_IPV4_DST :
			ATTR_IPV6_DST, a, alen);
	ck_assert_int_eq(inet_pton(f->family, f->rsrc, a), 1);
	nfct_set_attr_u8(ct, ATTR_REPL_L3PROTO, (uint8_t)f->family);
	nfct_set_attr_u8(ct, ATTR_REPL_L4PROTO, (uint8_t)f->proto);
	nfct_set_attr_l(ct, f->family == AF_INET ? ATTR_REPL_IPV4_SRC :
			ATTR_REPL_IPV6_SRC, a, alen);
	ck_assert_int_eq(inet_pton(f->family, f->src, a), 1);
	nfct_set_attr_l(ct, f->family == AF_INET ? ATTR_REPL_IPV4_DST :
			ATTR_REPL_IPV6_DST, a, alen);
	nfct_set_attr_u16(ct, ATTR_PORT_SRC, htons(f->sport));
	nfct_set_attr_u16(ct, ATTR_PORT_DST, htons(f->dport));
	nfct_set_attr_u16(ct, ATTR_REPL_PORT_SRC, htons(f->rsport));
	nfct_set_attr_u16(ct, ATTR_REPL_PORT_DST, htons(f->sport));
	if (f->id)
		nfct_set_attr_u32(ct, ATTR_ID, 0x12345678u);
	if (f->state)
		nfct_set_attr_u8(ct, ATTR_TCP_STATE, TCP_CONNTRACK_FIN_WAIT);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_NEW;
	nlh->nlmsg_flags = NLM_F_CREATE;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->nfgen_family = (uint8_t)f->family;
	g->version = NFNETLINK_V0;
	ck_assert_int_eq(nfct_nlmsg_build(nlh, ct), 0);
	*out = ct;
	return nlh;
}

START_TEST(same_as_libnfct)
{
	const struct flow *f = &flows[_i];
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nf_conntrack *ct, *back = nfct_new();
	struct nlmsghdr *nlh = build(f, buf, &ct);
	struct ct_msg m;
	int alen = f->family == AF_INET ? 4 : 16;
	unsigned char a[16];

	ck_assert_int_eq(ct_parse(nlh, &m), 0);
	/* what the library reads of the same message */
	ck_assert_int_eq(nfct_nlmsg_parse(nlh, back), 0);
	ck_assert_int_eq(m.family, f->family);
	ck_assert_int_eq(m.family, nfct_get_attr_u8(back, ATTR_L3PROTO));
	ck_assert_int_eq(m.proto, nfct_get_attr_u8(back, ATTR_L4PROTO));
	ck_assert_int_eq(m.sport, ntohs(nfct_get_attr_u16(back,
							  ATTR_PORT_SRC)));
	ck_assert_int_eq(m.dport, ntohs(nfct_get_attr_u16(back,
							  ATTR_PORT_DST)));
	ck_assert_int_eq(m.reply_sport, f->rsport);
	ck_assert_int_eq(m.reply_sport,
			 ntohs(nfct_get_attr_u16(back, ATTR_REPL_PORT_SRC)));
	ck_assert_int_eq(inet_pton(f->family, f->src, a), 1);
	ck_assert_mem_eq(m.src.a, a, (size_t)alen);
	ck_assert_mem_eq(m.src.a, nfct_get_attr(back, f->family == AF_INET ?
		ATTR_IPV4_SRC : ATTR_IPV6_SRC), (size_t)alen);
	ck_assert_int_eq(inet_pton(f->family, f->dst, a), 1);
	ck_assert_mem_eq(m.dst.a, a, (size_t)alen);
	ck_assert_int_eq(inet_pton(f->family, f->rsrc, a), 1);
	ck_assert_mem_eq(m.reply_src.a, a, (size_t)alen);
	ck_assert_int_eq(m.has_id, nfct_attr_is_set(back, ATTR_ID) > 0);
	if (m.has_id)
		ck_assert_uint_eq(m.id, nfct_get_attr_u32(back, ATTR_ID));
	ck_assert_int_eq(m.has_tcp_state,
			 nfct_attr_is_set(back, ATTR_TCP_STATE) > 0);
	if (m.has_tcp_state)
		ck_assert_int_eq(m.tcp_state, TCP_CONNTRACK_FIN_WAIT);
	nfct_destroy(ct);
	nfct_destroy(back);
}
END_TEST

/* Every cut of a message is refused or read inside it (ASan/valgrind). */
START_TEST(cut_and_bent)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], *copy;
	struct nf_conntrack *ct;
	struct nlmsghdr *nlh = build(&flows[3], buf, &ct);
	uint32_t len = nlh->nlmsg_len, cut;
	struct ct_msg m;
	int ok = 0;

	for (cut = 0; cut < len; cut++) {
		/*
		 * cut bytes long, in memory of its own with no more than
		 * netlink's alignment after it (as a received datagram has)
		 */
		copy = calloc(1, MNL_ALIGN(cut) ? MNL_ALIGN(cut) : 1);
		memcpy(copy, nlh, cut);
		if (cut >= sizeof(struct nlmsghdr))
			((struct nlmsghdr *)copy)->nlmsg_len = cut;
		if (cut >= sizeof(struct nlmsghdr) && ct_parse(
				(struct nlmsghdr *)copy, &m) == 0)
			ok++;
		free(copy);
	}
	/* a message cut inside its original tuple has none */
	ck_assert_int_lt(ok, (int)len);
	/* a family vigild does not follow */
	((struct nfgenmsg *)mnl_nlmsg_get_payload(nlh))->nfgen_family =
		AF_UNIX;
	ck_assert_int_eq(ct_parse(nlh, &m), -1);
	nfct_destroy(ct);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ctparse");
	TCase *tc = tcase_create("ctparse");

	tcase_add_loop_test(tc, same_as_libnfct, 0,
			    sizeof(flows) / sizeof(flows[0]));
	tcase_add_test(tc, cut_and_bent);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
