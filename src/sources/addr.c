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
#include <stdio.h>
#include "lib/log.h"
#include "lib/netns.h"
#include "lib/nldump.h"
#include "model/model.h"
#include "lib/loop.h"
#include "config/config.h"

struct addr_src {
	const struct vigil_env *env;
	struct mnl_socket *events;	/* RTNLGRP_*_IFADDR */
	struct nldump *dump;
	struct net_addr *scratch;	/* a dump is built here, then swapped */
	size_t nscratch;
	bool dumping;
	char *buf;
	uint64_t *overruns;
	char *netns;			/* as opened; NULL: our own */
};

static size_t addr_len(uint8_t family)
{
	return family == AF_INET6 ? 16 : 4;
}

int addr_parse_msg(const struct nlmsghdr *nlh, struct net_addr *out)
{
	const struct ifaddrmsg *ifa;
	const struct nlattr *attr, *local = NULL, *address = NULL;
	const struct nlattr *use;

	if (nlh->nlmsg_type != RTM_NEWADDR && nlh->nlmsg_type != RTM_DELADDR)
		return 0;
	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*ifa)))
		return 0;
	ifa = mnl_nlmsg_get_payload(nlh);
	if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6)
		return 0;
	mnl_attr_for_each(attr, nlh, sizeof(*ifa)) {
		if (mnl_attr_get_type(attr) == IFA_LOCAL)
			local = attr;
		else if (mnl_attr_get_type(attr) == IFA_ADDRESS)
			address = attr;
	}
	use = local ? local : address;
	if (!use || mnl_attr_get_payload_len(use) != addr_len(ifa->ifa_family))
		return 0;
	memset(out, 0, sizeof(*out));
	net_addr_set(out, ifa->ifa_family, mnl_attr_get_payload(use));
	return nlh->nlmsg_type;
}

static int on_addr_msg(const struct nlmsghdr *nlh, void *data)
{
	struct addr_src *t = data;
	struct net_addr a;

	if (!addr_parse_msg(nlh, &a))
		return MNL_CB_OK;
	if (t->dumping) {
		/* a dump lists addresses that exist: only NEWADDR */
		if (nlh->nlmsg_type == RTM_NEWADDR &&
		    t->nscratch < MODEL_MAX_ADDRS)
			t->scratch[t->nscratch++] = a;
	} else if (nlh->nlmsg_type == RTM_NEWADDR) {
		model_addr_add(t->env->model, &a);
	} else {
		model_addr_del(t->env->model, &a);
	}
	return MNL_CB_OK;
}

static void reset_scratch(void *data)
{
	((struct addr_src *)data)->nscratch = 0;
}

/* Read every address, then replace the set: a failure keeps the old. */
static int redump(struct addr_src *t)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtgenmsg *rt;
	int r;

	nlh->nlmsg_type = RTM_GETADDR;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	rt = mnl_nlmsg_put_extra_header(nlh, sizeof(*rt));
	rt->rtgen_family = AF_UNSPEC;
	t->nscratch = 0;
	t->dumping = true;
	r = nldump_run(t->dump, nlh, on_addr_msg, t, reset_scratch);
	t->dumping = false;
	if (r < 0) {
		log_warn("addr: cannot read the local addresses: %m");
		return -1;
	}
	return model_addrs_set(t->env->model, t->scratch, t->nscratch);
}

static void on_readable(struct loop *loop, int fd, uint32_t events,
			void *data)
{
	struct addr_src *t = data;
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
	struct addr_src *t = priv;

	if (!t)
		return;
	if (t->events) {
		loop_del_fd(t->env->loop, mnl_socket_get_fd(t->events));
		mnl_socket_close(t->events);
	}
	nldump_close(t->dump);
	free(t->scratch);
	free(t->buf);
	free(t->netns);
	free(t);
}

static int addr_init(const struct vigil_env *env, void **priv)
{
	struct addr_src *t = calloc(1, sizeof(*t));
	const char *ns = env->cfg->netns;
	int fd;

	if (!t)
		return -1;
	t->env = env;
	*priv = t;
	t->scratch = calloc(MODEL_MAX_ADDRS, sizeof(*t->scratch));
	t->buf = malloc(MNL_SOCKET_BUFFER_SIZE);
	t->overruns = engine_counter(env->engine, "addr", "socket_overruns");
	if (!t->scratch || !t->buf || !t->overruns) {
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
	if (loop_add_fd(env->loop, mnl_socket_get_fd(t->events), EPOLLIN,
			on_readable, t) < 0) {
		log_err("addr: %m");
		return -1;
	}
	return 0;
}

/* The network sockets live in one namespace: a new one needs a restart. */
static void addr_reload(void *priv)
{
	struct addr_src *t = priv;
	const char *now = t->env->cfg->netns;

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
