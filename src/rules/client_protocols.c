// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * insecure-client-protocols-login / -general: this host connects out
 * with a clear-text protocol.  A flow counts when it goes from a local
 * address to a catalog port, or when a known insecure client program
 * made it (any port).  The process is looked up only for those flows:
 * for catalog ports always, for other ports only while some process
 * runs a known client program.
 */
#include "build.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "findings/attrs.h"
#include "sources/audit.h"
#include "sources/ct.h"
#include "sources/listen.h"
#include "lib/log.h"
#include "rules/rules.h"
#include "vigil.h"

/* Pids known to run a catalog client program, at most this many. */
#define CLIENT_MAX_PIDS 256
/* Remote endpoints kept per finding. */
#define CLIENT_MAX_REMOTES 10
/* Full /proc searches per second; past it a flow is "unknown". */
#define CLIENT_SCAN_BUDGET 20
/*
 * Outbound flows to ports not in the catalog, kept this long (at most
 * this many): a client program's flow can reach vigild before the
 * audit record of its exec does, and is looked at again then.
 */
#define CLIENT_RECENT 128
#define CLIENT_RECENT_MS 2000

struct recent_flow {
	struct flow_event fe;
	uint64_t ms;		/* 0: empty or already looked at */
};

struct client_rule {
	struct vigil *v;
	pid_t pids[CLIENT_MAX_PIDS];	/* running a client program */
	size_t npids;
	uint64_t budget_sec;
	unsigned int budget_used;
	struct recent_flow recent[CLIENT_RECENT];	/* a ring */
	size_t next_recent;
	uint64_t *matched, *unknown, *throttled;
};

static const struct proto_entry *client_proto(const struct vigil *v,
					      const char *comm,
					      const char *exe)
{
	const struct proto_entry *pe = proto_by_client(v->cfg->catalog, comm,
						       exe);

	return pe && (pe->use & PROTO_USE_CLIENT) ? pe : NULL;
}

static void pid_forget(struct client_rule *c, pid_t pid)
{
	size_t i;

	for (i = 0; i < c->npids; i++) {
		if (c->pids[i] == pid) {
			c->pids[i] = c->pids[--c->npids];
			return;
		}
	}
}

/* Returns true when pid runs a client program (and is now known). */
static bool pid_note(struct client_rule *c, pid_t pid, const char *comm,
		     const char *exe)
{
	pid_forget(c, pid);
	if (!client_proto(c->v, comm, exe))
		return false;
	if (c->npids == CLIENT_MAX_PIDS)
		/* the oldest is the likeliest to be gone */
		memmove(c->pids, c->pids + 1,
			--c->npids * sizeof(c->pids[0]));
	c->pids[c->npids++] = pid;
	return true;
}

static void recheck_recent(struct client_rule *c, pid_t pid);

static void on_exec(void *data, enum engine_event type, const void *p)
{
	const struct exec_event *ev = p;

	(void)type;
	if (pid_note(data, ev->pid, ev->comm, ev->exe))
		recheck_recent(data, ev->pid);
}

static void on_scan(void *data, enum engine_event type, const void *p)
{
	const struct proc_info *pi = p;

	(void)type;
	pid_note(data, pi->pid, pi->comm, pi->exe);
}

/* May this flow do a full /proc search?  A few per second at most. */
static bool budget_ok(struct client_rule *c)
{
	uint64_t sec = loop_now_ms() / 1000;

	if (sec != c->budget_sec) {
		c->budget_sec = sec;
		c->budget_used = 0;
	}
	if (c->budget_used >= CLIENT_SCAN_BUDGET) {
		(*c->throttled)++;
		return false;
	}
	c->budget_used++;
	return true;
}

static void report(struct client_rule *c, const struct flow_event *fe,
		   const struct proto_entry *pe, const struct sock_owner *o,
		   const char *how)
{
	struct engine *e = c->v->engine;
	enum rule_id rule = pe->class == PROTO_LOGIN ? RULE_CLIENT_LOGIN :
						       RULE_CLIENT_GENERAL;
	const char *prog = o->exe[0] ? o->exe : (o->comm[0] ? o->comm :
							       "unknown");
	char key[PATH_MAX + 160], ep[NET_ADDR_STRLEN];
	const struct finding *f;
	json_object *a;
	int64_t conns = 0;
	json_object *old;

	snprintf(key, sizeof(key), "%s|%s", pe->name, prog);
	f = engine_lookup(e, rule, key);
	if (f && json_object_object_get_ex(f->attrs, "connections", &old))
		conns = json_object_get_int64(old);
	a = json_object_new_object();
	if (!a)
		return;
	json_object_object_add(a, "protocol", json_object_new_string(pe->name));
	json_object_object_add(a, "class", json_object_new_string(
				       proto_class_name(pe->class)));
	json_object_object_add(a, "transport", json_object_new_string(
			fe->proto == IPPROTO_TCP ? "tcp" : "udp"));
	json_object_object_add(a, "program", json_object_new_string(prog));
	json_object_object_add(a, "matched_by", json_object_new_string(how));
	if (o->pid) {
		json_object_object_add(a, "pid", json_object_new_int(o->pid));
		json_object_object_add(a, "comm",
				       json_object_new_string(o->comm));
	}
	if (o->inode)
		json_object_object_add(a, "uid",
				       json_object_new_int64(o->uid));
	net_endpoint_str(&fe->dst, fe->dport, ep, sizeof(ep));
	json_object_object_add(a, "remote", json_object_new_string(ep));
	json_object_object_add(a, "remote_port",
			       json_object_new_int(fe->dport));
	json_object_object_add(a, "remote_endpoints",
			       attrs_list_add(f, "remote_endpoints",
					      json_object_new_string(ep),
					      CLIENT_MAX_REMOTES));
	net_addr_str(&fe->src, ep, sizeof(ep));
	json_object_object_add(a, "local_address", json_object_new_string(ep));
	json_object_object_add(a, "connections",
			       json_object_new_int64(conns + 1));
	json_object_object_add(a, "replacement",
			       json_object_new_string(pe->replacement));
	engine_report(e, rule, key, a);
}

