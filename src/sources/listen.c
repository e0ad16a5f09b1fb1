// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The listening-socket table, from NETLINK_SOCK_DIAG dumps (libmnl):
 * TCP sockets in LISTEN and unconnected UDP sockets, v4 and v6, each
 * with the process holding it.  Holders are looked up once per new
 * socket inode, in one pass over /proc, and kept with the listener.
 */
#include "build.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sources/listen.h"
#include "lib/log.h"
#include "lib/nldump.h"
#include "sources/procfd.h"
#include "vigil.h"

struct listen_table {
	struct vigil *v;
	struct mnl_socket *nl;
	struct loop_timer *timer;
	struct loop_timer *soon;	/* a refresh asked for too early */
	struct listener *cur, *next;
	size_t ncur, nnext;
	uint64_t last_ms;
	bool overflow_logged;
	/* a flow lookup answers here */
	struct sock_owner *want;
	const struct net_addr *want_src;
	uint16_t want_port;
	bool found;
	uint64_t *count, *refreshes, *dropped, *lookups, *unresolved;
};

static const int listen_caps[] = { CAP_SYS_PTRACE, CAP_DAC_READ_SEARCH };

bool listen_addr_match(const struct net_addr *la, const struct net_addr *addr)
{
	struct net_addr a, l;

	net_addr_unmap(addr, &a);
	net_addr_unmap(la, &l);
	if (net_addr_is_any(la))
		/* :: also takes v4 unless IPV6_V6ONLY; count it as taking */
		return la->family == AF_INET6 || a.family == AF_INET;
	return net_addr_eq(&l, &a);
}

const struct listener *listen_find(const struct listen_table *t, int proto,
				   const struct net_addr *addr, uint16_t port)
{
	size_t i;

	for (i = 0; i < t->ncur; i++) {
		const struct listener *l = &t->cur[i];

		if (l->proto == proto && l->port == port &&
		    listen_addr_match(&l->addr, addr))
			return l;
	}
	return NULL;
}

size_t listen_count(const struct listen_table *t)
{
	return t->ncur;
}

const struct listener *listen_at(const struct listen_table *t, size_t i)
{
	return i < t->ncur ? &t->cur[i] : NULL;
}

static void diag_addr(uint8_t family, const __be32 *raw,
		      struct net_addr *out)
{
	memset(out, 0, sizeof(*out));
	out->family = family;
	memcpy(out->a, raw, family == AF_INET6 ? 16 : 4);
}

/* A dump answer: one socket. */
static int on_listener(const struct nlmsghdr *nlh, void *data)
{
	const struct inet_diag_msg *m = mnl_nlmsg_get_payload(nlh);
	struct listen_table *t = data;
	struct listener *l;

	if (nlh->nlmsg_type != SOCK_DIAG_BY_FAMILY ||
	    nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*m)))
		return MNL_CB_OK;
	if (m->idiag_family != AF_INET && m->idiag_family != AF_INET6)
		return MNL_CB_OK;
	/* Bound UDP only: an unbound one has no port to speak of. */
	if (!m->id.idiag_sport)
		return MNL_CB_OK;
	if (t->nnext == LISTEN_MAX) {
		(*t->dropped)++;
		return MNL_CB_OK;
	}
	l = &t->next[t->nnext++];
	memset(l, 0, sizeof(*l));
	l->proto = m->idiag_state == TCP_LISTEN ? IPPROTO_TCP : IPPROTO_UDP;
	diag_addr(m->idiag_family, m->id.idiag_src, &l->addr);
	l->port = ntohs(m->id.idiag_sport);
	l->inode = m->idiag_inode;
	l->uid = m->idiag_uid;
	return MNL_CB_OK;
}

static int dump_one(struct listen_table *t, uint8_t family, uint8_t proto,
		    uint32_t states)
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
	return nldump_run(t->nl, nlh, on_listener, t);
}

/* Tables are kept sorted by socket (inode first) to diff them quickly. */
static int cmp_listener(const void *x, const void *y)
{
	const struct listener *a = x, *b = y;

	if (a->inode != b->inode)
		return a->inode < b->inode ? -1 : 1;
	if (a->proto != b->proto)
		return a->proto < b->proto ? -1 : 1;
	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	if (a->addr.family != b->addr.family)
		return a->addr.family < b->addr.family ? -1 : 1;
	return memcmp(a->addr.a, b->addr.a, sizeof(a->addr.a));
}

static const struct listener *find_socket(const struct listener *arr,
					  size_t n, const struct listener *l)
{
	return bsearch(l, arr, n, sizeof(*arr), cmp_listener);
}

