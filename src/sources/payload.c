// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The payload stage: EV_FLOW in, EV_FLOW_PAYLOAD out, with what the
 * flow's first packets said.  A new flow of the watched namespace is
 * followed from conntrack's event (EV_CONNTRACK), before the owner
 * stage names its program, so that no packet comes before its flow;
 * when the named flow (EV_FLOW) arrives it goes on with the verdict,
 * or is held (its event, not its packets) until the decoders
 * (pdecode.h) decide, the flow ends, or PAY_WAIT_MS pass from its
 * start.  Every other flow event goes on at once.  Packets come from
 * NFLOG (nflog.h) and are read in place, never kept.
 *
 * Where NFLOG cannot be had (the group taken) flows go on unheld; where
 * no packet comes (a vigil.nft without its log rules) they are let go
 * unseen after PAY_WAIT_MS.  Either way the rules judge them by port,
 * as the evidence then says.
 */
#include "build.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <utlist.h>

#include "config/config.h"
#include "lib/hash.h"
#include "lib/log.h"
#include "lib/loop.h"
#include "model/engine.h"
#include "model/nstable.h"
#include "sources/nflog.h"
#include "sources/nsnft.h"
#include "sources/payload.h"
#include "sources/pdecode.h"

/* How long a new flow waits for its payload, and the check's period. */
#define PAY_WAIT_MS 2000
#define PAY_TICK_MS 250
/* Flows held at once; beyond, they go on unheld (counted). */
#define PAY_HELD_MAX 16384
/* Flows released unseen, no packet ever logged: the log rule is missing. */
#define PAY_SILENT_MAX 20
/* A flow followed whose named event never came is dropped after this. */
#define PAY_FORGET_MS 30000

/*
 * A flow's two ends, the lower first, whichever sent: the hash key
 * (memset whole), so that a packet of either side is one lookup.
 */
struct pay_key {
	uint64_t netns;		/* 0: the watched namespace */
	struct net_addr lo, hi;
	uint16_t lo_port, hi_port;
	uint8_t proto;
};

/* A namespace whose packets are read: the watched one, and others. */
struct pay_ns {
	uint64_t netns;
	struct payload *p;
	struct nflogsrc *log;
	UT_hash_handle hh;
};

/* A new flow followed: its decoder state, and its event once named. */
struct held {
	struct pay_key key;
	struct pd_flow st;
	uint64_t since_ms;	/* conntrack's NEW */
	enum pd_verdict verdict;	/* what it said, once done */
	bool done;		/* decided, or ended, or out of time */
	bool client_lo;		/* the client is the key's lower end */
	uint8_t fins;		/* 1: the client's FIN seen, 2: the server's */
	struct flow_event *fe;	/* NULL until EV_FLOW; all but owner.exe */
	char *exe;
	struct held *prev, *next;	/* in arrival order */
	UT_hash_handle hh;
};

struct payload {
	const struct vigil_env *env;
	struct pay_ns *readers;		/* by netns */
	struct loop_timer *tick;
	struct held *by_key;		/* hash */
	struct held *queue;		/* oldest first */
	size_t nheld;
	bool silent_warned;
	struct flow_event out;		/* what is published */
	uint64_t *held_ctr, *unheld, *clear, *upgraded, *encrypted;
	uint64_t *unknown, *not_seen, *unmatched, *packets, *overruns;
	uint64_t *active, *forgotten, *silent;
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* The key of a packet or flow from a to b; true if a is its lower end. */
static bool make_key(struct pay_key *k, uint64_t netns, uint8_t proto,
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
	(*verdict_ctr(p, pay))++;
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
	if (h->fe)
		release(p, h, v);
}

static struct pay_ns *reader_of(const struct payload *p, uint64_t netns)
{
	struct pay_ns *r;

