// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The listening-socket source: NETLINK_SOCK_DIAG dumps (libmnl) of TCP
 * sockets in LISTEN and unconnected UDP sockets, v4 and v6, each with
 * the process holding it, handed to the model as a whole new table.
 * Holders are looked up once per new socket inode, in one pass over
 * /proc, and an snmpd's community lines once per new snmpd socket.
 * The table is read on a timer, after an audited listen(), and when an
 * inbound connection reaches a port no known listener holds.
 */
#include "build.h"

#include <errno.h>
#include <json-c/json.h>
#include <linux/capability.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "lib/log.h"
#include "lib/loop.h"
#include "lib/nldump.h"
#include "model/model.h"
#include "sources/listen.h"
#include "sources/procfd.h"
#include "sources/snmpconf.h"
#include "sources/srvconf.h"

struct listen_src {
	const struct vigil_env *env;
	struct nldump *nl;
	struct loop_timer *timer;
	struct loop_timer *soon;	/* a refresh asked for too early */
	struct listener *next;		/* the table being read */
	size_t nnext, cap;
	size_t dump_start;		/* where the current dump began */
	uint64_t dump_netns;		/* whose sockets: 0 vigild's own */
	uint64_t last_ms;
	uint64_t *refreshes, *dropped, *unresolved, *on_flow, *ns_failed;
	uint64_t *conf_unread;	/* a server's files could not be read */
};

static const int listen_caps[] = { CAP_SYS_PTRACE, CAP_DAC_READ_SEARCH };

/* Room for one more listener in the table being read; NULL on ENOMEM. */
static struct listener *next_slot(struct listen_src *t)
{
	if (t->nnext == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		struct listener *p = realloc(t->next, cap * sizeof(*p));

		if (!p)
			return NULL;
		t->next = p;
		t->cap = cap;
	}
	return &t->next[t->nnext++];
}

/* A dump answer: one socket. */
static int on_listener(const struct nlmsghdr *nlh, void *data)
{
	const struct inet_diag_msg *m = mnl_nlmsg_get_payload(nlh);
	struct listen_src *t = data;
	struct listener *l;

	if (nlh->nlmsg_type != SOCK_DIAG_BY_FAMILY ||
	    nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*m)))
		return MNL_CB_OK;
	if (m->idiag_family != AF_INET && m->idiag_family != AF_INET6)
		return MNL_CB_OK;
	/* Bound UDP only: an unbound one has no port to speak of. */
	if (!m->id.idiag_sport)
		return MNL_CB_OK;
	if (t->nnext == MODEL_MAX_LISTENERS) {
		(*t->dropped)++;
		return MNL_CB_OK;
	}
	l = next_slot(t);
	if (!l)
		return MNL_CB_ERROR;
	memset(l, 0, sizeof(*l));
	l->proto = m->idiag_state == TCP_LISTEN ? IPPROTO_TCP : IPPROTO_UDP;
	net_addr_set(&l->addr, m->idiag_family, m->id.idiag_src);
	l->port = ntohs(m->id.idiag_sport);
	l->inode = m->idiag_inode;
	l->uid = m->idiag_uid;
	l->netns = t->dump_netns;
	return MNL_CB_OK;
}

/* An interrupted dump starts over: drop what it added. */
static void restart_dump(void *data)
{
	struct listen_src *t = data;

	t->nnext = t->dump_start;
}

static int dump_one(struct listen_src *t, struct nldump *nl, uint8_t family,
		    uint8_t proto, uint32_t states)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct inet_diag_req_v2 *req;

	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req = mnl_nlmsg_put_extra_header(nlh, sizeof(*req));
	req->sdiag_family = family;
	req->sdiag_protocol = proto;
	req->idiag_states = states;
	t->dump_start = t->nnext;
	return nldump_run(nl, nlh, on_listener, t, restart_dump);
}

/* Every listener of one namespace (over nl), stamped with netns. */
static int dump_ns(struct listen_src *t, struct nldump *nl, uint64_t netns)
{
	t->dump_netns = netns;
	return dump_one(t, nl, AF_INET, IPPROTO_TCP, 1u << TCP_LISTEN) < 0 ||
	       dump_one(t, nl, AF_INET6, IPPROTO_TCP, 1u << TCP_LISTEN) < 0 ||
	       dump_one(t, nl, AF_INET, IPPROTO_UDP, 1u << TCP_CLOSE) < 0 ||
	       dump_one(t, nl, AF_INET6, IPPROTO_UDP, 1u << TCP_CLOSE) < 0 ?
	       -1 : 0;
}

/*
 * The listeners known in namespace netns (all but its, with others),
 * kept as they are: a namespace that could not be read, or was not
 * asked, keeps them (a failed dump is not "all closed").
 */
