// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The engine's store (model/engine.h) made of the findings store and
 * its runs: the wiring hands it to engine_new(), so the hub below never
 * includes the store above it.
 */
#include "build.h"

#include "findings/assess_priv.h"
#include "model/engine.h"

static int store_report(void *data, enum rule_id rule, const char *asset_key,
			json_object *attrs, bool again, int64_t now,
			const char *run_id)
{
	struct assess *a = data;

	if (again)
		return findings_report_again(a->fs, rule, asset_key, attrs,
					     now, run_id);
	return findings_report(a->fs, rule, asset_key, attrs, now, run_id);
}

static int store_correct(void *data, enum rule_id rule,
			 const char *asset_key, const char *count_key,
			 int64_t n, int64_t now)
{
	struct assess *a = data;

	return findings_correct(a->fs, rule, asset_key, count_key, n, now);
}

static const char *store_run_id(void *data)
{
	const struct run *r = assess_current(data);

	return r ? r->id : NULL;
}

static int store_on_run_end(void *data, engine_run_end_fn fn, void *fn_data)
{
	return assess_add_end_hook(data, fn, fn_data);
}

void assess_engine_store(struct assess *a, struct engine_store *out)
{
	*out = (struct engine_store){
		.report = store_report,
		.correct = store_correct,
		.run_id = store_run_id,
		.on_run_end = store_on_run_end,
		.data = a,
	};
}