/* comm and exe of pid: from the process table, else from /proc. */
static void read_holder(struct listen_table *t, pid_t pid, char *comm,
			size_t commsz, char *exe, size_t exesz)
{
	const struct proc_entry *pe = t->v->procs ?
		proc_table_get(t->v->procs, pid) : NULL;
	char path[64];
	ssize_t n;
	int fd;

	comm[0] = exe[0] = '\0';
	if (pe) {
		snprintf(comm, commsz, "%s", pe->comm);
		snprintf(exe, exesz, "%s", pe->exe ? pe->exe : "");
		if (exe[0])
			return;
	}
	if (!comm[0]) {
		snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			n = read(fd, comm, commsz - 1);
			close(fd);
			comm[n > 0 ? n : 0] = '\0';
			comm[strcspn(comm, "\n")] = '\0';
		}
	}
	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	n = readlink(path, exe, exesz - 1);
	exe[n > 0 ? n : 0] = '\0';
}

/* Holders of listeners not seen before, in one /proc pass. */
static void resolve_new(struct listen_table *t)
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
		read_holder(t, l->pid, l->comm, sizeof(l->comm), exe,
			    sizeof(exe));
		if (exe[0])
			l->exe = strdup(exe);
	}
out:
	free(inos);
	free(pids);
}

int listen_refresh(struct listen_table *t, bool on_demand)
{
	uint64_t now = loop_now_ms();
	struct listen_change ch;
	struct listener *swap;
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
	if (dump_one(t, AF_INET, IPPROTO_TCP, 1u << TCP_LISTEN) < 0 ||
	    dump_one(t, AF_INET6, IPPROTO_TCP, 1u << TCP_LISTEN) < 0 ||
	    dump_one(t, AF_INET, IPPROTO_UDP, 1u << TCP_CLOSE) < 0 ||
	    dump_one(t, AF_INET6, IPPROTO_UDP, 1u << TCP_CLOSE) < 0) {
		log_warn("listen: cannot read the socket table: %m");
		/* keep what is known: a failed dump is not "all closed" */
		return -1;
	}
	(*t->refreshes)++;
	qsort(t->next, t->nnext, sizeof(*t->next), cmp_listener);
	/* Known sockets keep their holder; only new ones are looked up. */
	for (i = 0; i < t->nnext; i++) {
		struct listener *l = &t->next[i];
		const struct listener *old = find_socket(t->cur, t->ncur, l);

		if (old) {
			l->pid = old->pid;
			memcpy(l->comm, old->comm, sizeof(l->comm));
			l->exe = old->exe ? strdup(old->exe) : NULL;
		}
	}
	resolve_new(t);
	swap = t->cur;
	t->cur = t->next;
	t->next = swap;
	i = t->ncur;
	t->ncur = t->nnext;
	t->nnext = i;
	/* t->next now holds the old table: announce what went and came. */
	for (i = 0; i < t->nnext; i++) {
		if (find_socket(t->cur, t->ncur, &t->next[i]))
			continue;
		ch.added = false;
		ch.l = &t->next[i];
		engine_publish(t->v->engine, EV_LISTEN, &ch);
	}
	for (i = 0; i < t->ncur; i++) {
		if (find_socket(t->next, t->nnext, &t->cur[i]))
			continue;
		ch.added = true;
		ch.l = &t->cur[i];
		engine_publish(t->v->engine, EV_LISTEN, &ch);
	}
	for (i = 0; i < t->nnext; i++) {
		free(t->next[i].exe);
		t->next[i].exe = NULL;
	}
	t->nnext = 0;
	*t->count = t->ncur;
	return 1;
}

/* A flow lookup answer: the socket whose local end is the flow's. */
static int on_flow_sock(const struct nlmsghdr *nlh, void *data)
{
	const struct inet_diag_msg *m = mnl_nlmsg_get_payload(nlh);
	struct listen_table *t = data;
	struct net_addr a;

	if (nlh->nlmsg_type != SOCK_DIAG_BY_FAMILY ||
	    nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*m)) || t->found)
		return MNL_CB_OK;
	if (ntohs(m->id.idiag_sport) != t->want_port)
		return MNL_CB_OK;
	diag_addr(m->idiag_family, m->id.idiag_src, &a);
	if (!listen_addr_match(&a, t->want_src))
		return MNL_CB_OK;
	t->want->inode = m->idiag_inode;
	t->want->uid = m->idiag_uid;
	t->found = m->idiag_inode != 0;
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
static int lookup_sock(struct listen_table *t, uint8_t family, int proto,
		       const struct net_addr *lsrc, uint16_t lport,
		       const struct net_addr *rdst, uint16_t rport)
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
	req->sdiag_protocol = (uint8_t)proto;
	req->idiag_states = ~0u;
	req->id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
	req->id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
	if (proto == IPPROTO_TCP) {
		req->id.idiag_sport = htons(lport);
		req->id.idiag_dport = htons(rport);
		put_diag_addr(req->id.idiag_src, lsrc, family);
		put_diag_addr(req->id.idiag_dst, rdst, family);
	} else {
		nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	}
	r = nldump_run(t->nl, nlh, on_flow_sock, t);
	/* ENOENT: no such socket, which is an answer, not a failure */
	if (r < 0 && errno == ENOENT)
		r = 0;
	return r;
}