static void keep_old(struct listen_src *t, uint64_t netns, bool others)
{
	size_t i, n = model_listener_count(t->env->model);

	for (i = 0; i < n && t->nnext < MODEL_MAX_LISTENERS; i++) {
		const struct listener *old = model_listener_at(t->env->model,
							       i);
		struct listener *l;

		if ((old->netns == netns) == others)
			continue;
		l = next_slot(t);
		if (!l)
			return;
		*l = *old;
		l->exe = NULL;
		l->snmp_communities = NULL;
		l->conf = NULL;
		l->pid = 0;	/* taken from the old one below */
	}
}

/* The listeners of another namespace watched, e, over a socket there. */
static void dump_other(struct listen_src *t, const struct ns_entry *e)
{
	struct nldump *nl = nldump_open(e->path, NETLINK_SOCK_DIAG);
	size_t start = t->nnext;

	if (!nl || dump_ns(t, nl, e->inode) < 0) {
		(*t->ns_failed)++;
		t->nnext = start;
		keep_old(t, e->inode, false);
	}
	nldump_close(nl);
}

/* Holders of listeners not seen before, in one /proc pass. */
static void resolve_new(struct listen_src *t)
{
	uint32_t *inos = malloc(t->nnext * sizeof(*inos) + 1);
	pid_t *pids = malloc(t->nnext * sizeof(*pids) + 1);
	char exe[PATH_MAX];
	size_t i, n = 0;

	if (!inos || !pids)
		goto out;
	for (i = 0; i < t->nnext; i++)
		if (!t->next[i].pid && !t->next[i].exe)
			inos[n++] = t->next[i].inode;
	if (!n || procfd_resolve(inos, pids, &n) < 0)
		goto out;
	for (i = 0; i < t->nnext; i++) {
		struct listener *l = &t->next[i];

		if (l->pid || l->exe)
			continue;
		l->pid = procfd_holder(inos, pids, n, l->inode);
		if (!l->pid) {
			(*t->unresolved)++;
			continue;
		}
		procfd_names(model_proc_get(t->env->model, l->pid), l->pid,
			     l->comm, sizeof(l->comm), exe, sizeof(exe));
		if (exe[0])
			l->exe = strdup(exe);
	}
out:
	free(inos);
	free(pids);
}

static bool is_snmpd(const struct listener *l)
{
	const char *base = l->exe ? strrchr(l->exe, '/') : NULL;

	return !strcmp(l->comm, "snmpd") || (base && !strcmp(base, "/snmpd"));
}

/* snmpd's v1/v2c community lines, for a new snmpd socket. */
static void read_snmp(struct listener *l)
{
	json_object *arr;
	int n;

	if (!l->pid || !is_snmpd(l))
		return;
	arr = json_object_new_array();
	n = arr ? snmpconf_communities(l->pid, arr) : -1;
	if (n > 0) {
		l->snmp_communities = arr;
		return;
	}
	json_object_put(arr);
	/* its files were read: v1/v2c is off, only SNMPv3 is served */
	l->snmp_v3_only = n == 0;
}

/* A server's own files on clear text, for its new socket (srvconf.h). */
static void read_conf(struct listen_src *t, struct listener *l)
{
	enum srvconf_kind k;

	if (!l->pid)
		return;
	k = srvconf_kind_of(l->comm, l->exe);
	if (k == SRVCONF_NONE)
		return;
	l->conf = malloc(sizeof(*l->conf));
	if (!l->conf)
		return;
	if (srvconf_read(l->pid, k, l->port, l->proto, l->conf) < 0) {
		(*t->conf_unread)++;
		free(l->conf);
		l->conf = NULL;
	}
}

/*
 * listen_refresh(), of one namespace only when one (netns: its inode,
 * 0 vigild's): a flow to a port no known listener holds, in one of a
 * hundred containers, re-reads that container's table, not all.
 */
static int refresh(struct listen_src *t, bool on_demand, bool one,
		   uint64_t netns)
{
	uint64_t now = loop_now_ms();
	const struct ns_entry *e;
	size_t i;

	if (on_demand && t->last_ms &&
	    now - t->last_ms < LISTEN_MIN_INTERVAL_MS) {
		/* not now, but not forgotten either */
		if (!loop_timer_armed(t->soon))
			loop_timer_arm(t->soon, t->last_ms +
				       LISTEN_MIN_INTERVAL_MS - now, 0);
		return 0;
	}
	t->last_ms = now;
	t->nnext = 0;
	/* one namespace: every other's listeners kept as known */
	if (one)
		keep_old(t, netns, true);
	if ((!one || !netns) && dump_ns(t, t->nl, 0) < 0) {
		log_warn("listen: cannot read the socket table: %m");
		/* keep what is known: a failed dump is not "all closed" */
		t->nnext = 0;	/* kept entries own nothing yet */
		return -1;
	}
	for (e = nstable_first(model_namespaces(t->env->model)); e;
	     e = nstable_next(e))
		if (!one || e->inode == netns)
			dump_other(t, e);
	(*t->refreshes)++;
	/* Known sockets keep their holder; only new ones are looked up. */
	for (i = 0; i < t->nnext; i++) {
		struct listener *l = &t->next[i];
		const struct listener *old = model_listener_same(t->env->model,
								 l);

		if (!old)
			continue;
		l->pid = old->pid;
		memcpy(l->comm, old->comm, sizeof(l->comm));
		l->exe = old->exe ? strdup(old->exe) : NULL;
		l->snmp_communities = json_object_get(old->snmp_communities);
		l->snmp_v3_only = old->snmp_v3_only;
		if (old->conf) {
			l->conf = malloc(sizeof(*l->conf));
			if (l->conf)
				*l->conf = *old->conf;
		}
	}
	resolve_new(t);
	/* new sockets only: one without communities is not read again */
	for (i = 0; i < t->nnext; i++)
		if (!model_listener_same(t->env->model, &t->next[i])) {
			read_snmp(&t->next[i]);
			read_conf(t, &t->next[i]);
		}
	/* The model takes the array; the next refresh starts a new one. */
	model_listeners_set(t->env->model, t->next, t->nnext);
	t->next = NULL;
	t->nnext = t->cap = 0;
	return 1;
}

