// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Following each new flow to its verdict (payload.c says why): keyed by
 * both ends, its packets fed to the decoders (pdecode.h), its named
 * event held until they decide, the flow ends, or PAY_WAIT_MS pass.
 */
#include "build.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utlist.h>

#include "config/config.h"
#include "lib/log.h"
#include "lib/loop.h"
#include "model/engine.h"
#include "sources/payftp.h"
#include "sources/payload_priv.h"

bool payload_key(struct pay_key *k, uint64_t netns, uint8_t proto,
		     const struct net_addr *a, uint16_t aport,
		     const struct net_addr *b, uint16_t bport)
{
	int c = memcmp(a, b, sizeof(*a));
	bool a_lo = c < 0 || (c == 0 && aport <= bport);

	memset(k, 0, sizeof(*k));
	k->netns = netns;
	k->proto = proto;
	k->lo = a_lo ? *a : *b;
	k->hi = a_lo ? *b : *a;
	k->lo_port = a_lo ? aport : bport;
	k->hi_port = a_lo ? bport : aport;
	return a_lo;
}

static enum flow_payload pay_of(enum pd_verdict v)
{
	switch (v) {
	case PD_CLEAR:
		return FLOW_PAY_CLEAR;
	case PD_UPGRADED:
		return FLOW_PAY_UPGRADED;
	case PD_ENCRYPTED:
		return FLOW_PAY_ENCRYPTED;
	case PD_UNKNOWN:
		return FLOW_PAY_UNKNOWN;
	default:
		return FLOW_PAY_NOT_SEEN;
	}
}

static uint64_t *verdict_ctr(struct payload *p, enum flow_payload v)
{
	switch (v) {
	case FLOW_PAY_CLEAR:
		return p->clear;
	case FLOW_PAY_UPGRADED:
		return p->upgraded;
	case FLOW_PAY_ENCRYPTED:
		return p->encrypted;
	case FLOW_PAY_UNKNOWN:
		return p->unknown;
	default:
		return p->not_seen;
	}
}

static void forget(struct payload *p, struct held *h)
{
	HASH_DEL(p->by_key, h);
	DL_DELETE(p->queue, h);
	p->nheld--;
	free(h->fe);
	free(h->exe);
	explicit_bzero(&h->st, sizeof(h->st));
	free(h);
}

/* Publish fe (its program exe) with h's verdict v, and forget h. */
static void publish(struct payload *p, struct held *h,
		    const struct flow_event *fe, const char *exe,
		    enum pd_verdict v)
{
	struct flow_event *out = &p->out;
	enum flow_payload pay = pay_of(v);

	memcpy(out, fe, offsetof(struct flow_event, owner.exe));
	snprintf(out->owner.exe, sizeof(out->owner.exe), "%s", exe);
	out->pay = pay;
	out->pay_app = h->st.app ? pdecode_app_name(h->st.app) : NULL;
	out->snmp_version = h->st.snmp_version;
	out->ftp_data = false;
	out->tls_offered = h->st.offered;
	(*verdict_ctr(p, pay))++;
	payftp_named(p->ftp, &h->key, fe, exe);
	forget(p, h);
	engine_publish(p->env->engine, EV_FLOW_PAYLOAD, out);
}

/* Publish h's held flow with verdict v and forget h. */
static void release(struct payload *p, struct held *h, enum pd_verdict v)
{
	publish(p, h, h->fe, h->exe, v);
}

/* h is decided (v), or out of time: on with its flow, if named yet. */
static void decided(struct payload *p, struct held *h, enum pd_verdict v)
{
	h->verdict = v;
	h->done = true;
	/* an ftp login in clear: its PORT lines are followed on */
	if (v == PD_CLEAR && h->st.app == PD_APP_FTP &&
	    h->key.proto == IPPROTO_TCP)
		payftp_follow(p->ftp, &h->key, h->client_lo);
	if (h->fe)
		release(p, h, v);
}

struct pay_ns *payload_reader_of(const struct payload *p, uint64_t netns)
{
	struct pay_ns *r;

	HASH_FIND(hh, p->readers, &netns, sizeof(netns), r);
	return r;
}

/* The flows a payload can change the verdict of, where it is read. */
static bool worth_holding(const struct payload *p, const struct flow_event *fe)
{
	if (fe->kind != FLOW_NEW || (!fe->from_local && !fe->to_local) ||
	    !payload_reader_of(p, fe->netns))
		return false;
	if (fe->proto == IPPROTO_UDP)
		/* vigil.nft logs no DNS: its volume, and no verdict in it */
		return fe->dport != 53 && fe->sport != 53;
	return fe->proto == IPPROTO_TCP;
}

static struct held *find(struct payload *p, const struct flow_event *fe)
{
	struct pay_key k;
	struct held *h;

	payload_key(&k, fe->netns, fe->proto, &fe->src, fe->sport, &fe->dst,
		 fe->dport);
	HASH_FIND(hh, p->by_key, &k, sizeof(k), h);
	return h;
}