	HASH_FIND(hh, p->readers, &netns, sizeof(netns), r);
	return r;
}

/* The flows a payload can change the verdict of, where it is read. */
static bool worth_holding(const struct payload *p, const struct flow_event *fe)
{
	if (fe->kind != FLOW_NEW || (!fe->from_local && !fe->to_local) ||
	    !reader_of(p, fe->netns))
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

	make_key(&k, fe->netns, fe->proto, &fe->src, fe->sport, &fe->dst,
		 fe->dport);
	HASH_FIND(hh, p->by_key, &k, sizeof(k), h);
	return h;
}

/* EV_CONNTRACK: a new flow, before its program is looked for. */
static void on_conntrack(void *data, enum engine_event type, const void *ev)
{
	const struct flow_event *fe = ev;
	struct payload *p = data;
	struct held *h;

	(void)type;
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
	h->client_lo = make_key(&h->key, fe->netns, fe->proto, &fe->src,
				fe->sport, &fe->dst, fe->dport);
	pdecode_init(&h->st, fe->proto);
	h->since_ms = now_ms();
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

static void on_flow(void *data, enum engine_event type, const void *ev)
{
	const struct flow_event *fe = ev;
	struct payload *p = data;
	struct held *h = p->nheld ? find(p, fe) : NULL;

	(void)type;
	if (h && fe->kind == FLOW_NEW && !fe->was_unknown && !h->fe) {
		attach(p, h, fe);
		return;
	}
	/* ended: decided now, on at once or when its name comes */
	if (h && fe->kind == FLOW_DESTROY && !h->done)
		decided(p, h, pdecode_end(&h->st));
	engine_publish(p->env->engine, EV_FLOW_PAYLOAD, fe);
}

static void on_packet(void *data, const struct pkt_view *pv)
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
	src_lo = make_key(&k, r->netns, pv->proto, &pv->src, pv->sport, &pv->dst,
			  pv->dport);
	HASH_FIND(hh, p->by_key, &k, sizeof(k), h);
	if (!h) {
		/* decided already, older than vigild, or its NEW was lost */
		(*p->unmatched)++;
		return;
	}
	if (h->done)
		return;
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

static void on_tick(struct loop *loop, struct loop_timer *t, void *data)
{
	struct payload *p = data;
	uint64_t now = now_ms();
	struct pay_ns *r, *rtmp;
	struct held *h, *tmp;

	(void)loop;
	(void)t;
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

/*
 * "ct packets" counts only with conntrack accounting on, and loading a
 * rule that uses it turns it on in that namespace: off means vigil.nft
 * is not loaded there (yet).  1, 0, or -1 when it cannot be read.
 */
static int acct_on(const char *ns)
{
	int nsfd = open(ns ? ns : "/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	int r;

	if (nsfd < 0)
		return -1;
	r = nsnft_acct(nsfd);
	close(nsfd);
	return r;
}

/*
 * Read NFLOG in a namespace: netns 0 and path NULL for the watched one.
 * 0, or -1 with errno (EBUSY: another program holds the group there).
 */
static int reader_open(struct payload *p, uint64_t netns, const char *path)
{
	struct pay_ns *r = calloc(1, sizeof(*r));

	if (!r)
		return -1;
	r->netns = netns;
	r->p = p;
	/* bursts as big as conntrack's: its cap, charged only when used */
	r->log = nflogsrc_open(p->env->loop, path,
			       (int)p->env->cfg->ct_rcvbuf_max, on_packet, r);
	if (!r->log) {
		free(r);
		return -1;
	}
	HASH_ADD(hh, p->readers, netns, sizeof(r->netns), r);
	if (!hash_added(r, hh)) {
		nflogsrc_close(r->log);
		free(r);
		return -1;
	}
	*p->active = HASH_COUNT(p->readers);
	return 0;
}

static void reader_close(struct payload *p, struct pay_ns *r)
{
	HASH_DEL(p->readers, r);
	nflogsrc_close(r->log);
	free(r);
	*p->active = HASH_COUNT(p->readers);
}

/*
 * Another namespace watched (network.namespaces = "all"): read its
 * packets too, as its vigild_ns table logs them.  A namespace whose
 * own vigil holds the group is judged by port.
 */
static void on_netns(void *data, enum engine_event type, const void *ev)
{
	const struct netns_change *ch = ev;
	struct payload *p = data;
	struct pay_ns *r = reader_of(p, ch->ns->inode);

	(void)type;
	if (!ch->added) {
		if (r)
			reader_close(p, r);
		return;
	}
	if (r || !p->env->cfg->payload || ch->ns->nsid < 0)
		return;
	if (reader_open(p, ch->ns->inode, ch->ns->path) < 0)
		log_info("payload: network namespace %llu: NFLOG group %d%s (%m): its flows are judged by port",
			 (unsigned long long)ch->ns->inode, NFLOG_GROUP,
			 errno == EBUSY ? " is held there" : "");
}

static int counters(struct payload *p, struct engine *e)
{
	p->held_ctr = engine_counter(e, "payload", "held");
	p->unheld = engine_counter(e, "payload", "unheld");
	p->clear = engine_counter(e, "payload", "clear");
	p->upgraded = engine_counter(e, "payload", "upgraded");
	p->encrypted = engine_counter(e, "payload", "encrypted");
	p->unknown = engine_counter(e, "payload", "unknown");
	p->not_seen = engine_counter(e, "payload", "not_seen");
	p->unmatched = engine_counter(e, "payload", "unmatched");
	p->packets = engine_counter(e, "payload", "packets");
	p->overruns = engine_counter(e, "payload", "overruns");
	p->active = engine_counter(e, "payload", "active");
	p->forgotten = engine_counter(e, "payload", "forgotten");
	p->silent = engine_counter(e, "payload", "silent");
	return p->held_ctr && p->unheld && p->clear && p->upgraded &&
	       p->encrypted && p->unknown && p->not_seen && p->unmatched &&
	       p->packets && p->overruns && p->active && p->forgotten &&
	       p->silent ?
	       0 : -1;
}

static int pay_init(const struct vigil_env *env, void **priv)
{
	struct payload *p = calloc(1, sizeof(*p));
	const char *ns = env->cfg->netns;

	if (!p)
		return -1;
	*priv = p;
	p->env = env;
	if (counters(p, env->engine) < 0 ||
	    engine_subscribe(env->engine, EV_CONNTRACK, on_conntrack, p) < 0 ||
	    engine_subscribe(env->engine, EV_FLOW, on_flow, p) < 0) {
		log_err("payload: out of memory");
		return -1;
	}
	if (!env->cfg->payload)
		return 0;
	if (acct_on(ns) == 0)
		log_info("payload: conntrack accounting is off: vigil.nft's log rules are not loaded; until they are, flows are judged by port");
	if (reader_open(p, 0, ns) < 0)
		log_warn("payload: NFLOG group %d%s: %m: flows are judged by port",
			 NFLOG_GROUP, errno == EBUSY ?
			 " is held by another program" : "");
	p->tick = loop_timer_new(env->loop, on_tick, p);
	if (!p->tick || loop_timer_arm(p->tick, PAY_TICK_MS, PAY_TICK_MS) < 0 ||
	    engine_subscribe(env->engine, EV_NETNS, on_netns, p) < 0) {
		log_err("payload: %m");
		return -1;
	}
	return 0;
}

static void pay_fini(void *priv)
{
	struct payload *p = priv;
	struct pay_ns *r, *rtmp;
	struct held *h, *tmp;

	if (!p)
		return;
	HASH_ITER(hh, p->readers, r, rtmp)
		reader_close(p, r);
	HASH_ITER(hh, p->by_key, h, tmp) {
		HASH_DEL(p->by_key, h);
		free(h->fe);
		free(h->exe);
		free(h);
	}
	loop_timer_free(p->tick);
	free(p);
}

const struct vigil_module payload_module = {
	.name = "payload",
	.init = pay_init,
	.fini = pay_fini,
};