/* Flows made by a program vigild had not yet seen start, only seen. */
static void recheck_recent(struct client_rule *c, pid_t pid)
{
	uint64_t now = loop_now_ms();
	const struct proto_entry *pe;
	struct sock_owner o;
	size_t i;

	if (!c->v->listeners)
		return;
	for (i = 0; i < CLIENT_RECENT; i++) {
		struct recent_flow *rf = &c->recent[i];

		if (!rf->ms || now - rf->ms > CLIENT_RECENT_MS)
			continue;
		if (listen_flow_owner(c->v->listeners, rf->fe.proto,
				      &rf->fe.src, rf->fe.sport, &rf->fe.dst,
				      rf->fe.dport, &pid, 1, false, &o) <= 0)
			continue;
		pe = client_proto(c->v, o.comm, o.exe);
		if (!pe)
			continue;
		rf->ms = 0;
		(*c->matched)++;
		report(c, &rf->fe, pe, &o, "program");
	}
}

static void remember(struct client_rule *c, const struct flow_event *fe)
{
	struct recent_flow *rf = &c->recent[c->next_recent];

	rf->fe = *fe;
	rf->ms = loop_now_ms();
	c->next_recent = (c->next_recent + 1) % CLIENT_RECENT;
}

static void on_flow(void *data, enum engine_event type, const void *p)
{
	const struct flow_event *fe = p;
	struct client_rule *c = data;
	struct vigil *v = c->v;
	const struct proto_entry *pe, *by_prog;
	struct sock_owner o;
	int r;

	(void)type;
	if (fe->kind == FLOW_DESTROY || !fe->from_local)
		return;
	if (!engine_rule_enabled(v->engine, RULE_CLIENT_LOGIN) &&
	    !engine_rule_enabled(v->engine, RULE_CLIENT_GENERAL))
		return;
	pe = proto_by_port(v->cfg->catalog, fe->proto, fe->dport);
	if (pe && !(pe->use & PROTO_USE_CLIENT))
		pe = NULL;
	memset(&o, 0, sizeof(o));
	if (pe) {
		/* known client pids first: cheap, and usually right;
		 * without sock_diag the program stays unknown */
		r = !v->listeners ? 0 :
		    listen_flow_owner(v->listeners, fe->proto, &fe->src,
				      fe->sport, &fe->dst, fe->dport, c->pids,
				      c->npids, budget_ok(c), &o);
		if (r <= 0)
			(*c->unknown)++;
		by_prog = r > 0 ? client_proto(v, o.comm, o.exe) : NULL;
		(*c->matched)++;
		report(c, fe, pe, &o, by_prog == pe ? "port and program" :
						      "port");
		return;
	}
	/* Another port: only a known client program makes it count. */
	if (!v->listeners)
		return;
	r = !c->npids ? 0 :
	    listen_flow_owner(v->listeners, fe->proto, &fe->src, fe->sport,
			      &fe->dst, fe->dport, c->pids, c->npids, false,
			      &o);
	by_prog = r > 0 ? client_proto(v, o.comm, o.exe) : NULL;
	if (!by_prog) {
		if (fe->kind == FLOW_NEW)
			remember(c, fe);
		return;
	}
	(*c->matched)++;
	report(c, fe, by_prog, &o, "program");
}

static void client_fini(void *priv)
{
	free(priv);
}

static int client_init(struct vigil *v, void **priv)
{
	struct client_rule *c = calloc(1, sizeof(*c));
	struct engine *e = v->engine;

	if (!c)
		return -1;
	*priv = c;
	c->v = v;
	c->matched = engine_counter(e, "client-protocols", "flows");
	c->unknown = engine_counter(e, "client-protocols", "unknown_process");
	c->throttled = engine_counter(e, "client-protocols",
				      "lookups_throttled");
	if (!c->matched || !c->unknown || !c->throttled ||
	    engine_subscribe(e, EV_FLOW, on_flow, c) < 0 ||
	    engine_subscribe(e, EV_EXEC, on_exec, c) < 0 ||
	    engine_subscribe(e, EV_PROC_SCAN, on_scan, c) < 0)
		return -1;
	return 0;
}

const struct vigil_module client_protocols_module = {
	.name = "insecure-client-protocols",
	.init = client_init,
	.fini = client_fini,
};
