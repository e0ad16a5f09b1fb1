// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * insecure-client-protocols-login / -general: this host connects out
 * with a clear-text protocol.  A flow counts when it goes from a local
 * address to a catalog port, or when a known insecure client program
 * made it (any port).  The flow comes with its owner, when one was
 * worth looking up (sources/owner.c).  A program is named by its path
 * only: a comm is the process's to choose.  Flows that existed when
 * vigild started are state, not new uses: they add to a finding
 * (creating it when their program is known) but count no connection.
 */
#include "build.h"

#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "model/engine.h"
#include "rules/place.h"
#include "rules/rules.h"

/*
 * The last sightings reported: one client connecting again and again
 * (a poller, a proxy, its worker processes) makes the same sighting
 * each time.  Its evidence, kept as the store escaped it, is handed in
 * again rather than built and escaped anew (engine_report_again()).
 */
#define LAST_SIGHTINGS 8

struct last_sighting {
	json_object *attrs;		/* NULL: empty */
	enum rule_id rule;
	const char *how;		/* a string constant */
	const struct proto_entry *pe;	/* and its text, as of then: */
	char replacement[256];		/* a reload makes new entries */
	char key[PATH_MAX + 160];
	uint8_t proto;
	bool found, has_uid;
	pid_t pid;
	uid_t uid;
	char comm[17];
	struct net_addr dst, src;
	uint16_t dport;
};

struct client_rule {
	const struct vigil_env *env;
	uint64_t *matched, *repeats, *named_later, *secure;
	struct last_sighting last[LAST_SIGHTINGS];
	unsigned int next_last;		/* the oldest, replaced next */
};

/* Would this sighting's evidence be last's, word for word? */
static bool same_as_last(const struct last_sighting *l, enum rule_id rule,
			 const struct proto_entry *pe, const char *key,
			 const char *how, const struct flow_event *fe,
			 bool found, bool has_uid)
{
	const struct sock_owner *o = &fe->owner;

	return l->attrs && l->rule == rule && l->how == how && l->pe == pe &&
	       !strcmp(l->replacement, pe->replacement) &&
	       l->proto == fe->proto && l->found == found &&
	       l->has_uid == has_uid && l->dport == fe->dport &&
	       (!found || (l->pid == o->pid && !strcmp(l->comm, o->comm))) &&
	       (!has_uid || l->uid == o->uid) &&
	       net_addr_eq(&l->dst, &fe->dst) &&
	       net_addr_eq(&l->src, &fe->src) && !strcmp(l->key, key);
}

static void forget_last(struct last_sighting *l)
{
	json_object_put(l->attrs);
	l->attrs = NULL;
}

/* attrs: a reference to what the store just took (and escaped). */
static void remember_last(struct last_sighting *l, json_object *attrs,
			  enum rule_id rule, const struct proto_entry *pe,
			  const char *key, const char *how,
			  const struct flow_event *fe, bool found,
			  bool has_uid)
{
	forget_last(l);
	/* a text too long to compare is not remembered */
	if (strlen(pe->replacement) >= sizeof(l->replacement) ||
	    strlen(key) >= sizeof(l->key)) {
		json_object_put(attrs);
		return;
	}
	l->attrs = attrs;
	snprintf(l->replacement, sizeof(l->replacement), "%s",
		 pe->replacement);
	l->pe = pe;
	l->rule = rule;
	l->how = how;
	snprintf(l->key, sizeof(l->key), "%s", key);
	l->proto = fe->proto;
	l->found = found;
	l->has_uid = has_uid;
	l->pid = fe->owner.pid;
	l->uid = fe->owner.uid;
	snprintf(l->comm, sizeof(l->comm), "%s", fe->owner.comm);
	l->dst = fe->dst;
	l->src = fe->src;
	l->dport = fe->dport;
}

static const struct proto_entry *client_proto(const struct client_rule *c,
					      const struct sock_owner *o)
{
	const struct proto_entry *pe = proto_by_client(c->env->cfg->catalog,
						       o->comm, o->exe);

	return pe && (pe->use & PROTO_USE_CLIENT) ? pe : NULL;
}

