// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * software-without-dep and software-without-stack-cookies: a running
 * binary in scope asks for an executable stack, or was built without
 * stack protector.  Only a definite "no" counts: "unknown" (Go, static,
 * nothing to protect) is not reported.  The verdict and the owning
 * package come with the event (sources/binaries.c).
 */
#include "build.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "config/config.h"
#include "model/engine.h"
#include "rules/place.h"
#include "rules/rules.h"

static void report(const struct vigil_env *env, enum rule_id rule,
		   const struct binary_event *ev, const char *why)
{
	json_object *a = json_object_new_object();
	json_object *progs = json_object_new_array();
	json_object *pids = json_object_new_array();
	char ino[32], key[PATH_MAX + 128];
	struct place pl;

	if (!a || !progs || !pids) {
		json_object_put(a);
		json_object_put(progs);
		json_object_put(pids);
		return;
	}
	snprintf(ino, sizeof(ino), "%llu", (unsigned long long)ev->ino);
	json_object_object_add(a, "path", json_object_new_string(ev->path));
	if (ev->deleted)
		json_object_object_add(a, "deleted",
				       json_object_new_boolean(1));
	json_object_object_add(a, "inode", json_object_new_string(ino));
	json_object_object_add(a, "package",
			       json_object_new_string(ev->package ?
						      ev->package : "none"));
	json_object_object_add(a, "reason", json_object_new_string(why));
	if (ev->verdict->is_script)
		json_object_object_add(a, "interpreter",
				       json_object_new_string(ev->verdict->interp));
	json_object_object_add(a, "pid", json_object_new_int((int)ev->pid));
	/* whose process ran it: whose doing the finding is */
	json_object_object_add(a, "uid", json_object_new_int64(ev->uid));
	json_object_array_add(progs, json_object_new_string(ev->exe));
	json_object_object_add(a, "programs", progs);
	json_object_array_add(pids, json_object_new_int((int)ev->pid));
	json_object_object_add(a, "pids", pids);
	engine_locate(env->engine, ev->pid, 0, &pl);
	place_for_file(&pl);
	place_attrs(a, &pl);
	snprintf(key, sizeof(key), "%s", ev->path);
	place_key(key, sizeof(key), &pl);
	engine_report(env->engine, rule, key, a);
}

static void on_binary(void *data, enum engine_event type, const void *p)
{
	const struct binary_event *ev = p;
	const struct vigil_env *env = data;

	(void)type;
	/* scope "third-party": what a Debian package ships is Debian's */
	if (ev->package && env->cfg->scope == SCOPE_THIRD_PARTY)
		return;
	if (ev->verdict->dep == ELF_NO)
		report(env, RULE_NO_DEP, ev, ev->verdict->dep_reason);
	if (ev->verdict->stack_cookies == ELF_NO)
		report(env, RULE_NO_STACK_COOKIES, ev,
		       ev->verdict->cookie_reason);
}

static int hardening_init(const struct vigil_env *env, void **priv)
{
	*priv = (void *)env;
	return engine_subscribe(env->engine, EV_BINARY, on_binary,
				(void *)env);
}

const struct vigil_module hardening_module = {
	.name = "software-hardening",
	.init = hardening_init,
};
