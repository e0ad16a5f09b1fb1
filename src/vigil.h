/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_VIGIL_H
#define VIGIL_VIGIL_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "sources/addr.h"
#include "findings/assess.h"
#include "config/config.h"
#include "control/control.h"
#include "model/engine.h"
#include "findings/findings.h"
#include "sources/listen.h"
#include "lib/loop.h"
#include "modules.h"
#include "findings/output.h"
#include "sources/proc.h"
#include "findings/state.h"

/* The one context of vigild, passed explicitly to everything. */
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
	json_object *host;
	struct proc_table *procs;	/* proc.c: live processes, or NULL */
	struct addr_table *addrs;	/* addr.c: local addresses */
	struct listen_table *listeners;	/* listen.c: listening sockets */
	int64_t started;		/* unix time */
	uint64_t *reloads;
	void *mod_priv[VIGIL_MAX_MODULES];
	int exit_code;
};

/* Control socket requests (commands.c). */
json_object *commands_handle(void *data, json_object *req,
			     const struct control_peer *peer);

/* The state file document (vigild.c). */
json_object *vigil_state_dump(void *data);

#endif
