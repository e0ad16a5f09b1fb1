// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The world model: the one owner of the tables sources learn and rules
 * read.  Keeping all writes here means a table changes in one place,
 * and the order the modules start in no longer decides who sees what.
 */
#include "build.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/loop.h"
#include "model/model.h"

struct model {
	struct engine *e;
	struct net_addr *addrs;
	size_t naddrs;
	struct listener *listeners;	/* sorted by cmp_listener */
	size_t nlisteners;
	/* the same, by namespace and port: a flow finds its listener fast */
	const struct listener **by_port;
	struct proc_table *procs;
	struct nstable *namespaces;
	uint64_t *addr_count, *addr_dropped;
	uint64_t *listen_count;
	bool connect_audit;
	bool connect_trace;
	bool udp_trace;
	uint64_t trace_done_ns;
	uint64_t connect_seen_ms;	/* last connect record, any rules' */
};

struct model *model_new(struct engine *e)
{
	struct model *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->e = e;
	m->addrs = calloc(MODEL_MAX_ADDRS, sizeof(*m->addrs));
	m->procs = proc_table_new();
	m->namespaces = nstable_new();
	m->addr_count = engine_counter(e, "addr", "addresses");
	m->addr_dropped = engine_counter(e, "addr", "dropped");
	m->listen_count = engine_counter(e, "listen", "listeners");
	if (!m->addrs || !m->procs || !m->namespaces || !m->addr_count ||
	    !m->addr_dropped ||
	    !m->listen_count) {
		model_free(m);
		return NULL;
	}
	return m;
}

void model_free(struct model *m)
{
	if (!m)
		return;
	model_listeners_free(m->listeners, m->nlisteners);
	free(m->by_port);
	proc_table_free(m->procs);
	nstable_free(m->namespaces);
	free(m->addrs);
	free(m);
}

/* ---- addresses ---- */

int model_addrs_set(struct model *m, const struct net_addr *a, size_t n)
{
	if (n > MODEL_MAX_ADDRS) {
		*m->addr_dropped += n - MODEL_MAX_ADDRS;
		n = MODEL_MAX_ADDRS;
	}
	memcpy(m->addrs, a, n * sizeof(*a));
	m->naddrs = n;
	*m->addr_count = n;
	return 0;
}

void model_addr_del(struct model *m, const struct net_addr *a)
{
	size_t i;

	for (i = 0; i < m->naddrs; i++) {
		if (net_addr_eq(&m->addrs[i], a)) {
			m->addrs[i] = m->addrs[--m->naddrs];
			break;
		}
	}
	*m->addr_count = m->naddrs;
}

void model_addr_add(struct model *m, const struct net_addr *a)
{
	model_addr_del(m, a);
	if (m->naddrs == MODEL_MAX_ADDRS) {
		(*m->addr_dropped)++;
		return;
	}
	m->addrs[m->naddrs++] = *a;
	*m->addr_count = m->naddrs;
}

bool model_addr_is_local(const struct model *m, const struct net_addr *a)
{
	return net_addr_is_local(m->addrs, m->naddrs, a);
}

/* ---- network namespaces ---- */

struct nstable *model_namespaces(const struct model *m)
{
	return m->namespaces;
}

int model_ns_add(struct model *m, struct ns_entry *e)
{
	struct netns_change c = { true, e };

	if (nstable_add(m->namespaces, e) < 0)
		return -1;
	engine_publish(m->e, EV_NETNS, &c);
	return 0;
}

void model_ns_remove(struct model *m, struct ns_entry *e)
{
	struct netns_change c = { false, e };

	engine_publish(m->e, EV_NETNS, &c);
	nstable_remove(m->namespaces, e);
	nstable_entry_free(e);
}

size_t model_addr_count(const struct model *m)
{
	return m->naddrs;
}

/* ---- listeners ---- */

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
	return n ? bsearch(l, arr, n, sizeof(*arr), cmp_listener) : NULL;
}

void model_listeners_free(struct listener *arr, size_t n)
{
	size_t i;

	for (i = 0; arr && i < n; i++) {
		free(arr[i].exe);
		json_object_put(arr[i].snmp_communities);
		free(arr[i].conf);
	}
	free(arr);
}

static int cmp_port(const void *x, const void *y)
{
	const struct listener *a = *(const struct listener *const *)x;
	const struct listener *b = *(const struct listener *const *)y;

	if (a->netns != b->netns)
		return a->netns < b->netns ? -1 : 1;
	return (int)a->port - (int)b->port;
}

