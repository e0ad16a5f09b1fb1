// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * unused-listening-tcp-ports: at the end of a run, every TCP listener
 * that existed during the run and received no inbound connection.
 * One finding per (program, port): a service on 0.0.0.0 and [::] is
 * one service, unused only when none of its listeners was used.
 * Listeners bound only to loopback are left out unless
 * include_loopback.
 */
#include "build.h"

#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "lib/hash.h"
#include "model/model.h"
#include "rules/place.h"
#include "rules/rules.h"

/*
 * Listeners followed per run at most: as many as the model holds, so
 * none it knows is dropped here.  The table grows by need.
 */
#define UNUSED_MAX MODEL_MAX_LISTENERS
#define UNUSED_START 64
/*
 * Inbound connections to no known listener, kept until the listener
 * source's next refresh (which such a flow asks for, rate-limited)
 * shows whose they were.
 */
#define UNUSED_PENDING 256

struct endpoint {
	struct net_addr addr;
	uint16_t port;
	uint64_t netns;
};

struct cand {
	struct net_addr addr;
	uint16_t port;
	uint64_t netns;		/* 0: vigild's own */
	long next_same;		/* the next of its (netns, port); -1 */
	bool used;
	bool done;		/* reported with its group at run end */
	pid_t pid;
	uid_t uid;
	char comm[17];
	char *exe;
};

/*
 * Candidates by (namespace, port): a flow marks its listeners without a
 * walk over all of them (a hundred containers, a listener or more each).
 */
struct port_key {
	uint64_t netns;
	uint16_t port;
	uint16_t pad;		/* zero: the key is hashed as bytes */
	uint32_t pad2;
};

struct port_slot {
	struct port_key k;
	long first;		/* index of the first candidate */
	UT_hash_handle hh;
};

struct unused_rule {
	const struct vigil_env *env;
	char run_id[RUN_ID_MAX];	/* "" : not following a run */
	struct cand *c;
	size_t n, cap;
	struct port_slot *ports;
	struct endpoint pending[UNUSED_PENDING];	/* a ring */
	size_t npending, next_pending;
	uint64_t *dropped, *followed;
};

static struct port_slot *slot_of(const struct unused_rule *u, uint64_t netns,
				  uint16_t port)
{
	struct port_key k = { .netns = netns, .port = port };
	struct port_slot *ps = NULL;

	HASH_FIND(hh, u->ports, &k, sizeof(k), ps);
	return ps;
}

static void clear(struct unused_rule *u)
{
	struct port_slot *ps, *tmp;
	size_t i;

	HASH_ITER(hh, u->ports, ps, tmp) {
		HASH_DEL(u->ports, ps);
		free(ps);
	}
	for (i = 0; i < u->n; i++)
		free(u->c[i].exe);
	u->n = 0;
	u->npending = u->next_pending = 0;
	u->run_id[0] = '\0';
}

static void add(struct unused_rule *u, const struct listener *l)
{
	struct port_slot *ps = slot_of(u, l->netns, l->port);
	struct cand *c;
	long j;
	size_t i;

	if (l->proto != IPPROTO_TCP)
		return;
	for (j = ps ? ps->first : -1; j >= 0; j = u->c[j].next_same)
		if (net_addr_eq(&u->c[j].addr, &l->addr))
			return;
	if (!ps) {
		ps = calloc(1, sizeof(*ps));
		if (!ps) {
			(*u->dropped)++;
			return;
		}
		ps->k.netns = l->netns;
		ps->k.port = l->port;
		ps->first = -1;
		HASH_ADD(hh, u->ports, k, sizeof(ps->k), ps);
		if (!hash_added(ps, hh)) {
			free(ps);
			(*u->dropped)++;
			return;
		}
	}
	if (u->n == u->cap) {
		size_t cap = u->cap ? u->cap * 2 : UNUSED_START;
		struct cand *nc = u->n < UNUSED_MAX ?
				  realloc(u->c, cap * sizeof(*nc)) : NULL;

		if (!nc) {
			(*u->dropped)++;
			return;
		}
		u->c = nc;
		u->cap = cap;
	}
	c = &u->c[u->n];
	memset(c, 0, sizeof(*c));
	c->next_same = ps->first;
	ps->first = (long)u->n++;
	c->addr = l->addr;
	c->port = l->port;
	c->netns = l->netns;
	c->pid = l->pid;
	c->uid = l->uid;
	memcpy(c->comm, l->comm, sizeof(c->comm));
	c->exe = l->exe ? strdup(l->exe) : NULL;
	/* connections that came before the table showed this listener */
	for (i = 0; i < u->npending; i++)
		if (u->pending[i].port == c->port &&
		    u->pending[i].netns == c->netns &&
		    net_addr_accepts(&c->addr, &u->pending[i].addr))
			c->used = true;
	*u->followed = u->n;
}

/* Follow run_id, starting from the listeners that exist now. */
static void follow(struct unused_rule *u, const char *run_id)
{
	size_t i;

	if (!strcmp(u->run_id, run_id))
		return;
	clear(u);
	snprintf(u->run_id, sizeof(u->run_id), "%s", run_id);
	for (i = 0; i < model_listener_count(u->env->model); i++)
		add(u, model_listener_at(u->env->model, i));
}

