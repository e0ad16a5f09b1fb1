// SPDX-License-Identifier: GPL-2.0-or-later
/* The local addresses of the watched namespace, from rtnetlink. */
#include "build.h"

#include <errno.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>

#include "sources/addr.h"
#include "lib/log.h"
#include "lib/netns.h"
#include "lib/nldump.h"
#include "vigil.h"

struct addr_table {
	struct vigil *v;
	struct mnl_socket *events;	/* RTNLGRP_*_IFADDR */
	struct mnl_socket *dump;
	struct net_addr *addrs;
	size_t n;
	char *buf;
	uint64_t *count, *overruns, *dropped;
	char *netns;			/* as opened; NULL: our own */
};

const char *net_addr_str(const struct net_addr *a, char *buf, size_t len)
{
	if (!inet_ntop(a->family, a->a, buf, (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}

const char *net_endpoint_str(const struct net_addr *a, uint16_t port,
			     char *buf, size_t len)
{
	char s[INET6_ADDRSTRLEN];

	net_addr_str(a, s, sizeof(s));
	if (a->family == AF_INET6)
		snprintf(buf, len, "[%s]:%u", s, port);
	else
		snprintf(buf, len, "%s:%u", s, port);
	return buf;
}

static size_t addr_len(uint8_t family)
{
	return family == AF_INET6 ? 16 : 4;
}

bool net_addr_eq(const struct net_addr *x, const struct net_addr *y)
{
	return x->family == y->family &&
	       !memcmp(x->a, y->a, addr_len(x->family));
}

static const uint8_t v4mapped[12] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
};

void net_addr_unmap(const struct net_addr *in, struct net_addr *out)
{
	*out = *in;
	if (in->family == AF_INET6 && !memcmp(in->a, v4mapped, 12)) {
		memset(out, 0, sizeof(*out));
		out->family = AF_INET;
		memcpy(out->a, in->a + 12, 4);
	}
}

bool net_addr_is_loopback(const struct net_addr *a)
{
	static const uint8_t v6lo[16] = { [15] = 1 };
	struct net_addr u;

	net_addr_unmap(a, &u);
	if (u.family == AF_INET)
		return u.a[0] == 127;
	return !memcmp(u.a, v6lo, 16);
}

bool net_addr_is_any(const struct net_addr *a)
{
	static const uint8_t zero[16];

	return !memcmp(a->a, zero, addr_len(a->family));
}

bool addr_is_local(const struct addr_table *t, const struct net_addr *a)
{
	struct net_addr u;
	size_t i;

	if (net_addr_is_loopback(a))
		return true;
	net_addr_unmap(a, &u);
	for (i = 0; i < t->n; i++)
		if (net_addr_eq(&t->addrs[i], &u))
			return true;
	return false;
}

size_t addr_count(const struct addr_table *t)
{
	return t->n;
}

static void table_del(struct addr_table *t, const struct net_addr *a)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		if (net_addr_eq(&t->addrs[i], a)) {
			t->addrs[i] = t->addrs[--t->n];
			return;
		}
	}
}

static void table_add(struct addr_table *t, const struct net_addr *a)
{
	table_del(t, a);
	if (t->n == ADDR_MAX) {
		(*t->dropped)++;
		return;
	}
	t->addrs[t->n++] = *a;
}

/* Parse one RTM_NEWADDR/RTM_DELADDR: the address is IFA_LOCAL for
 * point-to-point v4 links, IFA_ADDRESS otherwise. */
static int on_addr_msg(const struct nlmsghdr *nlh, void *data)
{
	const struct ifaddrmsg *ifa;
	const struct nlattr *attr, *local = NULL, *address = NULL;
	struct addr_table *t = data;
	struct net_addr a = { 0 };
	const struct nlattr *use;

	if (nlh->nlmsg_type != RTM_NEWADDR && nlh->nlmsg_type != RTM_DELADDR)
		return MNL_CB_OK;
	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*ifa)))
		return MNL_CB_OK;
	ifa = mnl_nlmsg_get_payload(nlh);
	if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6)
		return MNL_CB_OK;
	mnl_attr_for_each(attr, nlh, sizeof(*ifa)) {
		if (mnl_attr_get_type(attr) == IFA_LOCAL)
			local = attr;
		else if (mnl_attr_get_type(attr) == IFA_ADDRESS)
			address = attr;
	}
	use = local ? local : address;
	if (!use || mnl_attr_get_payload_len(use) != addr_len(ifa->ifa_family))
		return MNL_CB_OK;
	a.family = ifa->ifa_family;
	memcpy(a.a, mnl_attr_get_payload(use), addr_len(a.family));
	if (nlh->nlmsg_type == RTM_NEWADDR)
		table_add(t, &a);
	else
		table_del(t, &a);
	*t->count = t->n;
	return MNL_CB_OK;
}

