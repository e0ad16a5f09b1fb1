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
#include <stdlib.h>
#include <unistd.h>

#include "config/config.h"
#include "lib/log.h"
#include "lib/loop.h"
#include "model/engine.h"
#include "model/nstable.h"
#include "sources/nsnft.h"
#include "sources/payload.h"
#include "sources/payftp.h"
#include "sources/payload_priv.h"

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
			       (int)p->env->cfg->ct_rcvbuf_max, payload_on_packet, r);
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
	struct pay_ns *r = payload_reader_of(p, ch->ns->inode);

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

/* An active-mode ftp data connection: its control's flow, once more. */
static void ftp_met(void *data, const struct flow_event *fe)
{
	struct payload *p = data;

	engine_publish(p->env->engine, EV_FLOW_PAYLOAD, fe);
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
	p->ftp_data = engine_counter(e, "payload", "ftp_active_data");
	p->ftp_unnamed = engine_counter(e, "payload", "ftp_data_unnamed");
	return p->held_ctr && p->unheld && p->clear && p->upgraded &&
	       p->encrypted && p->unknown && p->not_seen && p->unmatched &&
	       p->packets && p->overruns && p->active && p->forgotten &&
	       p->silent && p->ftp_data && p->ftp_unnamed ?
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
	p->ftp = payftp_new(ftp_met, p);
	if (!p->ftp || counters(p, env->engine) < 0 ||
	    engine_subscribe(env->engine, EV_CONNTRACK, payload_on_conntrack, p) < 0 ||
	    engine_subscribe(env->engine, EV_FLOW, payload_on_flow, p) < 0) {
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
	p->tick = loop_timer_new(env->loop, payload_on_tick, p);
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
	payftp_free(p->ftp);
	free(p);
}

const struct vigil_module payload_module = {
	.name = "payload",
	.init = pay_init,
	.fini = pay_fini,
};
