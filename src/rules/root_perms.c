// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * root-process-insecure-permissions: a process with real or effective
 * uid 0 runs code from a file that a non-root user can change.
 */
#include "build.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "findings/attrs.h"
#include "lib/log.h"
#include "sources/proc.h"
#include "rules/root_perms.h"
#include "vigil.h"

/* Distinct pids remembered per finding. */
#define MAX_PIDS 8
/* Verdicts are reused for a few seconds: a scan sees libc hundreds of
 * times. */
#define CACHE_SIZE 4096
#define CACHE_TTL_MS 5000

static void writable_by(mode_t mode, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s", (mode & S_IWGRP) ? "group" : "",
		 (mode & S_IWGRP) && (mode & S_IWOTH) ? "- and " : "",
		 (mode & S_IWOTH) ? "world" : "");
}

static int check_dirs(const char *path, struct perm_verdict *v)
{
	char dir[PATH_MAX], who[32];
	struct stat st;
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	for (;;) {
		slash = strrchr(dir, '/');
		if (!slash)
			return 0;
		if (slash == dir)
			slash[1] = '\0';
		else
			*slash = '\0';
		if (lstat(dir, &st) < 0)
			return -1;
		if (st.st_uid != 0) {
			v->insecure = true;
			snprintf(v->reason, sizeof(v->reason),
				 "directory is owned by uid %u",
				 (unsigned int)st.st_uid);
		} else if ((st.st_mode & (S_IWGRP | S_IWOTH)) &&
			   !(st.st_mode & S_ISVTX)) {
			writable_by(st.st_mode, who, sizeof(who));
			v->insecure = true;
			snprintf(v->reason, sizeof(v->reason),
				 "directory is %s-writable (mode %04o) without the sticky bit",
				 who, (unsigned int)(st.st_mode & 07777));
		}
		if (v->insecure) {
			snprintf(v->directory, sizeof(v->directory), "%s",
				 dir);
			return 0;
		}
		if (!strcmp(dir, "/"))
			return 0;
	}
}

int root_perms_check(const struct stat *file, const char *path,
		     struct perm_verdict *v)
{
	struct stat st;
	char who[32];

	memset(v, 0, sizeof(*v));
	if (path && (path[0] != '/' || strlen(path) >= PATH_MAX)) {
		errno = EINVAL;
		return -1;
	}
	v->mode = file->st_mode & 07777;
	v->uid = file->st_uid;
	v->gid = file->st_gid;
	if (file->st_uid != 0) {
		v->insecure = true;
		snprintf(v->reason, sizeof(v->reason),
			 "file is owned by uid %u", (unsigned int)file->st_uid);
		return 0;
	}
	if (file->st_mode & (S_IWGRP | S_IWOTH)) {
		writable_by(file->st_mode, who, sizeof(who));
		v->insecure = true;
		snprintf(v->reason, sizeof(v->reason),
			 "file is %s-writable (mode %04o)", who,
			 (unsigned int)v->mode);
		return 0;
	}
	if (!path)
		return 0;
	/* Directories by name: only while the name is this file's. */
	if (stat(path, &st) < 0 || st.st_dev != file->st_dev ||
	    st.st_ino != file->st_ino) {
		errno = ESTALE;
		return -1;
	}
	return check_dirs(path, v);
}

struct cache_entry {
	char *path;
	dev_t dev;
	ino_t ino;
	bool deleted;
	uint64_t when;
	int err;
	struct perm_verdict v;
};

struct root_perms {
	struct vigil *v;
	struct cache_entry cache[CACHE_SIZE];
	uint64_t *checked, *insecure;
};

static size_t hash_path(const char *s)
{
	size_t h = 5381;

	while (*s)
		h = h * 33 + (unsigned char)*s++;
	return h % CACHE_SIZE;
}

/* Judge the file process pid really maps at m, not a name. */
static int check_mapping(pid_t pid, const struct proc_map *m,
			 struct perm_verdict *v)
{
	struct stat st;
	int fd = proc_map_open(pid, m, &st);

	if (fd < 0)
		return -1;
	close(fd);
	return root_perms_check(&st, m->deleted ? NULL : m->path, v);
}

static const struct perm_verdict *cached_check(struct root_perms *rp,
					       pid_t pid,
					       const struct proc_map *m)
{
	struct cache_entry *e = &rp->cache[hash_path(m->path)];
	uint64_t now = loop_now_ms();

	if (e->path && e->dev == m->dev && e->ino == m->ino &&
	    e->deleted == m->deleted && now - e->when < CACHE_TTL_MS &&
	    !strcmp(e->path, m->path))
		return e->err ? NULL : &e->v;
	free(e->path);
	e->path = strdup(m->path);
	e->dev = m->dev;
	e->ino = m->ino;
	e->deleted = m->deleted;
	e->when = now;
	e->err = check_mapping(pid, m, &e->v) < 0 ? errno : 0;
	(*rp->checked)++;
	if (!e->path)
		e->err = ENOMEM;
	return e->err ? NULL : &e->v;
}

static void report(struct root_perms *rp, const struct proc_info *pi,
		   const struct proc_map *m, const struct perm_verdict *pv)
{
	json_object *a = json_object_new_object();
	char mode[8], *key = NULL;

	if (!a || asprintf(&key, "%s\n%s", pi->exe, m->path) < 0) {
		json_object_put(a);
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
	json_object_object_add(a, "pids", attrs_list_add(
		engine_lookup(rp->v->engine, RULE_ROOT_PERMS, key), "pids",
		json_object_new_int((int)pi->pid), MAX_PIDS));
	(*rp->insecure)++;
	engine_report(rp->v->engine, RULE_ROOT_PERMS, key, a);
	free(key);
}

static void on_proc(void *data, enum engine_event ev, const void *payload)
{
	struct root_perms *rp = data;
	const struct proc_info *pi = payload;
	size_t i;

	if (pi->ruid != 0 && pi->euid != 0)
		return;
	if (!engine_rule_enabled(rp->v->engine, RULE_ROOT_PERMS))
		return;
	for (i = 0; i < pi->nmaps; i++) {
		const struct proc_map *m = &pi->maps[i];
		const struct perm_verdict *pv;

		pv = cached_check(rp, pi->pid, m);
		if (pv && pv->insecure)
			report(rp, pi, m, pv);
	}
}

static void root_perms_fini(void *priv)
{
	struct root_perms *rp = priv;
	size_t i;

	if (!rp)
		return;
	for (i = 0; i < CACHE_SIZE; i++)
		free(rp->cache[i].path);
	free(rp);
}

static int root_perms_init(struct vigil *v, void **priv)
{
	struct root_perms *rp = calloc(1, sizeof(*rp));

	if (!rp)
		return -1;
	rp->v = v;
	rp->checked = engine_counter(v->engine, "root-perms", "checks");
	rp->insecure = engine_counter(v->engine, "root-perms", "insecure");
	if (!rp->checked || !rp->insecure ||
	    engine_subscribe(v->engine, EV_PROC_SCAN, on_proc, rp) < 0 ||
	    engine_subscribe(v->engine, EV_MAPPING, on_proc, rp) < 0) {
		root_perms_fini(rp);
		return -1;
	}
	*priv = rp;
	return 0;
}

const struct vigil_module root_perms_module = {
	.name = "root-process-insecure-permissions",
	.init = root_perms_init,
	.fini = root_perms_fini,
};
