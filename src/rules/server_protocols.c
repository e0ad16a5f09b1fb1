// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * insecure-server-protocols: one finding per service.  A listener on a
 * catalog port (and transport) is that service.  A known insecure
 * server program listening elsewhere is folded into the service it
 * already offers on its catalog port (vsftpd's passive data ports,
 * snmpd's SMUX on tcp/199) as an extra port; a program with no catalog
 * listener is its own service on its own port.  snmpd's v1/v2c
 * community lines (read by the listener source once per new snmpd
 * socket) are added as evidence, masked.
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

/*
 * The listener of the same program on one of pe's own ports: the
 * service that an extra listener belongs to.  NULL when none.
 */
static const struct listener *home_of(const struct vigil_env *env,
				      const struct proto_entry *pe,
				      const struct listener *l)
{
	size_t i, n = model_listener_count(env->model);

	if (!l->exe)
		return NULL;
	for (i = 0; i < n; i++) {
		const struct listener *h = model_listener_at(env->model, i);

		if (h != l && h->exe && !strcmp(h->exe, l->exe) &&
		    h->netns == l->netns &&
		    entry_has(pe, h))
			return h;
	}
	return NULL;
}

static const char *tr_name(uint8_t proto)
{
	return proto == IPPROTO_TCP ? "tcp" : "udp";
}

static void on_listen(void *data, enum engine_event type, const void *p)
{
	const struct listen_change *ch = p;
	const struct listener *l = ch->l, *home = NULL;
	const struct vigil_env *env = data;
	const struct proto_entry *pe, *by_prog;
	json_object *a, *ev, *addrs, *snmp = l->snmp_communities;
	char key[PROTO_MAX_STR + 192], addr[NET_ADDR_STRLEN];
	struct place pl;
	const char *prog;
	size_t i;

	(void)type;
	if (!ch->added || !engine_rule_enabled(env->engine,
					       RULE_SERVER_PROTOCOLS))
		return;
	pe = proto_by_port(env->cfg->catalog, l->proto, l->port);
	if (pe && !(pe->use & PROTO_USE_SERVER))
		pe = NULL;
	by_prog = proto_by_server(env->cfg->catalog, l->comm, l->exe);
	if (by_prog && !(by_prog->use & PROTO_USE_SERVER))
		by_prog = NULL;
	if (!pe && !by_prog)
		return;
	prog = proto_prog_name(l->comm, l->exe);
	if (!pe) {
		pe = by_prog;
		home = home_of(env, pe, l);
	}
	ev = json_object_new_array();
	a = json_object_new_object();
	addrs = json_object_new_array();
	if (!ev || !a || !addrs) {
		json_object_put(a);
		json_object_put(addrs);
		json_object_put(ev);
		return;
	}
	if (pe != by_prog || entry_has(pe, l))
		add_evidence(ev, "port %u/%s is in the catalog", l->port,
			     tr_name(l->proto));
	else if (home)
		add_evidence(ev, "port %u/%s is in the catalog", home->port,
			     tr_name(home->proto));
	if (by_prog)
		add_evidence(ev, "program %s is a known server", prog);
	if (snmp && json_object_array_length(snmp) > 0) {
		for (i = 0; i < json_object_array_length(snmp); i++)
			json_object_array_add(ev, json_object_get(
				json_object_array_get_idx(snmp, i)));
		add_evidence(ev, "snmpd enables v1/v2c communities");
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

static int server_init(const struct vigil_env *env, void **priv)
{
	*priv = (void *)env;
	return engine_subscribe(env->engine, EV_LISTEN, on_listen,
				(void *)env);
}

const struct vigil_module server_protocols_module = {
	.name = "insecure-server-protocols",
	.init = server_init,
};
