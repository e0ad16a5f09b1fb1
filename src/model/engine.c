// SPDX-License-Identifier: GPL-2.0-or-later
/* The hub between sources and rules: events, reports, counters (engine.h). */
#include "build.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model/engine.h"
#include "lib/log.h"

struct sub {
	engine_cb cb;
	void *data;
	struct sub *next;
};

struct counter {
	char *source;
	char *name;
	uint64_t value;
	struct counter *next;
};

struct engine {
	const struct vigil_config *cfg;
	struct engine_store store;
	struct sub *subs[EV__COUNT];
	struct counter *counters;	/* registration order, reversed */
	uint64_t *reported, *dropped;
	engine_locator locate;
	void *locate_data;
};

struct engine *engine_new(const struct vigil_config *cfg,
			  const struct engine_store *store)
{
	struct engine *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	e->cfg = cfg;
	e->store = *store;
	e->reported = engine_counter(e, "findings", "reports");
	e->dropped = engine_counter(e, "findings", "dropped");
	if (!e->reported || !e->dropped) {
		engine_free(e);
		return NULL;
	}
	return e;
}

void engine_free(struct engine *e)
{
	int i;

	if (!e)
		return;
	for (i = 0; i < EV__COUNT; i++) {
		while (e->subs[i]) {
			struct sub *s = e->subs[i];

			e->subs[i] = s->next;
			free(s);
		}
	}
	while (e->counters) {
		struct counter *c = e->counters;

		e->counters = c->next;
		free(c->source);
		free(c->name);
		free(c);
	}
	free(e);
}

void engine_configure(struct engine *e, const struct vigil_config *cfg)
{
	e->cfg = cfg;
}

int engine_subscribe(struct engine *e, enum engine_event ev, engine_cb cb,
		     void *data)
{
	struct sub *s, **pp;

	if ((unsigned int)ev >= EV__COUNT) {
		errno = EINVAL;
		return -1;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return -1;
	s->cb = cb;
	s->data = data;
	/* Keep subscription order: rules see events in a fixed order. */
	for (pp = &e->subs[ev]; *pp; pp = &(*pp)->next)
		;
	*pp = s;
	return 0;
}

void engine_publish(struct engine *e, enum engine_event ev,
		    const void *payload)
{
	struct sub *s;

	if ((unsigned int)ev >= EV__COUNT)
		return;
	for (s = e->subs[ev]; s; s = s->next)
		s->cb(s->data, ev, payload);
}

int engine_rule_enabled(const struct engine *e, enum rule_id rule)
{
	return (unsigned int)rule < RULE_COUNT && e->cfg->rules[rule].enabled;
}

static int report(struct engine *e, enum rule_id rule,
		  const char *asset_key, json_object *attrs, bool again)
{
	int r;

	if (!engine_rule_enabled(e, rule)) {
		json_object_put(attrs);
		return 0;
	}
	(*e->reported)++;
	r = e->store.report(e->store.data, rule, asset_key, attrs, again,
			    (int64_t)time(NULL), e->store.run_id(e->store.data));
	if (r == -ENOSPC) {
		/* Say it once per power of two, not once per event. */
		(*e->dropped)++;
		if (!(*e->dropped & (*e->dropped - 1)))
			log_warn("findings store is full (max_findings = %ld): %llu new findings dropped",
				 e->cfg->max_findings,
				 (unsigned long long)*e->dropped);
	} else if (r < 0) {
		log_err("cannot record a %s finding: %s",
			rule_meta(rule)->id, strerror(-r));
	}
	return r;
}

int engine_report(struct engine *e, enum rule_id rule,
		  const char *asset_key, json_object *attrs)
{
	return report(e, rule, asset_key, attrs, false);
}

int engine_report_again(struct engine *e, enum rule_id rule,
			const char *asset_key, json_object *attrs)
{
	return report(e, rule, asset_key, attrs, true);
}

int engine_correct(struct engine *e, enum rule_id rule,
		   const char *asset_key, const char *count_key, int64_t n)
{
	if (!engine_rule_enabled(e, rule))
		return 0;
	return e->store.correct(e->store.data, rule, asset_key, count_key, n,
				(int64_t)time(NULL));
}

const char *engine_run_id(const struct engine *e)
{
	return e->store.run_id(e->store.data);
}

int engine_on_run_end(struct engine *e, engine_run_end_fn fn, void *data)
{
	return e->store.on_run_end(e->store.data, fn, data);
}

uint64_t *engine_counter(struct engine *e, const char *source,
			 const char *name)
{
	struct counter *c;

	for (c = e->counters; c; c = c->next)
		if (!strcmp(c->source, source) && !strcmp(c->name, name))
			return &c->value;
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->source = strdup(source);
	c->name = strdup(name);
	if (!c->source || !c->name) {
		free(c->source);
		free(c->name);
		free(c);
		return NULL;
	}
	c->next = e->counters;
	e->counters = c;
	return &c->value;
}

json_object *engine_counters_json(const struct engine *e)
{
	json_object *o = json_object_new_object();
	struct counter *c;

	if (!o)
		return NULL;
	for (c = e->counters; c; c = c->next) {
		json_object *src;

		if (!json_object_object_get_ex(o, c->source, &src)) {
			src = json_object_new_object();
			json_object_object_add(o, c->source, src);
		}
		json_object_object_add(src, c->name,
				       json_object_new_int64((int64_t)c->value));
	}
	return o;
}

void engine_set_locator(struct engine *e, engine_locator fn, void *data)
{
	e->locate = fn;
	e->locate_data = data;
}

void engine_locate(const struct engine *e, pid_t pid, uint64_t netns,
		   struct place *out)
{
	memset(out, 0, sizeof(*out));
	out->netns = netns;
	if (e->locate)
		e->locate(e->locate_data, pid, netns, out);
}