/* EV_CONNTRACK: a new flow, before its program is looked for. */
void payload_on_conntrack(void *data, enum engine_event type, const void *ev)
{
	const struct flow_event *fe = ev;
	struct payload *p = data;
	struct held *h;

	(void)type;
	/* a data connection an ftp client asked for by PORT */
	payftp_data(p->ftp, fe, loop_now_ms());
	if (!worth_holding(p, fe))
		return;
	h = find(p, fe);
	if (h) {
		/* the same tuple again: the first is over */
		if (h->fe)
			release(p, h, pdecode_end(&h->st));
		else
			forget(p, h);
	}
	if (p->nheld >= PAY_HELD_MAX) {
		(*p->unheld)++;
		return;
	}
	h = calloc(1, sizeof(*h));
	if (!h) {
		(*p->unheld)++;
		return;
	}
	h->client_lo = payload_key(&h->key, fe->netns, fe->proto, &fe->src,
				fe->sport, &fe->dst, fe->dport);
	pdecode_init(&h->st, fe->proto);
	h->since_ms = loop_now_ms();
	HASH_ADD(hh, p->by_key, key, sizeof(h->key), h);
	if (!hash_added(h, hh)) {
		free(h);
		(*p->unheld)++;
		return;
	}
	DL_APPEND(p->queue, h);
	p->nheld++;
	(*p->held_ctr)++;
}

/* EV_FLOW, the flow named: on with its verdict, or held for it. */
static void attach(struct payload *p, struct held *h,
		   const struct flow_event *fe)
{
	size_t head = offsetof(struct flow_event, owner.exe);

	/* decided already: on at once, nothing to keep */
	if (h->done) {
		publish(p, h, fe, fe->owner.exe, h->verdict);
		return;
	}
	h->fe = malloc(head);
	h->exe = strdup(fe->owner.exe);
	if (!h->fe || !h->exe) {
		free(h->fe);
		free(h->exe);
		h->fe = NULL;
		h->exe = NULL;
		forget(p, h);
		(*p->unheld)++;
		engine_publish(p->env->engine, EV_FLOW_PAYLOAD, fe);
		return;
	}
	memcpy(h->fe, fe, head);
}

void payload_on_flow(void *data, enum engine_event type, const void *ev)
{
	const struct flow_event *fe = ev;
	struct payload *p = data;
	struct held *h = p->nheld ? find(p, fe) : NULL;
	struct pay_key k;

	(void)type;
	if (h && fe->kind == FLOW_NEW && !fe->was_unknown && !h->fe) {
		attach(p, h, fe);
		return;
	}
	/* ended: decided now, on at once or when its name comes */
	if (h && fe->kind == FLOW_DESTROY && !h->done)
		decided(p, h, pdecode_end(&h->st));
	if (fe->kind == FLOW_DESTROY) {
		payload_key(&k, fe->netns, fe->proto, &fe->src, fe->sport,
			 &fe->dst, fe->dport);
		payftp_ended(p->ftp, &k);
	}
	engine_publish(p->env->engine, EV_FLOW_PAYLOAD, fe);
}

void payload_on_packet(void *data, const struct pkt_view *pv)
{
	struct pay_ns *r = data;
	struct payload *p = r->p;
	enum pd_dir dir;
	struct pay_key k;
	bool src_lo;
	struct held *h;
	enum pd_verdict v;

	(*p->packets)++;
	if (!pv->len && !pv->fin && !pv->rst)
		return;
	src_lo = payload_key(&k, r->netns, pv->proto, &pv->src, pv->sport, &pv->dst,
			  pv->dport);
	HASH_FIND(hh, p->by_key, &k, sizeof(k), h);
	if (!h || h->done) {
		/* an ftp control in clear, after its verdict: PORT lines */
		if (pv->len && payftp_packet(p->ftp, &k, src_lo, pv,
					     loop_now_ms()))
			return;
		/* decided already, older than vigild, or its NEW was lost */
		if (!h)
			(*p->unmatched)++;
		return;
	}
	dir = src_lo == h->client_lo ? PD_FROM_CLIENT : PD_FROM_SERVER;
	v = pv->len ? pdecode_packet(&h->st, pv->proto, dir, pv->payload,
				     pv->len) : PD_PENDING;
	if (pv->fin)
		h->fins |= dir == PD_FROM_CLIENT ? 1 : 2;
	/* a reset, or both sides done: what it said is all it will say */
	if (v == PD_PENDING && (pv->rst || h->fins == 3))
		v = pdecode_end(&h->st);
	if (v != PD_PENDING || pv->rst || h->fins == 3)
		decided(p, h, v);
}

void payload_on_tick(struct loop *loop, struct loop_timer *t, void *data)
{
	struct payload *p = data;
	uint64_t now = loop_now_ms();
	struct pay_ns *r, *rtmp;
	struct held *h, *tmp;

	(void)loop;
	(void)t;
	payftp_expire(p->ftp, now);
	*p->ftp_data = payftp_met(p->ftp);
	*p->ftp_unnamed = payftp_unnamed(p->ftp);
	*p->overruns = 0;
	HASH_ITER(hh, p->readers, r, rtmp)
		*p->overruns += nflogsrc_overruns(r->log);
	/* in arrival order: stop at the first still in its time */
	DL_FOREACH_SAFE(p->queue, h, tmp) {
		if (h->since_ms + PAY_WAIT_MS > now)
			break;
		if (!h->done) {
			decided(p, h, pdecode_end(&h->st));
			continue;
		}
		/* decided, its named flow never came (or was dropped) */
		if (!h->fe && h->since_ms + PAY_FORGET_MS <= now) {
			(*p->forgotten)++;
			forget(p, h);
		}
	}
	/* many flows and not one packet: vigil.nft lacks its log rules */
	if (!*p->packets && *p->not_seen >= PAY_SILENT_MAX &&
	    !p->silent_warned) {
		log_warn("payload: no packet of %llu flows was logged: is rules/nft/vigil.nft's table loaded with its log rules? Flows are judged by port meanwhile",
			 (unsigned long long)*p->not_seen);
		p->silent_warned = true;
		*p->silent = 1;
	}
	if (*p->silent && *p->packets)
		*p->silent = 0;	/* the rules came */
}
