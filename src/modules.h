/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_MODULES_H
#define VIGIL_MODULES_H

#include <stddef.h>

#define VIGIL_MAX_MODULES 32

struct vigil;

/*
 * A source or rule plugs into vigild by adding one of these to the
 * table in modules.c: nothing else in the core changes.  init() opens
 * what it needs (with full privileges), registers fds and timers on
 * v->loop, subscribes to engine events and may add end-of-run hooks;
 * it returns 0 or -1 after logging why.  caps lists the capabilities
 * the module needs afterwards: vigild keeps exactly the union of them.
 */
struct vigil_module {
	const char *name;
	const int *caps;
	size_t ncaps;
	int (*init)(struct vigil *v, void **priv);
	/* Optional: once all modules are initialised and caps dropped. */
	void (*start)(struct vigil *v, void *priv);
	/* After SIGHUP: v->cfg is the new configuration. */
	void (*reload)(struct vigil *v, void *priv);
	void (*fini)(void *priv);
};

/* NULL-terminated. */
extern const struct vigil_module *const vigil_modules[];

#endif
