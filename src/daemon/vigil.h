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
	struct elf_judge *judge;	/* the ELF analyser (env.judge) */
	struct vigil_env env;		/* what modules get of all this */
	int64_t started;		/* unix time */
	uint64_t *reloads;
	void *mod_priv[VIGIL_MAX_MODULES];
	int exit_code;
};

/* What the store, runs and sources tell vigild (hooks.c). */
extern const struct findings_ops vigil_finding_ops;
/* Tell systemd what (sdstatus_notify), when under a unit. */
void vigil_notify(struct vigil *v, const char *what);
/*
 * What every finding says of this host: its name, machine-id and
 * addresses, and the admin's tags (config "tags"), or NULL on ENOMEM.
 */
json_object *vigil_host_new(const struct vigil_config *cfg);
/* assess_run_fn: a run started or ended goes out as a line. */
void vigil_on_run(void *data, const struct run *r);
/* assess_changed_fn: the state file is to be saved. */
void vigil_on_runs_changed(void *data);
/* The remind timer: open findings of the current or last run again. */
void vigil_on_remind(struct loop *loop, struct loop_timer *t, void *data);
/* assess_observe_fn: what the sources counted, and could not see. */
void vigil_observe(void *data, struct run_observed *o, uint32_t *rules);
/* (Re)arm the remind timer at the configuration's syslog_remind. */
void vigil_arm_remind(struct vigil *v);

/*
 * Configuration and state file (reload.c).  vigil_load_config() and
 * vigil_check_dirs() with err NULL say why on stderr; each returns 0 or
 * -1.  vigil_load_state() logs what it could not load and goes on.
 */
int vigil_load_config(const char *path, struct vigil_config **cfg);
int vigil_check_dirs(const struct vigil_config *cfg, struct sbuf *err);
void vigil_load_state(struct vigil *v);
/* The control socket of v->cfg: 0, or -1 after logging why. */
int vigil_open_control(struct vigil *v);
/* SIGHUP: the configuration again, all of it or nothing. */
void vigil_reload(struct vigil *v);

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
