/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_MODULE_H
#define VIGIL_MODULE_H

/*
 * The module interface: what a source, stage or rule is given and how
 * it plugs into vigild.  Below every module, so none of them needs the
 * wiring (daemon/modules.c holds the table) to know its own shape.
 */

#include <stdbool.h>
#include <stddef.h>

struct loop;
struct engine;
struct model;
struct vigil_config;
struct elf_judge;

/*
 * What a module gets to work with, and nothing more: the event loop,
 * the engine (events, findings, runs, counters), the world model and
 * the configuration.  cfg is replaced before reload() is called;
 * modules read it through this pointer, never keep a copy.  judge: the
 * ELF analyser's helper (sources/elfjudge.h), forked by vigild before
 * it reads the state file, while it is small: a helper forked later
 * would share, and copy on every write, all the findings vigild holds.
 */
struct vigil_env {
	struct loop *loop;
	struct engine *engine;
	struct model *model;
	const struct vigil_config *cfg;
	struct elf_judge *judge;
};

/*
 * A source or rule plugs into vigild by adding one of these to the
 * table in daemon/modules.c: nothing else in the core changes.  init()
 * opens what it needs (with full privileges), registers fds and timers
 * on env->loop, subscribes to engine events and may add end-of-run
 * hooks; it returns 0 or -1 after logging why.  caps lists the
 * capabilities the module needs afterwards: vigild keeps exactly the
 * union of them.  env stays valid until fini().
 */
struct vigil_module {
	const char *name;
	const int *caps;
	size_t ncaps;
	/* Optional: false when this configuration leaves caps unused. */
	bool (*needs_caps)(const struct vigil_config *cfg);
	int (*init)(const struct vigil_env *env, void **priv);
	/* Optional: once all modules are initialised and caps dropped. */
	void (*start)(void *priv);
	/* After SIGHUP: env->cfg is the new configuration. */
	void (*reload)(void *priv);
	void (*fini)(void *priv);
};

#endif
