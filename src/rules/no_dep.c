// SPDX-License-Identifier: GPL-2.0-or-later
/* software-without-dep: a running binary asks for an executable stack. */
#include "build.h"

#include <stdlib.h>

#include "sources/binaries.h"
#include "rules/rules.h"
#include "vigil.h"

static void on_binary(void *data, enum engine_event type, const void *p)
{
	const struct binary_event *ev = p;
	struct vigil *v = data;

	if (ev->verdict->dep == ELF_NO)
		binaries_report(v->engine, RULE_NO_DEP, ev,
				ev->verdict->dep_reason);
}

static int no_dep_init(struct vigil *v, void **priv)
{
	*priv = v;
	return engine_subscribe(v->engine, EV_BINARY, on_binary, v);
}

const struct vigil_module no_dep_module = {
	.name = "software-without-dep",
	.init = no_dep_init,
};