int listen_flow_owner(struct listen_table *t, int proto,
		      const struct net_addr *lsrc, uint16_t lport,
		      const struct net_addr *rdst, uint16_t rport,
		      const pid_t *cand, size_t n, bool scan_all,
		      struct sock_owner *out)
{
	pid_t pid = 0;

	memset(out, 0, sizeof(*out));
	(*t->lookups)++;
	t->want = out;
	t->want_src = lsrc;
	t->want_port = lport;
	t->found = false;
	if (lookup_sock(t, lsrc->family, proto, lsrc, lport, rdst,
			rport) < 0)
		return -1;
	if (!t->found && lsrc->family == AF_INET &&
	    lookup_sock(t, AF_INET6, proto, lsrc, lport, rdst, rport) < 0)
		return -1;
	if (!t->found)
		return 0;
	if (n)
		pid = procfd_find_socket(out->inode, cand, n);
	if (pid == 0 && scan_all)
		pid = procfd_find_socket(out->inode, NULL, 0);
	if (pid < 0)
		return -1;
	if (!pid)
		return 0;
	out->pid = pid;
	read_holder(t, pid, out->comm, sizeof(out->comm), out->exe,
		    sizeof(out->exe));
	return 1;
}

static void on_timer(struct loop *loop, struct loop_timer *tm, void *data)
{
	(void)loop;
	(void)tm;
	listen_refresh(data, false);
}

static void on_soon(struct loop *loop, struct loop_timer *tm, void *data)
{
	(void)loop;
	(void)tm;
	listen_refresh(data, false);
}

/* audit saw a listen(): read the table (at most every 200 ms). */
static void on_listen_call(void *data, enum engine_event ev, const void *p)
{
	struct listen_table *t = data;

	(void)ev;
	(void)p;
	if (t->nl)
		listen_refresh(t, true);
}

static void arm(struct listen_table *t)
{
	uint64_t ms = t->v->cfg->listen_refresh * 1000;

	loop_timer_arm(t->timer, ms, ms);
}

static void listen_fini(void *priv)
{
	struct listen_table *t = priv;
	size_t i;

	if (!t)
		return;
	if (t->v->listeners == t)
		t->v->listeners = NULL;
	if (t->nl)
		mnl_socket_close(t->nl);
	loop_timer_free(t->timer);
	loop_timer_free(t->soon);
	for (i = 0; t->cur && i < t->ncur; i++)
		free(t->cur[i].exe);
	free(t->cur);
	free(t->next);
	free(t);
}

static int listen_init(struct vigil *v, void **priv)
{
	struct listen_table *t = calloc(1, sizeof(*t));
	const char *ns = v->cfg->netns;

	if (!t)
		return -1;
	*priv = t;
	t->v = v;
	t->cur = calloc(LISTEN_MAX, sizeof(*t->cur));
	t->next = calloc(LISTEN_MAX, sizeof(*t->next));
	t->timer = loop_timer_new(v->loop, on_timer, t);
	t->soon = loop_timer_new(v->loop, on_soon, t);
	t->count = engine_counter(v->engine, "listen", "listeners");
	t->refreshes = engine_counter(v->engine, "listen", "refreshes");
	t->dropped = engine_counter(v->engine, "listen", "dropped");
	t->lookups = engine_counter(v->engine, "listen", "flow_lookups");
	t->unresolved = engine_counter(v->engine, "listen", "unresolved");
	if (!t->cur || !t->next || !t->timer || !t->soon || !t->count ||
	    !t->refreshes || !t->dropped || !t->lookups || !t->unresolved) {
		log_err("listen: out of memory");
		return -1;
	}
	if (engine_subscribe(v->engine, EV_LISTEN_CALL, on_listen_call,
			     t) < 0)
		return -1;
	t->nl = nldump_open(ns, NETLINK_SOCK_DIAG);
	if (!t->nl) {
		/* as for conntrack: the host rules go on without it */
		log_err("listen: sock_diag unavailable%s%s (%m): no listeners and no processes for flows",
			ns ? " in " : "", ns ? ns : "");
		return 0;
	}
	v->listeners = t;
	return 0;
}

static void listen_start(struct vigil *v, void *priv)
{
	struct listen_table *t = priv;

	(void)v;
	if (!t->nl)
		return;
	listen_refresh(t, false);
	arm(t);
}

static void listen_reload(struct vigil *v, void *priv)
{
	struct listen_table *t = priv;

	(void)v;
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