static void report(struct client_rule *c, const struct flow_event *fe,
		   const struct proto_entry *pe, const char *how)
{
	const struct sock_owner *o = &fe->owner;
	enum rule_id rule = pe->class == PROTO_LOGIN ? RULE_CLIENT_LOGIN :
						       RULE_CLIENT_GENERAL;
	bool found = fe->owner_state == OWNER_FOUND && o->exe[0];
	const char *prog = found ? o->exe : "unknown";
	/* a tracepoint's process gone before /proc was read: no uid */
	bool has_uid = (found || o->inode) && o->uid != (uid_t)-1;
	char key[PATH_MAX + 160], ep[NET_ADDR_STRLEN];
	json_object *a, *eps;
	struct place pl;
	unsigned int i;

	/* the process, while it lives; else the flow's namespace */
	engine_locate(c->env->engine, found ? o->pid : 0, fe->netns, &pl);
	snprintf(key, sizeof(key), "%s|%s", pe->name, prog);
	place_key(key, sizeof(key), &pl);
	(*c->matched)++;
	for (i = 0; !fe->at_start && i < LAST_SIGHTINGS; i++) {
		if (!same_as_last(&c->last[i], rule, pe, key, how, fe,
				  found && o->pid, has_uid))
			continue;
		(*c->repeats)++;
		if (engine_report_again(c->env->engine, rule, key,
					json_object_get(c->last[i].attrs)) < 0)
			forget_last(&c->last[i]);
		return;
	}
	a = json_object_new_object();
	eps = json_object_new_array();
	if (!a || !eps) {
		json_object_put(a);
		json_object_put(eps);
		return;
	}
	json_object_object_add(a, "protocol", json_object_new_string(pe->name));
	json_object_object_add(a, "class", json_object_new_string(
				       proto_class_name(pe->class)));
	json_object_object_add(a, "transport", json_object_new_string(
			fe->proto == IPPROTO_TCP ? "tcp" : "udp"));
	json_object_object_add(a, "program", json_object_new_string(prog));
	json_object_object_add(a, "matched_by", json_object_new_string(how));
	if (fe->pay == FLOW_PAY_CLEAR && fe->snmp_version)
		json_object_object_add(a, "snmp_version", json_object_new_string(
			fe->snmp_version == 1 ? "v1" : fe->snmp_version == 2 ?
			"v2c" : "v3 without privacy"));
	if (found && o->pid) {
		json_object_object_add(a, "pid", json_object_new_int(o->pid));
		json_object_object_add(a, "comm",
				       json_object_new_string(o->comm));
	}
	if (has_uid)
		json_object_object_add(a, "uid",
				       json_object_new_int64(o->uid));
	net_endpoint_str(&fe->dst, fe->dport, ep, sizeof(ep));
	json_object_object_add(a, "remote", json_object_new_string(ep));
	json_object_object_add(a, "remote_port",
			       json_object_new_int(fe->dport));
	json_object_array_add(eps, json_object_new_string(ep));
	json_object_object_add(a, "remote_endpoints", eps);
	net_addr_str(&fe->src, ep, sizeof(ep));
	json_object_object_add(a, "local_address", json_object_new_string(ep));
	/* the store adds it up; a flow older than vigild is no new one */
	json_object_object_add(a, "connections",
			       json_object_new_int64(fe->at_start ? 0 : 1));
	json_object_object_add(a, "replacement",
			       json_object_new_string(pe->replacement));
	place_attrs(a, &pl);
	/* only what the store took is in its text form to be kept */
	if (fe->at_start || !engine_rule_enabled(c->env->engine, rule)) {
		engine_report(c->env->engine, rule, key, a);
		return;
	}
	json_object_get(a);
	if (engine_report(c->env->engine, rule, key, a) < 0) {
		json_object_put(a);
		return;
	}
	remember_last(&c->last[c->next_last], a, rule, pe, key, how, fe,
		      found && o->pid, has_uid);
	c->next_last = (c->next_last + 1) % LAST_SIGHTINGS;
}

