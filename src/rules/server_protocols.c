// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * insecure-server-protocols: a listener on a catalog port, a known
 * insecure server program listening on any port, or an snmpd whose
 * configuration enables v1/v2c communities (read by the listener
 * source once per new snmpd socket).
 */
#include "build.h"

#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "model/engine.h"
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

static void on_listen(void *data, enum engine_event type, const void *p)
{
	const struct listen_change *ch = p;
	const struct listener *l = ch->l;
	const struct vigil_env *env = data;
	const char *tr = l->proto == IPPROTO_TCP ? "tcp" : "udp";
	const char *prog = proto_prog_name(l->comm, l->exe);
	const struct proto_entry *pe, *by_prog;
	json_object *a, *ev, *addrs, *snmp = l->snmp_communities;
	char key[PROTO_MAX_STR + 32], addr[NET_ADDR_STRLEN];
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
	ev = json_object_new_array();
	if (!ev)
		return;
	if (pe)
		add_evidence(ev, "port %u/%s is in the catalog", l->port, tr);
	if (by_prog)
		add_evidence(ev, "program %s is a known server", prog);
	if (!pe)
		pe = by_prog;
	if (snmp && json_object_array_length(snmp) > 0) {
		for (i = 0; i < json_object_array_length(snmp); i++)
			json_object_array_add(ev, json_object_get(
				json_object_array_get_idx(snmp, i)));
		add_evidence(ev, "snmpd enables v1/v2c communities");
	}
	snprintf(key, sizeof(key), "%s|%u|%s", pe->name, l->port, tr);
	a = json_object_new_object();
	addrs = json_object_new_array();
	if (!a || !addrs) {
		json_object_put(a);
		json_object_put(addrs);
		json_object_put(ev);
		return;
	}
	json_object_object_add(a, "protocol", json_object_new_string(pe->name));
	json_object_object_add(a, "port", json_object_new_int(l->port));
	json_object_object_add(a, "transport", json_object_new_string(tr));
	json_object_array_add(addrs, json_object_new_string(
				      net_addr_str(&l->addr, addr, sizeof(addr))));
	json_object_object_add(a, "bind_addresses", addrs);
	json_object_object_add(a, "program", json_object_new_string(
				       l->exe ? l->exe :
				       (l->comm[0] ? l->comm : "unknown")));
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