static bool follow_current(struct unused_rule *u)
{
	const char *run_id = engine_run_id(u->env->engine);

	if (!run_id)
		return false;
	follow(u, run_id);
	return true;
}

static void on_listen(void *data, enum engine_event type, const void *p)
{
	const struct listen_change *ch = p;
	struct unused_rule *u = data;

	(void)type;
	if (ch->added && follow_current(u))
		add(u, ch->l);
}

static bool mark(struct unused_rule *u, const struct flow_event *fe)
{
	const struct port_slot *ps = slot_of(u, fe->netns, fe->server_port);
	bool hit = false;
	long j;

	for (j = ps ? ps->first : -1; j >= 0; j = u->c[j].next_same) {
		if (net_addr_accepts(&u->c[j].addr, &fe->server)) {
			u->c[j].used = true;
			hit = true;
		}
	}
	return hit;
}

static void on_flow(void *data, enum engine_event type, const void *p)
{
	const struct flow_event *fe = p;
	struct unused_rule *u = data;

	(void)type;
	if (fe->proto != IPPROTO_TCP || fe->kind == FLOW_DESTROY ||
	    !fe->to_local || !follow_current(u))
		return;
	if (mark(u, fe))
		return;
	/* A listener newer than the last refresh: note the connection
	 * (the listener source reads the table again for it). */
	u->pending[u->next_pending].addr = fe->server;
	u->pending[u->next_pending].port = fe->server_port;
	u->pending[u->next_pending].netns = fe->netns;
	u->next_pending = (u->next_pending + 1) % UNUSED_PENDING;
	if (u->npending < UNUSED_PENDING)
		u->npending++;
}

static const char *cand_prog(const struct cand *c)
{
	return c->exe ? c->exe : "unknown";
}

static bool same_service(const struct cand *x, const struct cand *y)
{
	return x->port == y->port && x->netns == y->netns &&
	       !strcmp(cand_prog(x), cand_prog(y));
}

/* The listeners of c's service; NULL when one of them was used. */
static json_object *service_addrs(struct unused_rule *u, size_t i, bool lo)
{
	json_object *addrs = json_object_new_array();
	char addr[NET_ADDR_STRLEN];
	bool used = false;
	size_t j;

	for (j = i; j < u->n; j++) {
		struct cand *c = &u->c[j];

		if (c->done || !same_service(&u->c[i], c))
			continue;
		c->done = true;
		used |= c->used;
		if (lo || !net_addr_is_loopback(&c->addr))
			json_object_array_add(addrs, json_object_new_string(
				net_addr_str(&c->addr, addr, sizeof(addr))));
	}
	if (used || !addrs || !json_object_array_length(addrs)) {
		json_object_put(addrs);
		return NULL;
	}
	return addrs;
}

static void on_run_end(void *data, const char *run_id)
{
	struct unused_rule *u = data;
	const struct vigil_env *env = u->env;
	bool lo = env->cfg->rules[RULE_UNUSED_PORTS].include_loopback;
	char key[PATH_MAX + 192];
	struct place pl;
	size_t i;

	follow(u, run_id);
	for (i = 0; i < u->n; i++) {
		const struct cand *c = &u->c[i];
		json_object *a, *addrs;

		if (c->done)
			continue;
		addrs = service_addrs(u, i, lo);
		if (!addrs)
			continue;
		snprintf(key, sizeof(key), "tcp|%u|%s", c->port, cand_prog(c));
		engine_locate(env->engine, c->pid, c->netns, &pl);
		place_key(key, sizeof(key), &pl);
		a = json_object_new_object();
		if (!a) {
			json_object_put(addrs);
			break;
		}
		json_object_object_add(a, "port", json_object_new_int(c->port));
		json_object_object_add(a, "transport",
				       json_object_new_string("tcp"));
		json_object_object_add(a, "bind_addresses", addrs);
		json_object_object_add(a, "program",
				       json_object_new_string(cand_prog(c)));
		if (c->pid)
			json_object_object_add(a, "pid",
					       json_object_new_int(c->pid));
		json_object_object_add(a, "uid", json_object_new_int64(c->uid));
		json_object_object_add(a, "run", json_object_new_string(run_id));
		place_attrs(a, &pl);
		engine_report(env->engine, RULE_UNUSED_PORTS, key, a);
	}
	clear(u);
}

static void unused_fini(void *priv)
{
	struct unused_rule *u = priv;

	if (!u)
		return;
	clear(u);
	free(u->c);
	free(u);
}

static int unused_init(const struct vigil_env *env, void **priv)
{
	struct unused_rule *u = calloc(1, sizeof(*u));

	if (!u)
		return -1;
	*priv = u;
	u->env = env;
	u->dropped = engine_counter(env->engine, "unused-ports", "dropped");
	u->followed = engine_counter(env->engine, "unused-ports",
				     "listeners");
	if (!u->dropped || !u->followed ||
	    engine_subscribe(env->engine, EV_LISTEN, on_listen, u) < 0 ||
	    engine_subscribe(env->engine, EV_FLOW, on_flow, u) < 0 ||
	    engine_on_run_end(env->engine, on_run_end, u) < 0)
		return -1;
	return 0;
}

const struct vigil_module unused_ports_module = {
	.name = "unused-listening-tcp-ports",
	.init = unused_init,
	.fini = unused_fini,
};
