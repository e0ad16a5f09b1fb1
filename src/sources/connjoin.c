// SPDX-License-Identifier: GPL-2.0-or-later
/* Audit intents joined with conntrack flows: see connjoin.h. */
#include "build.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/hash.h"
#include "lib/strcopy.h"
#include "sources/connjoin.h"

/*
 * Intents by destination and source port (lib/hash.h): a chain per key,
 * newest first, through the ring.  An intent without its tuple (sport
 * 0) sits in its destination's chain; one with it in a chain of its own
 * tuple, so that thousands of connections to one server do not lengthen
 * the walk of either.  A chain exists while it holds an intent, one per
 * ring slot at most: they come from a pool, never from malloc.
 */
#define NONE (-1)

struct chain_key {
	uint8_t a[16];		/* net_addr.a: the family is in the bytes */
	uint16_t dport, sport;
};

struct chain {
	struct chain_key k;	/* the hash key: no padding */
	int head;		/* newest slot */
	UT_hash_handle hh;
	struct chain *free_next;
};

struct conn_join {
	conn_join_sock_fn sock_of;
	struct conn_intent ring[CONNJOIN_MAX];
	int hprev[CONNJOIN_MAX], hnext[CONNJOIN_MAX];
	struct chain *chain_of[CONNJOIN_MAX];	/* NULL: not linked */
	struct chain pool[CONNJOIN_MAX];
	size_t pool_used;	/* pool[] past it never touched yet */
	struct chain *free;
	struct chain *by_key;	/* hash head */
	size_t next;
};

struct conn_join *conn_join_new(conn_join_sock_fn sock_of)
{
	struct conn_join *j = calloc(1, sizeof(*j));

	if (!j)
		return NULL;
	j->sock_of = sock_of;
	return j;
}

static struct chain_key key_of(const struct net_addr *a, uint16_t port,
			       uint16_t sport)
{
	struct chain_key k;

	memset(&k, 0, sizeof(k));
	memcpy(k.a, a->a, sizeof(k.a));
	k.dport = port;
	k.sport = sport;
	return k;
}

/* The newest slot of the chain of (a, port, sport), or NONE. */
static int head_of(const struct conn_join *j, const struct net_addr *a,
		   uint16_t port, uint16_t sport)
{
	struct chain_key k = key_of(a, port, sport);
	struct chain *c;

	HASH_FIND(hh, j->by_key, &k, sizeof(k), c);
	return c ? c->head : NONE;
}

static void unlink_slot(struct conn_join *j, int i)
{
	struct chain *c = j->chain_of[i];

	if (!c)
		return;
	if (j->hprev[i] != NONE)
		j->hnext[j->hprev[i]] = j->hnext[i];
	else
		c->head = j->hnext[i];
	if (j->hnext[i] != NONE)
		j->hprev[j->hnext[i]] = j->hprev[i];
	j->chain_of[i] = NULL;
	if (c->head == NONE) {
		HASH_DEL(j->by_key, c);
		c->free_next = j->free;
		j->free = c;
	}
}

/* Out of memory for the table: the intent stays unfound, never wrong. */
static void link_slot(struct conn_join *j, int i)
{
	const struct conn_intent *in = &j->ring[i];
	struct chain_key k = key_of(&in->dst, in->dport, in->sport);
	struct chain *c;

	HASH_FIND(hh, j->by_key, &k, sizeof(k), c);
	if (!c) {
		/* a chain per linked slot at most: the pool never runs out */
		if (j->free) {
			c = j->free;
			j->free = c->free_next;
		} else {
			c = &j->pool[j->pool_used++];
		}
		memset(c, 0, sizeof(*c));
		c->k = k;
		c->head = NONE;
		HASH_ADD(hh, j->by_key, k, sizeof(c->k), c);
		if (!hash_added(c, hh)) {
			c->free_next = j->free;
			j->free = c;
			return;
		}
	}
	j->hprev[i] = NONE;
	j->hnext[i] = c->head;
	if (c->head != NONE)
		j->hprev[c->head] = i;
	c->head = i;
	j->chain_of[i] = c;
}

void conn_join_free(struct conn_join *j)
{
	size_t i;

	if (!j)
		return;
	HASH_CLEAR(hh, j->by_key);
	for (i = 0; i < CONNJOIN_MAX; i++)
		free(j->ring[i].exe);
	free(j);
}

