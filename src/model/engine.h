/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_ENGINE_H
#define VIGIL_ENGINE_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "config/config.h"
#include "core/rulemeta.h"
#include "core/run.h"
#include "model/events.h"

/*
 * The hub between sources and rules.  Sources publish small plain
 * event structs; rules subscribe to the kinds they need and report
 * findings through engine_report(), which applies the rule switches of
 * the configuration and stamps the time and the current run.
 */
typedef void (*engine_cb)(void *data, enum engine_event ev,
			  const void *payload);

struct engine;

/* Told when a run ends, while it is evaluating. */
typedef void (*engine_run_end_fn)(void *data, const char *run_id);

/*
 * Where reports go and which run they belong to.  The wiring hands the
 * engine one of these (findings/assess_store.c makes it of the findings
 * store and its runs), so the hub knows nothing of the layers above it.
 */
struct engine_store {
	/*
	 * Record a sighting at now in run run_id (NULL: none); with again,
	 * attrs is already in the store's text form.  Returns 0 or a
	 * negative errno, -ENOSPC when the store is full.
	 */
	int (*report)(void *data, enum rule_id rule, const char *asset_key,
		      json_object *attrs, bool again, int64_t now,
		      const char *run_id);
	/* n uses counted in count_key were another's; same returns. */
	int (*correct)(void *data, enum rule_id rule, const char *asset_key,
		       const char *count_key, int64_t n, int64_t now);
	/* The id of the run collecting now, or NULL. */
	const char *(*run_id)(void *data);
	/* Returns 0, or -1 with errno set (ENOMEM, ENOSPC). */
	int (*on_run_end)(void *data, engine_run_end_fn fn, void *fn_data);
	void *data;
};

/* store is copied. */
struct engine *engine_new(const struct vigil_config *cfg,
			  const struct engine_store *store);
void engine_free(struct engine *e);
void engine_configure(struct engine *e, const struct vigil_config *cfg);

/* Returns 0, or -1 with errno (ENOMEM). */
int engine_subscribe(struct engine *e, enum engine_event ev, engine_cb cb,
		     void *data);
void engine_publish(struct engine *e, enum engine_event ev,
		    const void *payload);

/*
 * Report a finding of rule about asset_key with evidence attrs
 * (consumed).  Returns what the store's report() returns, or 0 without
 * recording anything when the rule is disabled.
 */
int engine_report(struct engine *e, enum rule_id rule,
		  const char *asset_key, json_object *attrs);
/*
 * engine_report() of the same sighting again: attrs (consumed) is one
 * given to engine_report() before, already in the store's text form.
 */
int engine_report_again(struct engine *e, enum rule_id rule,
			const char *asset_key, json_object *attrs);
/*
 * n uses counted in count_key of the finding of (rule, asset_key)
 * were another's (the store's correct(), now).  Same returns; 0 without
 * anything done when the rule is disabled.
 */
int engine_correct(struct engine *e, enum rule_id rule,
		   const char *asset_key, const char *count_key, int64_t n);
/*
 * Where a sighting happened: pid (0: none) and the namespace inode its
 * flow or socket was seen in (0: vigild's own).  Filled by the locator
 * the wiring set (sources/where.c); all zero without one.
 */
typedef void (*engine_locator)(void *data, pid_t pid, uint64_t netns,
			       struct place *out);
void engine_set_locator(struct engine *e, engine_locator fn, void *data);
void engine_locate(const struct engine *e, pid_t pid, uint64_t netns,
		   struct place *out);
int engine_rule_enabled(const struct engine *e, enum rule_id rule);

/* The id of the run collecting now, or NULL. */
const char *engine_run_id(const struct engine *e);
/* Call fn when each run ends.  Returns 0, or -1 with errno set. */
int engine_on_run_end(struct engine *e, engine_run_end_fn fn, void *data);

/*
 * A named event counter of a source, shown by "vigilctl status".  The
 * pointer stays valid until engine_free().  NULL on ENOMEM.
 */
uint64_t *engine_counter(struct engine *e, const char *source,
			 const char *name);
/* {"source": {"name": value, ...}, ...} */
json_object *engine_counters_json(const struct engine *e);

#endif