/*
 * A flow reported as "unknown" was named later: its connection moves
 * out of the unknown finding of its protocol and place.
 */
static void correct_unknown(struct client_rule *c, const struct flow_event *fe,
			    const struct proto_entry *pe)
{
	enum rule_id rule = pe->class == PROTO_LOGIN ? RULE_CLIENT_LOGIN :
						       RULE_CLIENT_GENERAL;
	char key[PROTO_MAX_STR + 160];
	struct place pl;

	engine_locate(c->env->engine, 0, fe->netns, &pl);
	snprintf(key, sizeof(key), "%s|unknown", pe->name);
	place_key(key, sizeof(key), &pl);
	if (engine_correct(c->env->engine, rule, key, "connections", 1) >= 0)
		(*c->named_later)++;
}

/* How a flow's protocol was decided when its payload did not. */
static const char *by_port(const struct flow_event *fe)
{
	switch (fe->pay) {
	case FLOW_PAY_NOT_SEEN:
		return "port (no payload seen)";
	case FLOW_PAY_UNKNOWN:
		return "port (payload not recognized)";
	default:
		return "port";
	}
}

static void on_flow(void *data, enum engine_event type, const void *p)
{
	const struct flow_event *fe = p;
	struct client_rule *c = data;
	const struct proto_entry *pe, *by_prog = NULL;

	(void)type;
	if (fe->kind == FLOW_DESTROY || !fe->from_local)
		return;
	/* at start: only what is still open and whose program is known */
	if (fe->at_start && (fe->closing || fe->owner_state != OWNER_FOUND ||
			     !fe->owner.exe[0]))
		return;
	if (fe->owner_state == OWNER_FOUND)
		by_prog = client_proto(c, &fe->owner);
	/* what it said outweighs its port and its program */
	if (fe->pay == FLOW_PAY_UPGRADED || fe->pay == FLOW_PAY_ENCRYPTED) {
		(*c->secure)++;
		return;
	}
	if (fe->pay == FLOW_PAY_CLEAR) {
		pe = proto_by_name(c->env->cfg->catalog, fe->pay_app);
		if (pe && (pe->use & PROTO_USE_CLIENT)) {
			report(c, fe, pe, by_prog == pe ? "payload and program" :
							  "payload");
			return;
		}
	}
	pe = proto_by_port(c->env->cfg->catalog, fe->proto, fe->dport);
	if (pe && !(pe->use & PROTO_USE_CLIENT))
		pe = NULL;
	if (pe && fe->was_unknown)
		correct_unknown(c, fe, pe);
	if (pe)
		report(c, fe, pe, by_prog == pe ? "port and program" :
						  by_port(fe));
	else if (by_prog)
		/* another port: only a known client program makes it count */
		report(c, fe, by_prog, "program");
}

static void client_fini(void *priv)
{
	struct client_rule *c = priv;
	unsigned int i;

	if (!c)
		return;
	for (i = 0; i < LAST_SIGHTINGS; i++)
		forget_last(&c->last[i]);
	free(c);
}

static int client_init(const struct vigil_env *env, void **priv)
{
	struct client_rule *c = calloc(1, sizeof(*c));

	if (!c)
		return -1;
	*priv = c;
	c->env = env;
	c->matched = engine_counter(env->engine, "client-protocols", "flows");
	c->repeats = engine_counter(env->engine, "client-protocols",
				    "repeats");
	c->named_later = engine_counter(env->engine, "client-protocols",
					"named_later");
	c->secure = engine_counter(env->engine, "client-protocols",
				   "secure_by_payload");
	if (!c->matched || !c->repeats || !c->named_later || !c->secure ||
	    engine_subscribe(env->engine, EV_FLOW_PAYLOAD, on_flow, c) < 0)
		return -1;
	return 0;
}

const struct vigil_module client_protocols_module = {
	.name = "insecure-client-protocols",
	.init = client_init,
	.fini = client_fini,
};
