// SPDX-License-Identifier: GPL-2.0-or-later
/* Which process made a flow: the stage between conntrack and the rules. */
#include "build.h"

#include <errno.h>
#include <linux/capability.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "lib/log.h"
#include "lib/loop.h"
#include "model/model.h"
#include "sources/connjoin.h"
#include "sources/nssockfind.h"
#include "sources/owner.h"
#include "sources/ownerlate.h"
#include "sources/ownerstage.h"
#include "sources/procfd.h"
#include "sources/sockfind.h"

/* A flow waiting for the audit record of its connect(). */
struct parked {
	struct flow_event fe;
	uint64_t arrived;
	struct conn_sock sock;	/* inode 0: not known */
	bool sock_asked;
	struct parked *prev, *next;
};

static const int owner_caps[] = { CAP_SYS_PTRACE, CAP_DAC_READ_SEARCH };

static bool owners_wanted(const struct owner_stage *o)
{
	return engine_rule_enabled(o->env->engine, RULE_CLIENT_LOGIN) ||
	       engine_rule_enabled(o->env->engine, RULE_CLIENT_GENERAL);
}

struct relevance {
	const struct owner_stage *o;
	bool catalog;
};

/* Does the name matter for a flow: would a rule report it? */
static bool name_matters(const char *exe, const char *comm, void *data)
{
	const struct relevance *r = data;

	return r->catalog || owner_is_client(r->o, comm, exe);
}

/*
 * Does the tracepoint source tell fe's connect whole?  Then only an
 * intent with fe's own tuple may name it: a TCP flow while the
 * tracepoints run, a UDP flow to a client port of the catalog while
 * the route tracepoints do.
 */
static bool told_whole(const struct owner_stage *o,
		       const struct flow_event *fe)
{
	if (fe->proto == IPPROTO_TCP)
		return model_connect_trace(o->env->model);
	return fe->proto == IPPROTO_UDP && model_udp_trace(o->env->model) &&
	       owner_catalog_port(o, fe);
}

/*
 * Ask the tracepoint source for what it read and has not told yet, at
 * most once a millisecond unless it must be now.
 */
static void pull_connects(struct owner_stage *o, uint64_t now,
			  bool now_or_never)
{
	if (now == o->pulled_ms && !now_or_never)
		return;
	o->pulled_ms = now;
	engine_publish(o->env->engine, EV_CONNECTS_WANTED, &now_or_never);
}

/*
 * A UDP socket's port is free again once it is closed, and a route
 * lookup needs no datagram: an intent with a UDP flow's tuple may be
 * an earlier socket's (a local user's connect() that sends nothing,
 * over and over).  The flow's own socket looked its route up last
 * before the flow's first datagram: its tuple is judged only once
 * every sample up to the flow's arrival is in the join, and the
 * newest intent wins (connjoin.h).
 */
static bool udp_intents_pending(const struct owner_stage *o,
				const struct parked *p)
{
	return p->fe.proto == IPPROTO_UDP &&
	       model_trace_done(o->env->model) < (p->arrived + 1) * 1000000;
}

static enum conn_join_result try_join(struct owner_stage *o,
				      struct parked *p, uint64_t now)
{
	struct relevance rel = { o, owner_catalog_port(o, &p->fe) };
	bool tuple_only = told_whole(o, &p->fe);
	enum conn_join_result r;
	struct sock_owner so;
	bool needs;

	if (tuple_only && udp_intents_pending(o, p))
		return CONNJOIN_WAIT;
	memset(&so, 0, offsetof(struct sock_owner, exe));
	r = conn_join_match(o->join, &p->fe, p->sock.inode ? &p->sock : NULL,
			    tuple_only, p->arrived, now, name_matters, &rel,
			    &so, &needs);
	/* candidates: whose socket is it?  Asked once, while it is open */
	if (r != CONNJOIN_FOUND && needs && !p->sock_asked) {
		p->sock_asked = true;
		if (owner_flow_socket(o, &p->fe, &p->sock))
			r = conn_join_match(o->join, &p->fe, &p->sock,
					    tuple_only, p->arrived, now,
					    name_matters, &rel, &so, &needs);
	}
	if (r == CONNJOIN_FOUND) {
		/*
		 * An intent that could not name its program stays unknown:
		 * /proc would show what the pid runs now, which after a
		 * connect-then-exec is another program.
		 */
		so.inode = p->sock.inode;
		p->fe.owner = so;
		p->fe.owner_state = so.exe[0] ? OWNER_FOUND : OWNER_UNKNOWN;
		(*o->joined)++;
	}
	return r;
}

