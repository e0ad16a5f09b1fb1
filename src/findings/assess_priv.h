/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_FINDINGS_ASSESS_PRIV_H
#define VIGIL_FINDINGS_ASSESS_PRIV_H

/*
 * The runs' insides, shared by assess.c (their life), run_json.c (their
 * JSON form, for the state file and reports) and run_load.c (back from
 * the state file).  Nothing else includes it.
 */
#include "findings/assess.h"

#define MAX_HOOKS 16

/* What a run observed, field by field (struct run_observed). */
#define RUN_OBSERVED(X) X(flows) X(listeners) X(processes) X(execs) \
	X(binaries_judged) X(binaries_packaged) X(root_checks) X(events_lost) \
	X(limits)

struct assess {
	struct loop *loop;
	struct findings *fs;
	struct loop_timer *timer;
	struct run runs[ASSESS_MAX_RUNS];	/* ring, oldest at first */
	size_t first, n;
	struct run *current;
	uint64_t duration;
	bool repeat;
	struct {
		assess_end_fn fn;
		void *data;
	} hooks[MAX_HOOKS];
	size_t nhooks;
	assess_changed_fn changed;
	void *data;
	assess_run_fn run_hook;
	void *run_data;
	assess_observe_fn observe;
	void *observe_data;
};

/* A slot for a new run in the ring (the oldest gives way). */
struct run *assess_new_slot(struct assess *a);
/* Count r's findings per severity, resolved and accepted. */
void assess_count_findings(struct assess *a, struct run *r);
/* Keep which findings r saw, and how often, for its report. */
void assess_record_seen(struct assess *a, struct run *r);

#endif
