// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * root-process-insecure-permissions: a process with real or effective
 * uid 0 runs code from a file that a non-root user can change.  Root of
 * a user namespace counts too, judged against its own uid 0 and told
 * apart (its files are its root's; it is not the host's root).  The
 * owners and modes come with the event (sources/perms.c); this file
 * only decides.
 */
#include "build.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config/config.h"
#include "model/engine.h"
#include "rules/place.h"
#include "rules/root_perms.h"
#include "rules/rules.h"

static void writable_by(mode_t mode, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s", (mode & S_IWGRP) ? "group" : "",
		 (mode & S_IWGRP) && (mode & S_IWOTH) ? "- and " : "",
		 (mode & S_IWOTH) ? "world" : "");
}

/* The name of the level-th directory above path (0: its parent). */
static void ancestor(const char *path, size_t level, char *out, size_t len)
{
	char *slash;
	size_t i;

	snprintf(out, len, "%s", path ? path : "");
	for (i = 0; i <= level; i++) {
		slash = strrchr(out, '/');
		if (!slash) {
			snprintf(out, len, "?");
			return;
		}
		if (slash == out) {
			out[1] = '\0';
			return;
		}
		*slash = '\0';
	}
}

int root_perms_judge(const struct perm_facts *f, const char *path,
		     uid_t root_uid, struct perm_verdict *v)
{
	char who[32];
	size_t i;

	memset(v, 0, sizeof(*v));
	v->mode = f->file.mode & 07777;
	v->uid = f->file.uid;
	v->gid = f->file.gid;
	if (f->file.uid != 0 && f->file.uid != root_uid) {
		v->insecure = true;
		snprintf(v->reason, sizeof(v->reason),
			 "file is owned by uid %u", (unsigned int)f->file.uid);
		return 0;
	}
	if (f->file.mode & (S_IWGRP | S_IWOTH)) {
		writable_by(f->file.mode, who, sizeof(who));
		v->insecure = true;
		snprintf(v->reason, sizeof(v->reason),
			 "file is %s-writable (mode %04o)", who,
			 (unsigned int)v->mode);
		return 0;
	}
	if (f->dirs_err) {
		errno = f->dirs_err;
		return -1;
	}
	for (i = 0; i < f->ndirs; i++) {
		const struct perm_node *d = &f->dirs[i];

		if (d->uid != 0 && d->uid != root_uid) {
			snprintf(v->reason, sizeof(v->reason),
				 "directory is owned by uid %u",
				 (unsigned int)d->uid);
		} else if ((d->mode & (S_IWGRP | S_IWOTH)) &&
			   !(d->mode & S_ISVTX)) {
			writable_by(d->mode, who, sizeof(who));
			snprintf(v->reason, sizeof(v->reason),
				 "directory is %s-writable (mode %04o) without the sticky bit",
				 who, (unsigned int)(d->mode & 07777));
		} else {
			continue;
		}
		v->insecure = true;
		ancestor(path, i, v->directory, sizeof(v->directory));
		return 0;
	}
	return 0;
}

struct root_perms {
	const struct vigil_env *env;
	uint64_t *insecure;
};

static void report(struct root_perms *rp, const struct module_event *me,
		   const struct perm_verdict *pv)
{
	const struct proc_info *pi = me->pi;
	const struct proc_map *m = me->map;
	json_object *a = json_object_new_object();
	json_object *pids = json_object_new_array();
	char mode[8], *key = NULL, where[192] = "";
	struct place pl;

	engine_locate(rp->env->engine, pi->pid, 0, &pl);
	place_for_file(&pl);
	place_key(where, sizeof(where), &pl);
	if (me->root_uid)
		snprintf(where + strlen(where), sizeof(where) - strlen(where),
			 "|root=%u", (unsigned int)me->root_uid);
	if (!a || !pids || asprintf(&key, "%s\n%s%s", pi->exe, m->path,
				    where) < 0) {
		json_object_put(a);
		json_object_put(pids);
		return;
	}
	snprintf(mode, sizeof(mode), "%04o", (unsigned int)pv->mode);
	json_object_object_add(a, "exe", json_object_new_string(pi->exe));
	json_object_object_add(a, "module", json_object_new_string(m->path));
	if (m->deleted)
		json_object_object_add(a, "deleted",
				       json_object_new_boolean(1));
	json_object_object_add(a, "reason", json_object_new_string(pv->reason));
	if (pv->directory[0])
		json_object_object_add(a, "directory",
				       json_object_new_string(pv->directory));
	json_object_object_add(a, "mode", json_object_new_string(mode));
	json_object_object_add(a, "owner", json_object_new_int((int)pv->uid));
	json_object_object_add(a, "group", json_object_new_int((int)pv->gid));
	json_object_object_add(a, "pid", json_object_new_int((int)pi->pid));
	json_object_object_add(a, "comm", json_object_new_string(pi->comm));
	json_object_object_add(a, "uid", json_object_new_int((int)pi->ruid));
	json_object_object_add(a, "euid", json_object_new_int((int)pi->euid));
	/* host root, or a user namespace's (root over its files only) */
	json_object_object_add(a, "root", json_object_new_string(
		me->root_uid ? "user-namespace" : "host"));
	if (me->root_uid)
		json_object_object_add(a, "root_uid", json_object_new_int64(
			(int64_t)me->root_uid));
	json_object_array_add(pids, json_object_new_int((int)pi->pid));
	json_object_object_add(a, "pids", pids);
	place_attrs(a, &pl);
	(*rp->insecure)++;
	engine_report(rp->env->engine, RULE_ROOT_PERMS, key, a);
	free(key);
}

static void on_module(void *data, enum engine_event ev, const void *payload)
{
	const struct module_event *me = payload;
	struct root_perms *rp = data;
	struct perm_verdict pv;

	(void)ev;
	if (me->pi->ruid != 0 && me->pi->euid != 0 && !me->root_uid)
		return;
	if (root_perms_judge(me->facts, me->map->deleted ? NULL :
			     me->map->path, me->root_uid, &pv) == 0 &&
	    pv.insecure)
		report(rp, me, &pv);
}

static void root_perms_fini(void *priv)
{
	free(priv);
}

static int root_perms_init(const struct vigil_env *env, void **priv)
{
	struct root_perms *rp = calloc(1, sizeof(*rp));

	if (!rp)
		return -1;
	*priv = rp;
	rp->env = env;
	rp->insecure = engine_counter(env->engine, "root-perms", "insecure");
	if (!rp->insecure ||
	    engine_subscribe(env->engine, EV_MODULE, on_module, rp) < 0)
		return -1;
	return 0;
}

const struct vigil_module root_perms_module = {
	.name = "root-process-insecure-permissions",
	.init = root_perms_init,
	.fini = root_perms_fini,
};
