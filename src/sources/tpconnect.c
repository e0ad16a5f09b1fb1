// SPDX-License-Identifier: GPL-2.0-or-later
/* Connect events from tracepoint samples: see tpconnect.h. */
#include "build.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "sources/tpconnect.h"

#define TCP_SYN_SENT 2

/* A socket in SYN_SENT: who connected, until the tuple is known. */
struct syn {
	uint64_t skaddr;	/* 0: empty */
	pid_t pid;
	uid_t uid;
	uint64_t netns;
	char comm[17];
	char *exe;
};

struct syn_table {
	struct syn s[TPCONNECT_SOCKS];
	struct syn last;	/* what the last event's strings point to */
};

static void syn_clear(struct syn *s)
{
	free(s->exe);
	memset(s, 0, sizeof(*s));
}

struct syn_table *syn_table_new(void)
{
	return calloc(1, sizeof(struct syn_table));
}

void syn_table_reset(struct syn_table *t)
{
	size_t i;

	for (i = 0; i < TPCONNECT_SOCKS; i++)
		syn_clear(&t->s[i]);
}

void syn_table_free(struct syn_table *t)
{
	if (!t)
		return;
	syn_table_reset(t);
	syn_clear(&t->last);
	free(t);
}

static struct syn *slot(struct syn_table *t, uint64_t skaddr)
{
	uint64_t h = (skaddr >> 6) * 0x9E3779B97F4A7C15ull;

	return &t->s[(h >> 32) % TPCONNECT_SOCKS];
}

void syn_table_enter(struct syn_table *t, uint64_t skaddr, pid_t pid,
		     const struct prog *p)
{
	struct syn *s = slot(t, skaddr);

	syn_clear(s);
	s->skaddr = skaddr;
	s->pid = pid;
	s->uid = (uid_t)-1;
	if (p) {
		s->uid = p->uid;
		s->netns = p->netns;
		memcpy(s->comm, p->comm, sizeof(s->comm));
		s->exe = p->exe ? strdup(p->exe) : NULL;
	}
}

static void addr_of(struct net_addr *a, uint16_t family, const uint8_t *raw)
{
	struct net_addr m;

	net_addr_set(&m, family == AF_INET6 ? AF_INET6 : AF_INET, raw);
	/* a dual-stack socket to a v4 address: conntrack shows v4 */
	net_addr_unmap(&m, a);
}

/* Who, and over what: the tuple is the caller's to fill. */
static void fill(struct connect_event *ev, uint8_t proto, pid_t pid,
		 uid_t uid, const char *exe, const char *comm)
{
	memset(ev, 0, sizeof(*ev));
	ev->pid = pid;
	ev->uid = ev->euid = uid;
	ev->exe = exe;
	ev->comm = comm;
	ev->proto = proto;
	ev->fd = -1;
}

bool syn_table_leave(struct syn_table *t, const struct sock_sample *k,
		     struct connect_event *ev, uint64_t *netns)
{
	struct syn *s = slot(t, k->skaddr);

	if (k->oldstate != TCP_SYN_SENT || !s->skaddr ||
	    s->skaddr != k->skaddr)
		return false;
	syn_clear(&t->last);
	t->last = *s;
	memset(s, 0, sizeof(*s));
	fill(ev, IPPROTO_TCP, t->last.pid, t->last.uid, t->last.exe,
	     t->last.comm);
	ev->is_connect = true;
	ev->sport = k->sport;
	ev->dport = k->dport;
	addr_of(&ev->src, k->family, k->saddr);
	addr_of(&ev->dst, k->family, k->daddr);
	*netns = t->last.netns;
	return true;
}

bool route_connect(const struct route_sample *r, pid_t pid,
		   const struct prog *p, struct connect_event *ev,
		   uint64_t *netns)
{
	if (r->proto != IPPROTO_UDP || !r->sport || !r->dport)
		return false;
	fill(ev, IPPROTO_UDP, pid, p ? p->uid : (uid_t)-1, p ? p->exe : NULL,
	     p ? p->comm : "");
	/* a send's lookup as much as a connect()'s: it names its flow */
	ev->is_connect = false;
	ev->sport = r->sport;
	ev->dport = r->dport;
	addr_of(&ev->src, r->family, r->src);
	addr_of(&ev->dst, r->family, r->dst);
	*netns = p ? p->netns : 0;
	return true;
}