static int redump(struct addr_table *t)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtgenmsg *rt;

	nlh->nlmsg_type = RTM_GETADDR;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	rt = mnl_nlmsg_put_extra_header(nlh, sizeof(*rt));
	rt->rtgen_family = AF_UNSPEC;
	t->n = 0;
	if (nldump_run(t->dump, nlh, on_addr_msg, t) < 0) {
		log_warn("addr: cannot read the local addresses: %m");
		return -1;
	}
	*t->count = t->n;
	return 0;
}

static void on_readable(struct loop *loop, int fd, uint32_t events,
			void *data)
{
	struct addr_table *t = data;
	int rounds;

	(void)loop;
	(void)events;
	for (rounds = 0; rounds < 64; rounds++) {
		ssize_t n = recv(fd, t->buf, MNL_SOCKET_BUFFER_SIZE,
				 MSG_DONTWAIT);

		if (n < 0 && errno == ENOBUFS) {
			/* Changes were lost: read the whole table again. */
			(*t->overruns)++;
			redump(t);
			continue;
		}
		if (n <= 0)
			return;
		mnl_cb_run(t->buf, (size_t)n, 0, 0, on_addr_msg, t);
	}
}

static void addr_fini(void *priv)
{
	struct addr_table *t = priv;

	if (!t)
		return;
	if (t->events) {
		loop_del_fd(t->v->loop, mnl_socket_get_fd(t->events));
		mnl_socket_close(t->events);
	}
	if (t->dump)
		mnl_socket_close(t->dump);
	if (t->v->addrs == t)
		t->v->addrs = NULL;
	free(t->addrs);
	free(t->buf);
	free(t->netns);
	free(t);
}

static int addr_init(struct vigil *v, void **priv)
{
	struct addr_table *t = calloc(1, sizeof(*t));
	const char *ns = v->cfg->netns;
	int fd;

	if (!t)
		return -1;
	t->v = v;
	*priv = t;
	t->addrs = calloc(ADDR_MAX, sizeof(*t->addrs));
	t->buf = malloc(MNL_SOCKET_BUFFER_SIZE);
	t->count = engine_counter(v->engine, "addr", "addresses");
	t->overruns = engine_counter(v->engine, "addr", "socket_overruns");
	t->dropped = engine_counter(v->engine, "addr", "dropped");
	if (!t->addrs || !t->buf || !t->count || !t->overruns ||
	    !t->dropped) {
		log_err("addr: out of memory");
		return -1;
	}
	if (ns && !(t->netns = strdup(ns))) {
		log_err("addr: out of memory");
		return -1;
	}
	/* The first network source: say plainly what is wrong with it. */
	if (ns && netns_check(ns) < 0) {
		log_err("network.netns: %s: %s", ns, errno == EINVAL ?
			"not a network namespace" : strerror(errno));
		return -1;
	}
	fd = netns_socket(ns, AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
	if (fd < 0 || !(t->events = mnl_socket_fdopen(fd)) ||
	    mnl_socket_bind(t->events, RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR,
			    MNL_SOCKET_AUTOPID) < 0) {
		log_err("addr: cannot open rtnetlink%s%s: %m",
			ns ? " in " : "", ns ? ns : "");
		return -1;
	}
	t->dump = nldump_open(ns, NETLINK_ROUTE);
	if (!t->dump) {
		log_err("addr: cannot open rtnetlink%s%s: %m",
			ns ? " in " : "", ns ? ns : "");
		return -1;
	}
	if (redump(t) < 0)
		return -1;
	if (loop_add_fd(v->loop, mnl_socket_get_fd(t->events), EPOLLIN,
			on_readable, t) < 0) {
		log_err("addr: %m");
		return -1;
	}
	v->addrs = t;
	return 0;
}

/* The network sockets live in one namespace: a new one needs a restart. */
static void addr_reload(struct vigil *v, void *priv)
{
	struct addr_table *t = priv;
	const char *now = v->cfg->netns;

	if (!t->netns != !now || (now && strcmp(now, t->netns)))
		log_warn("network.netns \"%s\" takes effect when vigild restarts; still watching %s",
			 now ? now : "(vigild's own)",
			 t->netns ? t->netns : "vigild's own namespace");
}

const struct vigil_module addr_module = {
	.name = "addr",
	.init = addr_init,
	.reload = addr_reload,
	.fini = addr_fini,
};