/* Publish parked flow p (joined, or given up on) and drop it. */
static void unpark(struct owner_stage *o, struct parked *p, bool joined)
{
	if (!joined) {
		(*o->fallback)++;
		owner_proc(o, &p->fe);
		/* reported "unknown": a record may still name it */
		if (p->fe.owner_state != OWNER_FOUND &&
		    owner_catalog_port(o, &p->fe))
			owner_late_gave_up(o->gave_up, &p->fe, p->sock.inode,
					   loop_now_ms());
	}
	if (p->prev)
		p->prev->next = p->next;
	else
		o->first = p->next;
	if (p->next)
		p->next->prev = p->prev;
	else
		o->last = p->prev;
	o->nparked--;
	engine_publish(o->env->engine, EV_FLOW, &p->fe);
	p->next = o->free_list;
	o->free_list = p;
}

/*
 * Every parked flow an intent now explains, or whose wait is over;
 * only those to dst:port when dst is given (a new intent's), and only
 * the one from sport when that is given too (an intent with its whole
 * tuple explains no other).
 */
static void settle(struct owner_stage *o, const struct net_addr *dst,
		   uint16_t port, uint16_t sport)
{
	uint64_t now = loop_now_ms();
	enum conn_join_result r;
	struct parked *p, *next;

	for (p = o->first; p; p = next) {
		next = p->next;
		if (dst && (p->fe.dport != port || (sport &&
			    p->fe.sport != sport) ||
			    !net_addr_eq(&p->fe.dst, dst)))
			continue;
		/*
		 * only its own tuple's arrival can place it before then (a
		 * UDP flow's: once the samples up to its arrival are in)
		 */
		if (!dst && now < p->arrived + OWNER_WAIT_MS &&
		    told_whole(o, &p->fe) && p->fe.proto != IPPROTO_UDP)
			continue;
		r = try_join(o, p, now);
		if (r == CONNJOIN_FOUND) {
			unpark(o, p, true);
		} else if (now >= p->arrived + OWNER_WAIT_MS) {
			if (r == CONNJOIN_AMBIGUOUS)
				(*o->ambiguous)++;
			unpark(o, p, false);
		}
	}
	if (o->nparked && !loop_timer_armed(o->tick))
		loop_timer_arm(o->tick, OWNER_TICK_MS, 0);
}

static void on_tick(struct loop *loop, struct loop_timer *t, void *data)
{
	struct owner_stage *o = data;

	(void)loop;
	(void)t;
	/*
	 * What the tracepoint source holds first (outside settle's walk:
	 * the connects it tells settle flows themselves): on a quiet host
	 * no sample may come to tell it that a UDP flow's time is past.
	 */
	pull_connects(o, loop_now_ms(), false);
	settle(o, NULL, 0, 0);
}

/*
 * A free slot of the pool, or NULL: one given back, else the next never
 * used.  The pool's slots (each holds a whole flow_event) are touched
 * only once needed: pre-linked, they cost vigild 1.1 MiB at start.
 */
static struct parked *take_free(struct owner_stage *o)
{
	struct parked *p = o->free_list;

	if (p)
		o->free_list = p->next;
	else if (o->pool_used < OWNER_PARKED)
		p = &o->pool[o->pool_used++];
	return p;
}

static bool has_free(const struct owner_stage *o)
{
	return o->free_list || o->pool_used < OWNER_PARKED;
}

static void park(struct owner_stage *o, const struct flow_event *fe)
{
	uint64_t now = loop_now_ms();
	struct parked *p;

	/*
	 * The connects read but not yet told first, once a millisecond:
	 * conntrack's batch and the connects' wait a few milliseconds
	 * each, so most flows find their intent told now and none waits
	 * parked, to be tried again at every later connect.  And when
	 * there is no room, before giving the oldest up.
	 */
	if (!has_free(o))
		(*o->wanted)++;
	pull_connects(o, now, !has_free(o));
	if (!has_free(o))
		unpark(o, o->first, false);
	p = take_free(o);
	flow_event_copy(&p->fe, fe);
	p->arrived = now;
	p->sock.inode = 0;
	p->sock.uid = (uid_t)-1;
	p->sock_asked = false;
	p->next = NULL;
	p->prev = o->last;
	if (o->last)
		o->last->next = p;
	else
		o->first = p;
	o->last = p;
	o->nparked++;
	if (try_join(o, p, p->arrived) == CONNJOIN_FOUND)
		unpark(o, p, true);
	else if (!loop_timer_armed(o->tick))
		loop_timer_arm(o->tick, OWNER_TICK_MS, 0);
}

static void on_conntrack(void *data, enum engine_event type, const void *p)
{
	struct owner_stage *o = data;
	struct flow_event fe;

	(void)type;
	flow_event_copy(&fe, p);
	fe.owner_state = OWNER_NOT_ASKED;
	if (fe.kind == FLOW_DESTROY || !fe.from_local || !owners_wanted(o))
		goto publish;
	if (fe.at_start) {
		owner_existing(o, &fe);
		goto publish;
	}
	if (model_connect_audit(o->env->model) ||
	    told_whole(o, &fe)) {
		park(o, &fe);
		return;
	}
	owner_proc(o, &fe);
publish:
	engine_publish(o->env->engine, EV_FLOW, &fe);
}

/*
 * A connect whose flow was given up on and published as "unknown":
 * published again with its program, once, for the rules to move the
 * count (flow_event.was_unknown).
 */
