// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * software-without-stack-cookies: a running binary was built without
 * stack protector.  Only a definite "no" counts: "unknown" (Go, static,
 * nothing to protect) is not reported.
 */
#include "build.h"

#include <stdlib.h>

#include "sources/binaries.h"
#include "rules/rules.h"
#include "vigil.h"

static void on_binary(void *data, enum engine_event type, const void *p)
{
	const struct binary_event *ev = p;
	struct vigil *v = data;

	if (ev->verdict->stack_cookies == ELF_NO)
		binaries_report(v->engine, RULE_NO_STACK_COOKIES, ev,
				ev->verdict->cookie_reason);
}

static int no_stack_cookies_init(struct vigil *v, void **priv)
{
	*priv = v;
	return engine_subscribe(v->engine, EV_BINARY, on_binary, v);
}

const struct vigil_module no_stack_cookies_module = {
	.name = "software-without-stack-cookies",
	.init = no_stack_cookies_init,
};
