// SPDX-License-Identifier: GPL-2.0-or-later
/* Owners and modes of what root processes map, for the root-perms rule. */
#include "build.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/hash.h"
#include "lib/loop.h"
#include "model/engine.h"
#include "sources/perms.h"
#include "sources/proc.h"
#include "sources/userns.h"

static void node_of(const struct stat *st, struct perm_node *n)
{
	n->uid = st->st_uid;
	n->gid = st->st_gid;
	n->mode = st->st_mode;
}

/*
 * stat (follow) or lstat of path, in vigild's root or, rootfd >= 0,
 * resolved inside that root (openat2 RESOLVE_IN_ROOT: "..", absolute
 * links and mounts stay in the container).  0, or -1 with errno.
 */
static int stat_in(int rootfd, const char *path, bool follow,
		   struct stat *st)
{
	int fd, r, saved;

	if (rootfd < 0)
		return follow ? stat(path, st) : lstat(path, st);
	fd = proc_open_in_root(rootfd, path,
			       O_PATH | (follow ? 0 : O_NOFOLLOW));
	if (fd < 0)
		return -1;
	r = fstat(fd, st);
	saved = errno;
	close(fd);
	errno = saved;
	return r;
}

int perms_gather(const struct stat *file, int rootfd, const char *path,
		 struct perm_facts *f)
{
	char dir[PATH_MAX];
	struct stat st;
	char *slash;

	memset(f, 0, sizeof(*f));
	if (path && (path[0] != '/' || strlen(path) >= PATH_MAX)) {
		errno = EINVAL;
		return -1;
	}
	node_of(file, &f->file);
	if (!path)
		return 0;
	/* Directories by name: only while the name is this file's. */
	if (stat_in(rootfd, path, true, &st) < 0 ||
	    st.st_dev != file->st_dev ||
	    st.st_ino != file->st_ino) {
		f->dirs_err = ESTALE;
		return 0;
	}
	snprintf(dir, sizeof(dir), "%s", path);
	for (;;) {
		slash = strrchr(dir, '/');
		if (!slash)
			return 0;
		if (slash == dir)
			slash[1] = '\0';
		else
			*slash = '\0';
		if (f->ndirs == PERM_MAX_DEPTH) {
			f->dirs_err = ENAMETOOLONG;
			return 0;
		}
		if (stat_in(rootfd, dir, false, &st) < 0) {
			f->dirs_err = errno;
			return 0;
		}
		node_of(&st, &f->dirs[f->ndirs++]);
		if (!strcmp(dir, "/"))
			return 0;
	}
}

/* Facts as kept: only the directories there are (most paths: 3-6). */
struct facts_kept {
	struct perm_node file;
	int dirs_err;
	size_t ndirs;
	struct perm_node dirs[];
};

struct cache_entry {
	char *path;
	dev_t dev;
	ino_t ino;
	bool deleted;
	uint64_t when;
	int err;
	struct facts_kept *facts;
};

struct perms_src {
	const struct vigil_env *env;
	struct cache_entry cache[PERMS_CACHE_SIZE];
	struct perm_facts out;	/* what cached() returns, expanded */
	uint64_t *checked, *unreadable;
	ino_t self_userns;	/* vigild's own user namespace */
	struct stat own_root;	/* vigild's root */
};

static struct facts_kept *keep(const struct perm_facts *f)
{
	struct facts_kept *k = malloc(sizeof(*k) +
				      f->ndirs * sizeof(k->dirs[0]));

	if (!k)
		return NULL;
	k->file = f->file;
	k->dirs_err = f->dirs_err;
	k->ndirs = f->ndirs;
	memcpy(k->dirs, f->dirs, f->ndirs * sizeof(k->dirs[0]));
	return k;
}

static const struct perm_facts *expand(struct perms_src *ps,
				       const struct facts_kept *k)
{
	struct perm_facts *f = &ps->out;

	f->file = k->file;
	f->dirs_err = k->dirs_err;
	f->ndirs = k->ndirs;
	memcpy(f->dirs, k->dirs, k->ndirs * sizeof(f->dirs[0]));
	return f;
}