static bool live(const struct conn_intent *in, uint64_t now)
{
	return in->ms && in->ms + CONNJOIN_KEEP_MS >= now;
}

/* The same addresses in two namespaces are two places. */
static bool same_ns(const struct conn_intent *in, const struct flow_event *fe)
{
	return in->netns == NETNS_UNKNOWN || in->netns == fe->netns;
}

static bool same_dest(const struct conn_intent *in, const struct net_addr *a,
		      uint16_t port)
{
	return in->dport == port && net_addr_eq(&in->dst, a);
}

/*
 * The source of a tuple intent: a UDP send's route lookup may come
 * before routing chose the source address (all zero then), and the
 * port alone tells the socket.
 */
static bool same_src(const struct conn_intent *in, const struct net_addr *a)
{
	return net_addr_is_any(&in->src) || net_addr_eq(&in->src, a);
}

/* Forget slot i: it explains nothing more. */
static void drop_slot(struct conn_join *j, int i)
{
	unlink_slot(j, i);
	j->ring[i].ms = 0;
}

/*
 * One connect() told twice, by its audit record and by a tracepoint:
 * the whole tuple wins, so a tracepoint's intent drops the audit
 * record of the same connect.  An audit record that comes after its
 * twin is kept: it cannot be found by the tuple it lacks, and names
 * no TCP flow while the tracepoints tell them whole (tuple_only).
 */
static void drop_audit_twin(struct conn_join *j,
			    const struct connect_event *ev, uint64_t now)
{
	struct conn_intent *in;
	int i, steps = 0;

	for (i = head_of(j, &ev->dst, ev->dport, 0);
	     i != NONE && steps++ < CONNJOIN_WALK; i = j->hnext[i]) {
		in = &j->ring[i];
		if (live(in, now) && in->is_connect && !in->used &&
		    !in->sport && in->pid == ev->pid &&
		    same_dest(in, &ev->dst, ev->dport)) {
			drop_slot(j, i);
			return;
		}
	}
}

/* An intent with ev's very tuple and program: seen again now. */
static bool renew_tuple(struct conn_join *j, const struct connect_event *ev,
			uint64_t now)
{
	struct conn_intent *in;
	int i, steps = 0;

	for (i = head_of(j, &ev->dst, ev->dport, ev->sport);
	     i != NONE && steps++ < CONNJOIN_WALK; i = j->hnext[i]) {
		in = &j->ring[i];
		if (live(in, now) && !in->is_connect &&
		    in->sport == ev->sport && in->pid == ev->pid &&
		    in->proto == ev->proto && in->netns == ev->netns &&
		    same_dest(in, &ev->dst, ev->dport) &&
		    net_addr_eq(&in->src, &ev->src) &&
		    !strcmp(in->exe, ev->exe ? ev->exe : "")) {
			in->ms = now;
			return true;
		}
	}
	return false;
}

int conn_join_add(struct conn_join *j, const struct connect_event *ev,
		  uint32_t inode, uint64_t now)
{
	struct conn_intent *in;
	char *exe;
	int i, steps;

	/* an addressed send told again (audit: no tuple) */
	if (!ev->is_connect && !ev->sport) {
		for (i = head_of(j, &ev->dst, ev->dport, 0), steps = 0;
		     i != NONE && steps++ < CONNJOIN_WALK; i = j->hnext[i]) {
			in = &j->ring[i];
			if (live(in, now) && !in->is_connect && !in->sport &&
			    in->pid == ev->pid &&
			    same_dest(in, &ev->dst, ev->dport) &&
			    !strcmp(in->exe, ev->exe ? ev->exe : "")) {
				in->ms = now;
				return 0;
			}
		}
	}
	if (ev->is_connect && ev->sport)
		drop_audit_twin(j, ev, now);
	/* every send of an unconnected UDP socket tells its tuple again */
	if (!ev->is_connect && ev->sport && renew_tuple(j, ev, now))
		return 0;
	exe = strdup(ev->exe ? ev->exe : "");
	if (!exe)
		return -1;
	/* the ring's next slot is its oldest */
	i = (int)j->next;
	j->next = (j->next + 1) % CONNJOIN_MAX;
	in = &j->ring[i];
	if (in->ms)
		unlink_slot(j, i);
	free(in->exe);
	memset(in, 0, sizeof(*in));
	in->dst = ev->dst;
	in->dport = ev->dport;
	in->src = ev->src;
	in->sport = ev->sport;
	in->proto = ev->proto;
	in->is_connect = ev->is_connect;
	in->pid = ev->pid;
	in->uid = ev->uid;
	in->inode = inode;
	in->netns = ev->netns;
	/* a connect()'s fd only: socketcall's first argument is no fd */
	in->fd = !inode && ev->is_connect && !ev->sport ? ev->fd : -1;
	in->ms = now ? now : 1;
	str_copy(in->comm, sizeof(in->comm), ev->comm ? ev->comm : "");
	in->exe = exe;
	link_slot(j, i);
	return 0;
}

