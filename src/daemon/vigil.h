/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_VIGIL_H
#define VIGIL_VIGIL_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "findings/assess.h"
#include "config/config.h"
#include "control/control.h"
#include "model/engine.h"
#include "findings/expiry.h"
#include "findings/findings.h"
#include "lib/loop.h"
#include "model/model.h"
#include "daemon/modules.h"
#include "findings/output.h"
#include "findings/state.h"

/*
 * vigild's own wiring and what the control commands need; modules get
 * only env.
 */
struct vigil {
	const char *config_path;	/* NULL: built-in default */
	bool foreground;
	struct vigil_config *cfg;
	struct loop *loop;
	struct findings *findings;
	struct assess *assess;
	struct engine *engine;
	struct output *output;
	struct state *state;
	struct control *control;
	struct loop_timer *remind;
	struct expiry *expiry;		/* when acceptances end */
	struct sdstatus *sd;		/* what systemd is told */
	json_object *host;
	struct model *model;		/* what is known of the host */
	struct vigil_env env;		/* what modules get of all this */
	int64_t started;		/* unix time */
	uint64_t *reloads;
	void *mod_priv[VIGIL_MAX_MODULES];
	int exit_code;
};

/* Control socket requests (commands.c). */
json_object *commands_handle(void *data, json_object *req,
			     const struct control_peer *peer,
			     struct control_stream *stream);

/* The state file document (vigild.c). */
json_object *vigil_state_dump(void *data);

/*
 * A run's report document, for vigilctl to render, without its
 * "findings" (report_data.c), and
 * the run's findings to make them from: a copy in *seen (the caller
 * frees it), *n of them.  NULL on ENOMEM.
 */
json_object *vigil_report_head(struct vigil *v, const struct run *r,
			       struct run_finding **seen, size_t *n);
/*
 * What could not be assessed, from run_observed.limits: an array of
 * {"limit": "audit-unavailable", "what": "..."} (report_data.c).
 */
json_object *vigil_coverage_json(uint64_t limits);
/* One of them as the report shows it; NULL on ENOMEM. */
json_object *vigil_report_finding(struct vigil *v,
				  const struct run_finding *e);

#endif