/* The file process pid really maps at m, not a name. */
static int gather_mapping(const struct perms_src *ps,
			  const struct proc_info *pi, const struct proc_map *m,
			  struct perm_facts *f)
{
	struct stat st, rst;
	int fd = proc_map_open(pi->pid, m, &st), root, r, saved;

	if (fd < 0)
		return -1;
	close(fd);
	/*
	 * The names a process maps are names in its own root; one gone
	 * was judged by a name in vigild's.
	 */
	root = m->deleted || pi->gone ? -1 :
	       proc_other_root(pi->pid, &ps->own_root, &rst);
	r = perms_gather(&st, root, m->deleted ? NULL : m->path, f);
	saved = errno;
	if (root >= 0)
		close(root);
	errno = saved;
	return r;
}

/*
 * The facts of m, fresh or from the cache; NULL when they cannot be
 * gathered.  Valid until the next call.
 */
static const struct perm_facts *cached(struct perms_src *ps,
				       const struct proc_info *pi,
				       const struct proc_map *m)
{
	struct cache_entry *e =
		&ps->cache[hash_slot(m->path, PERMS_CACHE_SIZE)];
	uint64_t now = loop_now_ms();

	if (e->path && e->dev == m->dev && e->ino == m->ino &&
	    e->deleted == m->deleted && now - e->when < PERMS_CACHE_TTL_MS &&
	    !strcmp(e->path, m->path))
		return e->err ? NULL : expand(ps, e->facts);
	free(e->path);
	free(e->facts);
	e->facts = NULL;
	e->path = strdup(m->path);
	e->dev = m->dev;
	e->ino = m->ino;
	e->deleted = m->deleted;
	e->when = now;
	(*ps->checked)++;
	e->err = gather_mapping(ps, pi, m, &ps->out) < 0 ? errno : 0;
	if (!e->err && !(e->facts = keep(&ps->out)))
		e->err = ENOMEM;
	if (!e->path) {
		/* not kept: judged again next time */
		free(e->facts);
		e->facts = NULL;
	}
	if (e->err)
		(*ps->unreadable)++;
	return e->err ? NULL : &ps->out;
}

static void on_proc(void *data, enum engine_event ev, const void *payload)
{
	struct perms_src *ps = data;
	const struct proc_info *pi = payload;
	struct module_event me = { .pi = pi };
	size_t i;

	(void)ev;
	if (!engine_rule_enabled(ps->env->engine, RULE_ROOT_PERMS))
		return;
	/*
	 * The rule is about root processes, host root or a user
	 * namespace's: nobody else's files are read.  Whose namespace
	 * a gone process was in cannot be told (its pid may be another's).
	 */
	if (pi->ruid != 0 && pi->euid != 0 &&
	    (pi->gone || !userns_root_of(pi->pid, ps->self_userns, pi->ruid,
					 pi->euid, &me.root_uid)))
		return;
	for (i = 0; i < pi->nmaps; i++) {
		me.map = &pi->maps[i];
		me.facts = cached(ps, pi, me.map);
		if (me.facts)
			engine_publish(ps->env->engine, EV_MODULE, &me);
	}
}

static void perms_fini(void *priv)
{
	struct perms_src *ps = priv;
	size_t i;

	if (!ps)
		return;
	for (i = 0; i < PERMS_CACHE_SIZE; i++) {
		free(ps->cache[i].path);
		free(ps->cache[i].facts);
	}
	free(ps);
}

static int perms_init(const struct vigil_env *env, void **priv)
{
	struct perms_src *ps = calloc(1, sizeof(*ps));

	if (!ps)
		return -1;
	*priv = ps;
	ps->env = env;
	ps->self_userns = userns_self();
	if (stat("/", &ps->own_root) < 0)
		return -1;
	ps->checked = engine_counter(env->engine, "root-perms", "checks");
	ps->unreadable = engine_counter(env->engine, "root-perms",
					"unreadable");
	if (!ps->checked || !ps->unreadable ||
	    engine_subscribe(env->engine, EV_PROC_SCAN, on_proc, ps) < 0 ||
	    engine_subscribe(env->engine, EV_MAPPING, on_proc, ps) < 0)
		return -1;
	return 0;
}

const struct vigil_module perms_module = {
	.name = "perms",
	.init = perms_init,
	.fini = perms_fini,
};
