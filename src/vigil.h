/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_VIGIL_H
#define VIGIL_VIGIL_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "addr.h"
#include "assess.h"
#include "config.h"
#include "control.h"
#include "engine.h"
#include "findings.h"
#include "listen.h"
#include "loop.h"
#include "modules.h"
#include "output.h"
#include "proc.h"
#include "state.h"

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