int listen_refresh(struct listen_src *t, bool on_demand)
{
	return refresh(t, on_demand, false, 0);
}

static void on_timer(struct loop *loop, struct loop_timer *tm, void *data)
{
	(void)loop;
	(void)tm;
	listen_refresh(data, false);
}

/* audit saw a listen(): read the table (at most every 200 ms). */
static void on_listen_call(void *data, enum engine_event ev, const void *p)
{
	(void)ev;
	(void)p;
	listen_refresh(data, true);
}

/* An inbound connection no known listener takes: the table is old. */
static void on_conntrack(void *data, enum engine_event ev, const void *p)
{
	const struct flow_event *fe = p;
	struct listen_src *t = data;

	(void)ev;
	if (fe->proto != IPPROTO_TCP || fe->kind == FLOW_DESTROY ||
	    !fe->to_local ||
	    model_listener_find(t->env->model, fe->netns, IPPROTO_TCP,
				&fe->server, fe->server_port))
		return;
	(*t->on_flow)++;
	refresh(t, true, true, fe->netns);
}

/* A namespace came or went: its listeners with it, in a moment. */
static void on_netns(void *data, enum engine_event ev, const void *p)
{
	struct listen_src *t = data;

	(void)ev;
	(void)p;
	if (!loop_timer_armed(t->soon))
		loop_timer_arm(t->soon, 1, 0);
}

static void arm(struct listen_src *t)
{
	uint64_t ms = t->env->cfg->listen_refresh * 1000;

	loop_timer_arm(t->timer, ms, ms);
}

static void listen_fini(void *priv)
{
	struct listen_src *t = priv;

	if (!t)
		return;
	nldump_close(t->nl);
	loop_timer_free(t->timer);
	loop_timer_free(t->soon);
	model_listeners_free(t->next, t->nnext);
	free(t);
}

static int listen_init(const struct vigil_env *env, void **priv)
{
	struct listen_src *t = calloc(1, sizeof(*t));
	const char *ns = env->cfg->netns;
	struct engine *e = env->engine;

	if (!t)
		return -1;
	*priv = t;
	t->env = env;
	t->timer = loop_timer_new(env->loop, on_timer, t);
	t->soon = loop_timer_new(env->loop, on_timer, t);
	t->refreshes = engine_counter(e, "listen", "refreshes");
	t->dropped = engine_counter(e, "listen", "dropped");
	t->unresolved = engine_counter(e, "listen", "unresolved");
	t->on_flow = engine_counter(e, "listen", "unknown_port_refreshes");
	t->ns_failed = engine_counter(e, "listen", "namespace_failures");
	t->conf_unread = engine_counter(e, "listen", "server_conf_unread");
	if (!t->ns_failed || !t->timer || !t->soon || !t->refreshes ||
	    !t->dropped || !t->conf_unread ||
	    !t->unresolved || !t->on_flow) {
		log_err("listen: out of memory");
		return -1;
	}
	t->nl = nldump_open(ns, NETLINK_SOCK_DIAG);
	if (!t->nl) {
		/* as for conntrack: the host rules go on without it */
		log_err("listen: sock_diag unavailable%s%s (%m): no listeners",
			ns ? " in " : "", ns ? ns : "");
		return 0;
	}
	if (engine_subscribe(e, EV_LISTEN_CALL, on_listen_call, t) < 0 ||
	    engine_subscribe(e, EV_CONNTRACK, on_conntrack, t) < 0 ||
	    engine_subscribe(e, EV_NETNS, on_netns, t) < 0)
		return -1;
	return 0;
}

static void listen_start(void *priv)
{
	struct listen_src *t = priv;

	if (!t->nl)
		return;
	listen_refresh(t, false);
	arm(t);
}

static void listen_reload(void *priv)
{
	struct listen_src *t = priv;

	if (t->nl)
		arm(t);
}

const struct vigil_module listen_module = {
	.name = "listen",
	.caps = listen_caps,
	.ncaps = sizeof(listen_caps) / sizeof(listen_caps[0]),
	.init = listen_init,
	.start = listen_start,
	.reload = listen_reload,
	.fini = listen_fini,
};
