// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Active-mode FTP data connections, joined to the control connection
 * that asked for them: see payftp.h.
 */
#include "build.h"

#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utlist.h>

#include "lib/hash.h"
#include "sources/payftp.h"
#include "sources/pdecode.h"

/* A control connection followed after its verdict. */
struct ftp_ctl {
	struct pay_key key;
	bool client_lo;
	struct flow_event *fe;	/* all but owner.exe; NULL: not named */
	char *exe;
	struct ftp_ctl *prev, *next;	/* oldest first */
	UT_hash_handle hh;
};

/* Where a data connection is expected: the client's end of it. */
struct expect_key {
	uint64_t netns;
	struct net_addr addr;
	uint16_t port;
};

struct ftp_expect {
	struct expect_key key;
	struct net_addr server;	/* who is to connect */
	struct ftp_ctl *ctl;
	uint64_t since_ms;
	struct ftp_expect *prev, *next;	/* oldest first */
	UT_hash_handle hh;
};

/* An inbound connection of late, for a PORT line read after it. */
struct recent {
	struct expect_key key;	/* its local end */
	struct net_addr from;
	uint64_t ms;		/* 0: free, or met */
};

struct payftp {
	struct ftp_ctl *ctls, *ctl_queue;
	struct ftp_expect *expects, *expect_queue;
	size_t nctls, nexpects;
	struct recent recent[PAYFTP_RECENT];	/* a ring */
	size_t next_recent;
	payftp_met_fn met;
	void *data;
	uint64_t nmet, nunnamed;
	struct flow_event out;	/* what met() is handed */
};

struct payftp *payftp_new(payftp_met_fn met, void *data)
{
	struct payftp *f = calloc(1, sizeof(struct payftp));

	if (f) {
		f->met = met;
		f->data = data;
	}
	return f;
}

uint64_t payftp_met(const struct payftp *f)
{
	return f->nmet;
}

uint64_t payftp_unnamed(const struct payftp *f)
{
	return f->nunnamed;
}

/* A data connection of c's client: c's flow once more. */
static void meet(struct payftp *f, const struct ftp_ctl *c)
{
	size_t head = offsetof(struct flow_event, owner.exe);
	struct flow_event *out = &f->out;

	if (!c->fe) {
		f->nunnamed++;
		return;
	}
	memcpy(out, c->fe, head);
	snprintf(out->owner.exe, sizeof(out->owner.exe), "%s", c->exe);
	/* the control's sighting once more; its server's rule not again */
	out->ftp_data = true;
	out->to_local = false;
	out->closing = false;
	out->late = false;
	out->was_unknown = false;
	f->nmet++;
	f->met(f->data, out);
}

static void expect_free(struct payftp *f, struct ftp_expect *e)
{
	HASH_DEL(f->expects, e);
	DL_DELETE(f->expect_queue, e);
	f->nexpects--;
	free(e);
}

static void ctl_free(struct payftp *f, struct ftp_ctl *c)
{
	struct ftp_expect *e, *tmp;

	DL_FOREACH_SAFE(f->expect_queue, e, tmp)
		if (e->ctl == c)
			expect_free(f, e);
	HASH_DEL(f->ctls, c);
	DL_DELETE(f->ctl_queue, c);
	f->nctls--;
	free(c->fe);
	free(c->exe);
	free(c);
}

void payftp_free(struct payftp *f)
{
	if (!f)
		return;
	while (f->ctl_queue)
		ctl_free(f, f->ctl_queue);
	free(f);
}

static struct ftp_ctl *ctl_find(struct payftp *f, const struct pay_key *k)
{
	struct ftp_ctl *c;

	HASH_FIND(hh, f->ctls, k, sizeof(*k), c);
	return c;
}

void payftp_follow(struct payftp *f, const struct pay_key *k, bool client_lo)
{
	struct ftp_ctl *c = ctl_find(f, k);

	if (c)
		ctl_free(f, c);	/* the same tuple again: a new one */
	if (f->nctls >= PAYFTP_CTLS)
		ctl_free(f, f->ctl_queue);
	c = calloc(1, sizeof(*c));
	if (!c)
		return;
	c->key = *k;
	c->client_lo = client_lo;
	HASH_ADD(hh, f->ctls, key, sizeof(c->key), c);
	if (!hash_added(c, hh)) {
		free(c);
		return;
	}
	DL_APPEND(f->ctl_queue, c);
	f->nctls++;
}