static void take(struct conn_intent *in, struct sock_owner *out)
{
	if (in->is_connect)
		in->used = true;
	out->pid = in->pid;
	out->uid = in->uid;
	str_copy(out->comm, sizeof(out->comm), in->comm);
	str_copy(out->exe, sizeof(out->exe), in->exe);
}

enum conn_join_result conn_join_match(struct conn_join *j,
				      const struct flow_event *fe,
				      const struct conn_sock *sock,
				      bool tuple_only,
				      uint64_t arrived, uint64_t now,
				      bool (*relevant)(const char *exe,
						       const char *comm,
						       void *data),
				      void *data, struct sock_owner *out,
				      bool *needs_sock)
{
	struct conn_intent *oldest = NULL, *in;
	bool any_relevant = false, one_exe = true;
	uint32_t inode = sock ? sock->inode : 0;
	size_t n = 0;
	int i, steps = 0;

	*needs_sock = false;
	/* the whole tuple: this flow's own intent, certain at once */
	for (i = head_of(j, &fe->dst, fe->dport, fe->sport);
	     fe->sport && i != NONE && steps++ < CONNJOIN_WALK;
	     i = j->hnext[i]) {
		in = &j->ring[i];
		if (!live(in, now) || in->ms + CONNJOIN_KEEP_MS < arrived ||
		    in->sport != fe->sport || !same_dest(in, &fe->dst,
							 fe->dport) ||
		    !same_src(in, &fe->src) || !same_ns(in, fe) ||
		    (in->proto && in->proto != fe->proto))
			continue;
		take(in, out);
		drop_slot(j, i);
		return CONNJOIN_FOUND;
	}
	if (tuple_only)
		return CONNJOIN_NONE;
	steps = 0;
	for (i = head_of(j, &fe->dst, fe->dport, 0);
	     i != NONE && steps++ < CONNJOIN_WALK; i = j->hnext[i]) {
		in = &j->ring[i];
		if (!live(in, now) || in->ms + CONNJOIN_KEEP_MS < arrived ||
		    in->sport || !same_dest(in, &fe->dst, fe->dport) ||
		    !same_ns(in, fe))
			continue;
		if (in->proto && in->proto != fe->proto)
			continue;
		/* an addressed send on a TCP socket makes no new flow */
		if (fe->proto == IPPROTO_TCP && !in->is_connect)
			continue;
		if (in->is_connect && in->used)
			continue;
		/* its socket, looked at now that it matters (once) */
		if (inode && !in->inode && in->fd >= 0 && j->sock_of) {
			in->inode = j->sock_of(in->pid, in->fd);
			in->fd = -1;
		}
		if (inode && in->inode) {
			if (in->inode != inode)
				continue;
			take(in, out);
			return CONNJOIN_FOUND;
		}
		/* another user's connect() never made this socket */
		if (sock && sock->uid != (uid_t)-1 && in->uid != sock->uid)
			continue;
		if (relevant && relevant(in->exe, in->comm, data))
			any_relevant = true;
		if (oldest && strcmp(oldest->exe, in->exe))
			one_exe = false;
		if (!oldest || in->ms <= oldest->ms)
			oldest = in;
		n++;
	}
	if (!n)
		return CONNJOIN_NONE;
	if (!any_relevant && relevant) {
		/* whoever it was, nothing reported depends on the name */
		take(oldest, out);
		return CONNJOIN_FOUND;
	}
	*needs_sock = !sock;
	if (now < arrived + CONNJOIN_SETTLE_MS)
		return CONNJOIN_WAIT;
	if (!one_exe)
		return CONNJOIN_AMBIGUOUS;
	take(oldest, out);
	return CONNJOIN_FOUND;
}

size_t conn_join_count(const struct conn_join *j)
{
	size_t i, n = 0;

	for (i = 0; i < CONNJOIN_MAX; i++)
		n += j->ring[i].ms != 0;
	return n;
}
