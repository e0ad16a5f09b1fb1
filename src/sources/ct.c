// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Conntrack source: NEW and DESTROY events of TCP and UDP flows, from
 * ctnetlink over libmnl (ctparse.c reads each message), published as
 * EV_FLOW.
 */
#include "build.h"

#include <errno.h>
#include <linux/capability.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_compat.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sources/ct.h"
#include "sources/ctsrc.h"
#include "sources/flowset.h"
#include "lib/coalesce.h"
#include "lib/log.h"
#include "lib/netns.h"
#include "sources/nftcheck.h"
#include "lib/nldump.h"
#include "lib/recvbatch.h"
#include "config/config.h"
#include "lib/loop.h"
#include "model/model.h"

/* recvmmsg batch: one conntrack event per datagram. */
#define CT_BATCH 64
#define CT_MSG_SIZE 4096
/* Datagrams read per wakeup before the loop serves others. */
#define CT_MAX_ROUNDS 16
/*
 * ...and time spent on them: a turn of the loop stays short whatever
 * the rate, so root's request or the other sources wait for no burst
 * (the socket's buffer holds the rest for the next turn).
 */
#define CT_TURN_MS 4

static const int ct_caps[] = { CAP_NET_ADMIN, CAP_NET_BROADCAST };

static void set_rcvbuf(struct ct_src *s, int size)
{
	int fd = mnl_socket_get_fd(s->events);

	/* FORCE passes net.core.rmem_max; CAP_NET_ADMIN allows it. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size,
		       sizeof(size)) < 0 &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size)) < 0)
		log_warn("conntrack: cannot set the socket buffer: %m");
	s->rcvbuf = size;
	*s->rcvbuf_ctr = (uint64_t)size;
}

static void on_overrun(struct ct_src *s)
{
	(*s->overruns)++;
	log_warn("conntrack: events lost (socket buffer full at network.conntrack_buffer_max %d bytes); re-reading the table",
		 s->rcvbuf);
	(*s->resyncs)++;
	ct_dump(s);
}

/* One event datagram. */
static bool take(void *data, const char *msg, size_t len, bool cut)
{
	struct ct_src *s = data;

	s->cur_nsid = s->all_ns ? recvbatch_nsid(s->batch) : -1;
	if (cut)
		(*s->truncated)++;
	else
		mnl_cb_run(msg, len, 0, 0, ct_on_msg, s);
	return true;
}

static void overrun(void *data)
{
	on_overrun(data);
}

/* Read what is queued, or what a turn allows. */
static enum coalesce_read drain(void *data)
{
	struct ct_src *s = data;

	return recvbatch_turn(s->batch, mnl_socket_get_fd(s->events),
			      CT_MAX_ROUNDS, CT_TURN_MS, take, overrun, s);
}

static void check_table(struct ct_src *s)
{
	const char *ns = s->env->cfg->netns;
	int r = nftcheck_table(s->nft);

	if (r < 0) {
		if (s->table_state != -2)
			log_warn("conntrack: cannot check for table %s %s: %m",
				 NFTCHECK_FAMILY_NAME, NFTCHECK_TABLE);
		s->table_state = -2;
		return;
	}
	if (r == 0 && s->table_state != 0) {
		(*s->table_missing)++;
		log_warn("conntrack: table %s %s is %s in %s: unless another ruleset uses conntrack, connections are not tracked and the network rules see nothing; load it with: nft -f %s",
			 NFTCHECK_FAMILY_NAME, NFTCHECK_TABLE,
			 s->table_state == 1 ? "gone" : "not loaded",
			 ns ? ns : "vigild's network namespace",
			 VIGIL_NFT_FILE);
	} else if (r == 1 && s->table_state == 0) {
		log_notice("conntrack: table %s %s is loaded now",
			   NFTCHECK_FAMILY_NAME, NFTCHECK_TABLE);
	}
	s->table_state = r;
	*s->table_absent = r == 0;
}

static void on_check(struct loop *loop, struct loop_timer *t, void *data)
{
	(void)loop;
	(void)t;
	check_table(data);
}

static void close_sockets(struct ct_src *s)
{
	coalesce_free(s->reader);
	s->reader = NULL;
	if (s->events) {
		mnl_socket_close(s->events);
		s->events = NULL;
	}
	nldump_close(s->dump);
	nldump_close(s->nft);
	s->dump = s->nft = NULL;
}

/*
 * Events of every namespace with an id here, on this one socket: each
 * comes with the id (recvbatch_nsid()).  Needs CAP_NET_BROADCAST in
 * the namespaces' owners to receive theirs.
 */
static void listen_all(struct ct_src *s)
{
	int one = 1, fd = mnl_socket_get_fd(s->events);

	if (setsockopt(fd, SOL_NETLINK, NETLINK_LISTEN_ALL_NSID, &one,
		       sizeof(one)) < 0 || recvbatch_want_nsid(s->batch) < 0) {
		log_warn("conntrack: cannot listen to every network namespace (%m): only vigild's own is seen");
		return;
	}
	s->all_ns = true;
}

static void ct_fini(void *priv)
{
	struct ct_src *s = priv;

	if (!s)
		return;
	close_sockets(s);
	loop_timer_free(s->check_timer);
	flowset_free(s->seen);
	recvbatch_free(s->batch);
	free(s);
}

static int counters(struct ct_src *s, struct engine *e)
{
	s->events_ctr = engine_counter(e, "conntrack", "events");
	s->new_ctr = engine_counter(e, "conntrack", "new");
	s->destroy_ctr = engine_counter(e, "conntrack", "destroy");
	s->existing_ctr = engine_counter(e, "conntrack", "dumped");
	s->overruns = engine_counter(e, "conntrack", "enobufs");
	s->resyncs = engine_counter(e, "conntrack", "resyncs");
	s->rcvbuf_ctr = engine_counter(e, "conntrack", "rcvbuf_bytes");
	s->forwarded = engine_counter(e, "conntrack", "forwarded");
	s->other = engine_counter(e, "conntrack", "other");
	s->truncated = engine_counter(e, "conntrack", "truncated");
	s->table_missing = engine_counter(e, "conntrack", "table_missing");
	s->deferred = engine_counter(e, "conntrack", "coalesced_wakeups");
	s->unavailable = engine_counter(e, "conntrack", "unavailable");
	s->tracked = engine_counter(e, "conntrack", "flows");
	s->repeats = engine_counter(e, "conntrack", "repeats_skipped");
	s->recovered_new = engine_counter(e, "conntrack", "recovered_new");
	s->recovered_gone = engine_counter(e, "conntrack", "recovered_gone");
	s->table_absent = engine_counter(e, "conntrack", "table_absent");
	s->other_ns = engine_counter(e, "conntrack", "other_namespaces");
	s->unknown_ns = engine_counter(e, "conntrack", "unknown_namespace");
	s->ns_dump_failed = engine_counter(e, "conntrack",
					   "namespace_dump_failures");
	return s->ns_dump_failed && s->other_ns && s->unknown_ns && s->table_absent && s->events_ctr && s->new_ctr && s->destroy_ctr &&
	       s->existing_ctr && s->overruns && s->resyncs &&
	       s->rcvbuf_ctr && s->forwarded && s->other && s->truncated &&
	       s->table_missing && s->deferred && s->unavailable &&
	       s->tracked && s->repeats && s->recovered_new &&
	       s->recovered_gone ? 0 : -1;
}

static int ct_init(const struct vigil_env *env, void **priv)
{
	struct ct_src *s = calloc(1, sizeof(*s));
	const char *ns = env->cfg->netns;
	int fd;

	if (!s)
		return -1;
	*priv = s;
	s->env = env;
	s->table_state = -1;
	s->cur_nsid = -1;
	s->batch = recvbatch_new(CT_BATCH, CT_MSG_SIZE);
	s->seen = flowset_new();
	s->check_timer = loop_timer_new(env->loop, on_check, s);
	if (!s->batch || !s->seen || !s->check_timer ||
	    counters(s, env->engine) < 0) {
		log_err("conntrack: out of memory");
		return -1;
	}
	fd = netns_socket(ns, AF_NETLINK, SOCK_RAW, NETLINK_NETFILTER);
	if (fd >= 0 && !(s->events = mnl_socket_fdopen(fd)))
		close(fd);
	if (!s->events ||
	    mnl_socket_bind(s->events, NF_NETLINK_CONNTRACK_NEW |
					       NF_NETLINK_CONNTRACK_DESTROY,
			    MNL_SOCKET_AUTOPID) < 0 ||
	    !(s->dump = nldump_open(ns, NETLINK_NETFILTER)) ||
	    !(s->nft = nldump_open(ns, NETLINK_NETFILTER))) {
		/*
		 * No conntrack (module missing, no CAP_NET_ADMIN in a
		 * container): the host rules still work, so say it and go on.
		 */
		log_err("conntrack: unavailable%s%s (%m): the network rules see no flows",
			ns ? " in " : "", ns ? ns : "");
		*s->unavailable = 1;
		close_sockets(s);
		return 0;
	}
	if (env->cfg->all_namespaces && !ns)
		listen_all(s);
	if (engine_subscribe(env->engine, EV_NETNS, ct_on_netns, s) < 0)
		return -1;
	/*
	 * The whole cap from the start, as conntrack -E -b takes it: the
	 * kernel charges only what is queued, so it costs nothing while
	 * vigild keeps up, and a storm's first burst, one that began and
	 * ended inside a gap a re-read cannot show, is not lost.
	 */
	set_rcvbuf(s, (int)env->cfg->ct_rcvbuf_max);
	s->reader = coalesce_new(env->loop, mnl_socket_get_fd(s->events),
				 CT_COALESCE_MS, drain, s, s->deferred);
	if (!s->reader ||
	    loop_timer_arm(s->check_timer, CT_TABLE_CHECK_MS,
			   CT_TABLE_CHECK_MS) < 0) {
		log_err("conntrack: %m");
		return -1;
	}
	return 0;
}

/* Once every rule is listening: what exists already, and the table. */
static void ct_start(void *priv)
{
	struct ct_src *s = priv;

	if (!s->events)
		return;
	check_table(s);
	s->starting = true;
	ct_dump(s);
	s->starting = false;
	s->started = true;
}

/* SIGHUP: check the table now (an admin may just have loaded it). */
static void ct_reload(void *priv)
{
	struct ct_src *s = priv;

	if (!s->events)
		return;
	if (s->rcvbuf != s->env->cfg->ct_rcvbuf_max)
		set_rcvbuf(s, (int)s->env->cfg->ct_rcvbuf_max);
	check_table(s);
}

const struct vigil_module ct_module = {
	.name = "conntrack",
	.caps = ct_caps,
	.ncaps = sizeof(ct_caps) / sizeof(ct_caps[0]),
	.init = ct_init,
	.start = ct_start,
	.reload = ct_reload,
	.fini = ct_fini,
};