static void name_late(struct owner_stage *o, const struct connect_event *ev,
		      uint32_t inode)
{
	struct flow_event fe;

	if (!owner_late_named(o->gave_up, ev, inode, loop_now_ms(), &fe))
		return;
	memset(&fe.owner, 0, sizeof(fe.owner));
	fe.owner.pid = ev->pid;
	fe.owner.uid = ev->uid;
	snprintf(fe.owner.comm, sizeof(fe.owner.comm), "%s",
		 ev->comm ? ev->comm : "");
	snprintf(fe.owner.exe, sizeof(fe.owner.exe), "%s", ev->exe);
	fe.owner_state = OWNER_FOUND;
	fe.was_unknown = true;
	(*o->named_later)++;
	engine_publish(o->env->engine, EV_FLOW, &fe);
}

static void on_connect(void *data, enum engine_event type, const void *p)
{
	const struct connect_event *ev = p;
	struct owner_stage *o = data;
	uint32_t inode = 0;

	(void)type;
	/*
	 * The socket a connect() used, while its process still holds it;
	 * while the tracepoints tell every TCP connect whole, looked at
	 * only if a flow could be its (a UDP one): most are TCP, and this
	 * is a quarter of the cost of a connect record.
	 */
	if (ev->is_connect && ev->fd >= 0 && !ev->sport &&
	    !model_connect_trace(o->env->model))
		inode = procfd_fd_socket(ev->pid, ev->fd);
	if (conn_join_add(o->join, ev, inode, loop_now_ms()) < 0)
		(*o->intents_lost)++;
	if (o->nparked)
		settle(o, &ev->dst, ev->dport, ev->sport);
	name_late(o, ev, inode);
}

static void on_exec(void *data, enum engine_event type, const void *p)
{
	const struct exec_event *ev = p;

	(void)type;
	if (owner_pid_note(data, ev->pid, ev->comm, ev->exe))
		owner_recheck_recent(data, ev->pid);
}

static void on_scan(void *data, enum engine_event type, const void *p)
{
	const struct proc_info *pi = p;

	(void)type;
	owner_pid_note(data, pi->pid, pi->comm, pi->exe);
}

static void owner_fini(void *priv)
{
	struct owner_stage *o = priv;

	if (!o)
		return;
	ns_sockfinds_free(o->ns_sf);
	sockfind_close(o->sf);
	loop_timer_free(o->tick);
	conn_join_free(o->join);
	owner_late_free(o->gave_up);
	free(o->pool);
	free(o);
}

static int owner_init(const struct vigil_env *env, void **priv)
{
	struct owner_stage *o = calloc(1, sizeof(*o));
	struct engine *e = env->engine;
	const char *ns = env->cfg->netns;

	if (!o)
		return -1;
	*priv = o;
	o->env = env;
	o->lookups = engine_counter(e, "owner", "lookups");
	o->unknown = engine_counter(e, "owner", "unknown_process");
	o->throttled = engine_counter(e, "owner", "lookups_throttled");
	o->late = engine_counter(e, "owner", "late");
	o->named_later = engine_counter(e, "owner", "named_later");
	o->gave_up = owner_late_new();
	o->joined = engine_counter(e, "owner", "audit_joined");
	o->fallback = engine_counter(e, "owner", "audit_fallback");
	o->ambiguous = engine_counter(e, "owner", "audit_ambiguous");
	o->intents_lost = engine_counter(e, "owner", "intents_lost");
	o->wanted = engine_counter(e, "owner", "connects_wanted");
	o->join = conn_join_new(procfd_fd_socket);
	o->pool = calloc(OWNER_PARKED, sizeof(*o->pool));
	o->tick = loop_timer_new(env->loop, on_tick, o);
	if (!o->lookups || !o->unknown || !o->throttled || !o->late ||
	    !o->named_later || !o->gave_up ||
	    !o->joined || !o->fallback || !o->ambiguous ||
	    !o->intents_lost || !o->wanted || !o->join || !o->pool || !o->tick ||
	    engine_subscribe(e, EV_CONNTRACK, on_conntrack, o) < 0 ||
	    engine_subscribe(e, EV_CONNECT, on_connect, o) < 0 ||
	    engine_subscribe(e, EV_EXEC, on_exec, o) < 0 ||
	    engine_subscribe(e, EV_PROC_SCAN, on_scan, o) < 0 ||
	    !(o->ns_sf = ns_sockfinds_new(e, env->model)))
		return -1;
	o->sf = sockfind_open(ns);
	if (!o->sf)
		/* flows still reach the rules, with no program */
		log_err("owner: sock_diag unavailable%s%s (%m): flows are not attributed to processes",
			ns ? " in " : "", ns ? ns : "");
	return 0;
}

const struct vigil_module owner_module = {
	.name = "owner",
	.caps = owner_caps,
	.ncaps = sizeof(owner_caps) / sizeof(owner_caps[0]),
	.init = owner_init,
	.fini = owner_fini,
};