/* The port index of the table; NULL (linear finds) when out of memory. */
static void index_ports(struct model *m)
{
	size_t i;

	free(m->by_port);
	m->by_port = m->nlisteners ?
		     malloc(m->nlisteners * sizeof(*m->by_port)) : NULL;
	if (!m->by_port)
		return;
	for (i = 0; i < m->nlisteners; i++)
		m->by_port[i] = &m->listeners[i];
	qsort(m->by_port, m->nlisteners, sizeof(*m->by_port), cmp_port);
}

void model_listeners_set(struct model *m, struct listener *arr, size_t n)
{
	struct listener *old = m->listeners;
	size_t nold = m->nlisteners, i;
	struct listen_change ch;

	if (n)
		qsort(arr, n, sizeof(*arr), cmp_listener);
	m->listeners = arr;
	m->nlisteners = n;
	*m->listen_count = n;
	index_ports(m);
	/* Gone first, then new: a rule sees a moved socket as such. */
	for (i = 0; i < nold; i++) {
		if (find_socket(arr, n, &old[i]))
			continue;
		ch.added = false;
		ch.l = &old[i];
		engine_publish(m->e, EV_LISTEN, &ch);
	}
	for (i = 0; i < n; i++) {
		if (find_socket(old, nold, &arr[i]))
			continue;
		ch.added = true;
		ch.l = &arr[i];
		engine_publish(m->e, EV_LISTEN, &ch);
	}
	model_listeners_free(old, nold);
}

const struct listener *model_listener_same(const struct model *m,
					   const struct listener *l)
{
	return find_socket(m->listeners, m->nlisteners, l);
}

const struct listener *model_listener_find(const struct model *m,
					   uint64_t netns, int proto,
					   const struct net_addr *addr,
					   uint16_t port)
{
	struct listener key = { .netns = netns, .port = port };
	const struct listener *kp = &key;
	size_t i, lo = 0, hi = m->nlisteners;

	/* the first of (netns, port) in the index, then those equal */
	if (m->by_port) {
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (cmp_port(&m->by_port[mid], &kp) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (i = lo; i < m->nlisteners &&
		     !cmp_port(&m->by_port[i], &kp); i++) {
			const struct listener *l = m->by_port[i];

			if (l->proto == proto &&
			    net_addr_accepts(&l->addr, addr))
				return l;
		}
		return NULL;
	}
	for (i = 0; i < m->nlisteners; i++) {
		const struct listener *l = &m->listeners[i];

		if (l->proto == proto && l->port == port &&
		    l->netns == netns &&
		    net_addr_accepts(&l->addr, addr))
			return l;
	}
	return NULL;
}

size_t model_listener_count(const struct model *m)
{
	return m->nlisteners;
}

const struct listener *model_listener_at(const struct model *m, size_t i)
{
	return i < m->nlisteners ? &m->listeners[i] : NULL;
}

/* ---- processes ---- */

int model_proc_update(struct model *m, const struct proc_info *pi)
{
	return proc_table_update(m->procs, pi);
}

const struct proc_entry *model_proc_get(const struct model *m, pid_t pid)
{
	return proc_table_get(m->procs, pid);
}

size_t model_proc_count(const struct model *m)
{
	return proc_table_count(m->procs);
}

void model_procs_scan_begin(struct model *m)
{
	proc_table_scan_begin(m->procs);
}

size_t model_procs_scan_end(struct model *m)
{
	return proc_table_scan_end(m->procs);
}

void model_set_connect_audit(struct model *m, bool on)
{
	m->connect_audit = on;
}

void model_note_connect_record(struct model *m)
{
	m->connect_seen_ms = loop_now_ms();
}

bool model_connect_audit(const struct model *m)
{
	return m->connect_audit || (m->connect_seen_ms &&
		loop_now_ms() - m->connect_seen_ms < MODEL_CONNECT_SEEN_MS);
}

void model_set_connect_trace(struct model *m, bool tcp, bool udp)
{
	m->connect_trace = tcp;
	m->udp_trace = udp;
}

bool model_connect_trace(const struct model *m)
{
	return m->connect_trace;
}

bool model_udp_trace(const struct model *m)
{
	return m->udp_trace;
}

void model_set_trace_done(struct model *m, uint64_t ns)
{
	m->trace_done_ns = ns;
}

uint64_t model_trace_done(const struct model *m)
{
	return m->trace_done_ns;
}