void payftp_named(struct payftp *f, const struct pay_key *k,
		  const struct flow_event *fe, const char *exe)
{
	size_t head = offsetof(struct flow_event, owner.exe);
	struct ftp_ctl *c = ctl_find(f, k);

	if (!c || c->fe)
		return;
	/* a client this host serves: its data is the other host's count */
	if (!fe->from_local || fe->kind != FLOW_NEW || fe->at_start) {
		ctl_free(f, c);
		return;
	}
	c->fe = malloc(head);
	c->exe = strdup(exe);
	if (!c->fe || !c->exe) {
		ctl_free(f, c);
		return;
	}
	memcpy(c->fe, fe, head);
}

/* One PORT or EPRT line of c's client: expect the server there. */
static void expect(struct payftp *f, struct ftp_ctl *c,
		   const struct net_addr *addr, uint16_t port, uint64_t now)
{
	const struct net_addr *server = c->client_lo ? &c->key.hi :
						       &c->key.lo;
	struct ftp_expect *e;
	struct expect_key k;

	size_t i;

	memset(&k, 0, sizeof(k));
	k.netns = c->key.netns;
	k.addr = *addr;
	k.port = port;
	/* the connection came first (NFLOG hands lines over in batches) */
	for (i = 0; i < PAYFTP_RECENT; i++) {
		struct recent *r = &f->recent[i];

		if (r->ms && r->ms + PAYFTP_RECENT_MS > now &&
		    !memcmp(&r->key, &k, sizeof(k)) &&
		    net_addr_eq(&r->from, server)) {
			r->ms = 0;
			meet(f, c);
			return;
		}
	}
	HASH_FIND(hh, f->expects, &k, sizeof(k), e);
	if (e)
		expect_free(f, e);	/* asked again: one connection */
	if (f->nexpects >= PAYFTP_EXPECTS)
		expect_free(f, f->expect_queue);
	e = calloc(1, sizeof(*e));
	if (!e)
		return;
	e->key = k;
	e->server = *server;
	e->ctl = c;
	e->since_ms = now;
	HASH_ADD(hh, f->expects, key, sizeof(e->key), e);
	if (!hash_added(e, hh)) {
		free(e);
		return;
	}
	DL_APPEND(f->expect_queue, e);
	f->nexpects++;
}

bool payftp_packet(struct payftp *f, const struct pay_key *k, bool src_lo,
		   const struct pkt_view *pv, uint64_t now_ms)
{
	struct ftp_ctl *c = f->nctls ? ctl_find(f, k) : NULL;
	const uint8_t *p = pv->payload, *nl;
	size_t len = pv->len, n;
	struct net_addr addr;
	uint16_t port;

	if (!c)
		return false;
	if (src_lo != c->client_lo)
		return true;	/* the server's replies say nothing here */
	/* each whole line of the packet, within len */
	while (len && (nl = memchr(p, '\n', len))) {
		n = (size_t)(nl - p) + 1;
		if (pdecode_ftp_port(p, n, &addr, &port))
			expect(f, c, &addr, port, now_ms);
		p += n;
		len -= n;
	}
	return true;
}

void payftp_data(struct payftp *f, const struct flow_event *fe,
		 uint64_t now_ms)
{
	struct ftp_expect *e;
	struct expect_key k;
	struct recent *r;
	struct ftp_ctl *c;

	if (fe->kind != FLOW_NEW || fe->proto != IPPROTO_TCP || !fe->to_local)
		return;
	memset(&k, 0, sizeof(k));
	k.netns = fe->netns;
	net_addr_unmap(&fe->dst, &k.addr);
	k.port = fe->dport;
	e = NULL;
	if (f->nexpects)
		HASH_FIND(hh, f->expects, &k, sizeof(k), e);
	/* from the server the control connection goes to, and no other */
	if (e && net_addr_eq(&e->server, &fe->src)) {
		c = e->ctl;
		expect_free(f, e);
		meet(f, c);
		return;
	}
	/* perhaps its line is still on its way: kept a moment */
	r = &f->recent[f->next_recent];
	f->next_recent = (f->next_recent + 1) % PAYFTP_RECENT;
	r->key = k;
	r->from = fe->src;
	r->ms = now_ms ? now_ms : 1;
}

void payftp_ended(struct payftp *f, const struct pay_key *k)
{
	struct ftp_ctl *c = f->nctls ? ctl_find(f, k) : NULL;

	if (c)
		ctl_free(f, c);
}

void payftp_expire(struct payftp *f, uint64_t now_ms)
{
	while (f->expect_queue &&
	       f->expect_queue->since_ms + PAYFTP_EXPECT_MS <= now_ms)
		expect_free(f, f->expect_queue);
}
