// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * insecure-server-protocols: one finding per service.  A listener on a
 * catalog port (and transport) is that service.  A known insecure
 * server program listening elsewhere is folded into the service it
 * already offers on its catalog port (vsftpd's passive data ports,
 * snmpd's SMUX on tcp/199) as an extra port; a program with no catalog
 * listener is its own service on its own port.  snmpd's v1/v2c
 * community lines (read by the listener source once per new snmpd
 * socket) are added as evidence, masked; an snmpd whose configuration
 * enables none serves SNMPv3 only and is no finding.  A flow whose
 * payload spoke a catalog protocol in clear to a local listener off
 * that protocol's ports makes that listener a service too (http on
 * 8888, telnet on 2323), and a known server's service off its ports
 * (vsftpd on 2121) takes in its program's extra listeners as well.
 */
#include "build.h"

#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "model/engine.h"
#include "model/model.h"
#include "rules/place.h"
#include "rules/rules.h"

#define SERVER_MAX_EVIDENCE 16
/* Services off their catalog ports remembered, for folding. */
#define SERVER_SERVICES 64
/* Listeners whose clear-text use was told already (a ring). */
#define SERVER_TOLD 64

/* A listener that is a service of its own away from pe's ports. */
struct service {
	uint64_t netns;
	uint32_t inode;
	uint8_t proto;
	uint16_t port;
	char name[PROTO_MAX_STR];	/* the catalog entry's */
	char *exe;
};

/* A listener a client spoke in clear to. */
struct told {
	uint64_t netns;
	uint32_t inode;
	uint8_t proto;
};

struct server_rule {
	const struct vigil_env *env;
	struct service svc[SERVER_SERVICES];	/* a ring */
	size_t next;
	struct told told[SERVER_TOLD];		/* a ring */
	size_t next_told;
	uint64_t *by_payload, *v3_only;
	uint64_t *conf_secure;	/* no finding: its files say no clear text */
};

