/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_SOURCES_LISTEN_H
#define VIGIL_SOURCES_LISTEN_H

#include <stdbool.h>

#include "core/module.h"

/* On-demand refreshes are at most this often. */
#define LISTEN_MIN_INTERVAL_MS 200

struct listen_src;

/*
 * Re-read the table now and hand it to the model (which publishes
 * EV_LISTEN for each change).  on_demand refreshes are deferred when
 * the last one is younger than LISTEN_MIN_INTERVAL_MS.  Returns 1 when
 * the table was read, 0 when deferred, -1 with errno (the model keeps
 * the table it had).
 */
int listen_refresh(struct listen_src *t, bool on_demand);

/* The module (modules.c); writes model_listeners_set(). */
extern const struct vigil_module listen_module;

#endif