static void add_evidence(json_object *ev, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void add_evidence(json_object *ev, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	json_object_array_add(ev, json_object_new_string(buf));
}

static bool entry_has(const struct proto_entry *pe, const struct listener *l)
{
	size_t i;

	if (!(pe->transport & (l->proto == IPPROTO_TCP ? PROTO_TCP :
							  PROTO_UDP)))
		return false;
	for (i = 0; i < PROTO_MAX_PORTS && pe->ports[i]; i++)
		if (pe->ports[i] == l->port)
			return true;
	return false;
}

static const struct service *service_of(const struct server_rule *r,
					const struct listener *l)
{
	size_t i;

	for (i = 0; i < SERVER_SERVICES; i++)
		if (r->svc[i].exe && r->svc[i].inode == l->inode &&
		    r->svc[i].netns == l->netns && r->svc[i].proto == l->proto)
			return &r->svc[i];
	return NULL;
}

static void service_add(struct server_rule *r, const struct listener *l,
			const struct proto_entry *pe)
{
	struct service *s = &r->svc[r->next];

	if (!l->exe || service_of(r, l))
		return;
	free(s->exe);
	s->exe = strdup(l->exe);
	s->netns = l->netns;
	s->inode = l->inode;
	s->proto = l->proto;
	s->port = l->port;
	snprintf(s->name, sizeof(s->name), "%s", pe->name);
	r->next = (r->next + 1) % SERVER_SERVICES;
}

static void service_forget(struct server_rule *r, const struct listener *l)
{
	struct service *s = (struct service *)service_of(r, l);

	if (!s)
		return;
	free(s->exe);
	s->exe = NULL;
}

/*
 * The listener of the same program that an extra listener belongs to:
 * one on pe's own ports, else one that is pe's service elsewhere (by
 * its program or its payload).  NULL when none.
 */
static const struct listener *home_of(const struct server_rule *r,
				      const struct proto_entry *pe,
				      const struct listener *l)
{
	size_t i, n = model_listener_count(r->env->model);
	const struct listener *elsewhere = NULL;
	const struct service *s;

	if (!l->exe)
		return NULL;
	for (i = 0; i < n; i++) {
		const struct listener *h = model_listener_at(r->env->model, i);

		/* a v3-only snmpd is no service to fold into */
		if (h == l || !h->exe || strcmp(h->exe, l->exe) ||
		    h->netns != l->netns || h->snmp_v3_only)
			continue;
		if (entry_has(pe, h))
			return h;
		s = service_of(r, h);
		if (!elsewhere && s && !strcmp(s->name, pe->name))
			elsewhere = h;
	}
	return elsewhere;
}

static const char *tr_name(uint8_t proto)
{
	return proto == IPPROTO_TCP ? "tcp" : "udp";
}

/*
 * Report l as pe's service (home: the listener it is an extra port of,
 * or NULL), with ev (consumed) as its evidence.
 */
static void report(const struct vigil_env *env, const struct listener *l,
		   const struct proto_entry *pe, const struct listener *home,
		   json_object *ev)
{
	char key[PROTO_MAX_STR + 192], addr[NET_ADDR_STRLEN];
	json_object *a = json_object_new_object();
	json_object *addrs = json_object_new_array();
	struct place pl;

	if (!ev || !a || !addrs) {
		json_object_put(a);
		json_object_put(addrs);
		json_object_put(ev);
		return;
	}
	if (home) {
		/* one more port of a service already found */
		json_object *extra = json_object_new_array();
		char port[16];

		snprintf(port, sizeof(port), "%u/%s", l->port,
			 tr_name(l->proto));
		json_object_array_add(extra, json_object_new_string(port));
		json_object_object_add(a, "extra_ports", extra);
		json_object_object_add(a, "extra_listeners",
				       json_object_new_int64(1));
		l = home;
	}
	snprintf(key, sizeof(key), "%s|%u|%s", pe->name, l->port,
		 tr_name(l->proto));
	engine_locate(env->engine, l->pid, l->netns, &pl);
	place_key(key, sizeof(key), &pl);
	place_attrs(a, &pl);
	json_object_object_add(a, "protocol", json_object_new_string(pe->name));
	json_object_object_add(a, "port", json_object_new_int(l->port));
	json_object_object_add(a, "transport",
			       json_object_new_string(tr_name(l->proto)));
	json_object_array_add(addrs, json_object_new_string(
				      net_addr_str(&l->addr, addr, sizeof(addr))));
	json_object_object_add(a, "bind_addresses", addrs);
	json_object_object_add(a, "program", json_object_new_string(
				       l->exe ? l->exe : "unknown"));
	if (l->pid)
		json_object_object_add(a, "pid", json_object_new_int(l->pid));
	json_object_object_add(a, "uid", json_object_new_int64(l->uid));
	json_object_object_add(a, "evidence", ev);
	json_object_object_add(a, "replacement",
			       json_object_new_string(pe->replacement));
	engine_report(env->engine, RULE_SERVER_PROTOCOLS, key, a);
}

static void on_listen(void *data, enum engine_event type, const void *p)
{
	const struct listen_change *ch = p;
	const struct listener *l = ch->l, *home = NULL;
	const struct server_conf *sc = l->conf;
	struct server_rule *r = data;
	const struct vigil_env *env = r->env;
	const struct proto_entry *pe, *by_prog, *by_conf = NULL;
	json_object *ev, *snmp = l->snmp_communities;
	const char *prog;
	size_t i;

	(void)type;
	if (!ch->added) {
		service_forget(r, l);
		return;
	}
	if (!engine_rule_enabled(env->engine, RULE_SERVER_PROTOCOLS))
		return;
	pe = proto_by_port(env->cfg->catalog, l->proto, l->port);
	if (pe && !(pe->use & PROTO_USE_SERVER))
		pe = NULL;
	by_prog = proto_by_server(env->cfg->catalog, l->comm, l->exe);
	if (by_prog && !(by_prog->use & PROTO_USE_SERVER))
		by_prog = NULL;
	/*
	 * inetd's entry for the port names a known clear-text server: that
	 * is what the port serves.  A program the catalog does not know
	 * clears nothing: a telnetd by another name on 23 is still telnet.
	 */
	if (sc && sc->inetd_prog[0]) {
		by_conf = proto_by_server(env->cfg->catalog, sc->inetd_prog,
					  NULL);
		if (by_conf && !(by_conf->use & PROTO_USE_SERVER))
			by_conf = NULL;
		if (by_conf)
			pe = by_conf;
	}
	if (!pe && !by_prog)
		return;
	/* its own files ask for TLS before anything crosses */
	if (sc && sc->tls == CONF_TLS_REQUIRED) {
		(*r->conf_secure)++;
		return;
	}
	/* an snmpd whose configuration enables no v1/v2c community */
	if (l->snmp_v3_only && ((pe && !strcmp(pe->name, "snmp")) ||
				(by_prog && !strcmp(by_prog->name, "snmp")))) {
		(*r->v3_only)++;
		return;
	}
	prog = proto_prog_name(l->comm, l->exe);
	if (by_conf && !entry_has(pe, l)) {
		/* its own service, away from pe's ports, by inetd.conf */
		service_add(r, l, pe);
	} else if (!pe) {
		pe = by_prog;
		home = home_of(r, pe, l);
		if (!home)
			/* its own service, away from pe's ports */
			service_add(r, l, pe);
	}
	ev = json_object_new_array();
	if (!ev)
		return;
	if (entry_has(pe, l) || (pe != by_prog && !by_conf))
		add_evidence(ev, "port %u/%s is in the catalog", l->port,
			     tr_name(l->proto));
	else if (home && entry_has(pe, home))
		add_evidence(ev, "port %u/%s is in the catalog", home->port,
			     tr_name(home->proto));
	if (by_prog)
		add_evidence(ev, "program %s is a known server", prog);
	if (sc && sc->evidence[0])
		add_evidence(ev, "config: %s", sc->evidence);
	if (snmp && json_object_array_length(snmp) > 0) {
		for (i = 0; i < json_object_array_length(snmp); i++)
			json_object_array_add(ev, json_object_get(
				json_object_array_get_idx(snmp, i)));
		add_evidence(ev, "snmpd enables v1/v2c communities");
	}
	report(env, l, pe, home, ev);
}

/* Was l's clear-text use told already?  If not, it is now. */
static bool told_once(struct server_rule *r, const struct listener *l)
{
	struct told *t;
	size_t i;

	for (i = 0; i < SERVER_TOLD; i++) {
		t = &r->told[i];
		if (t->inode == l->inode && t->netns == l->netns &&
		    t->proto == l->proto)
			return true;
	}
	t = &r->told[r->next_told];
	r->next_told = (r->next_told + 1) % SERVER_TOLD;
	t->inode = l->inode;
	t->netns = l->netns;
	t->proto = l->proto;
	return false;
}

/*
 * A client spoke a catalog protocol in clear to a local listener on
 * that protocol's ports: what it did is evidence of the service (the
 * server took clear text, with TLS on offer or not).  Once per
 * listener.
 */
static void clear_on_port(struct server_rule *r, const struct listener *l,
			  const struct proto_entry *pe,
			  const struct flow_event *fe)
{
	json_object *ev;

	if ((l->conf && l->conf->tls == CONF_TLS_REQUIRED) ||
	    told_once(r, l))
		return;
	ev = json_object_new_array();
	if (!ev)
		return;
	add_evidence(ev, "payload: a client spoke %s in clear here%s",
		     pe->name, fe->tls_offered ?
		     "; TLS was on offer, not required" : "");
	(*r->by_payload)++;
	report(r->env, l, pe, NULL, ev);
}

/*
 * A client spoke a catalog protocol in clear to a local listener that
 * is not on that protocol's ports: that listener serves it.  Once per
 * listener.
 */
static void on_flow(void *data, enum engine_event type, const void *p)
{
	const struct flow_event *fe = p;
	struct server_rule *r = data;
	const struct vigil_env *env = r->env;
	const struct proto_entry *pe;
	const struct listener *l;
	json_object *ev;

	(void)type;
	if (fe->kind != FLOW_NEW || !fe->to_local ||
	    fe->pay != FLOW_PAY_CLEAR ||
	    !engine_rule_enabled(env->engine, RULE_SERVER_PROTOCOLS))
		return;
	pe = proto_by_name(env->cfg->catalog, fe->pay_app);
	if (!pe || !(pe->use & PROTO_USE_SERVER))
		return;
	l = model_listener_find(env->model, fe->netns, fe->proto,
				&fe->server, fe->server_port);
	if (l && entry_has(pe, l)) {
		clear_on_port(r, l, pe, fe);
		return;
	}
	if (!l || service_of(r, l))
		return;
	service_add(r, l, pe);
	ev = json_object_new_array();
	if (!ev)
		return;
	add_evidence(ev, "payload: a client spoke %s in clear on port %u/%s",
		     pe->name, l->port, tr_name(l->proto));
	(*r->by_payload)++;
	report(env, l, pe, NULL, ev);
}

static int server_init(const struct vigil_env *env, void **priv)
{
	struct server_rule *r = calloc(1, sizeof(*r));

	if (!r)
		return -1;
	*priv = r;
	r->env = env;
	r->by_payload = engine_counter(env->engine, "server-protocols",
				       "by_payload");
	r->v3_only = engine_counter(env->engine, "server-protocols",
				    "snmpd_v3_only");
	r->conf_secure = engine_counter(env->engine, "server-protocols",
					"secure_by_config");
	if (!r->by_payload || !r->v3_only || !r->conf_secure ||
	    engine_subscribe(env->engine, EV_LISTEN, on_listen, r) < 0 ||
	    engine_subscribe(env->engine, EV_FLOW_PAYLOAD, on_flow, r) < 0)
		return -1;
	return 0;
}

static void server_fini(void *priv)
{
	struct server_rule *r = priv;
	size_t i;

	if (!r)
		return;
	for (i = 0; i < SERVER_SERVICES; i++)
		free(r->svc[i].exe);
	free(r);
}

const struct vigil_module server_protocols_module = {
	.name = "insecure-server-protocols",
	.init = server_init,
	.fini = server_fini,
};
