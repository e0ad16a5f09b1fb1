// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Which running binaries are in scope and how they were built: takes
 * the executable mappings of every process (from the /proc scan, and
 * from audit exec/mmap events), leaves out files a Debian package owns
 * unless scope = "all", and publishes each with its ELF verdict.  At a
 * first start the package index is built by a child: what is seen
 * before it is done is held (binpend.c) and judged once it is.
 */
#include "build.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sources/binaries.h"
#include "sources/binpend.h"
#include "sources/elfjudge.h"
#include "lib/log.h"
#include "sources/pkg.h"
#include "sources/rootpkg.h"
#include "sources/proc.h"
#include "config/config.h"
#include "lib/loop.h"
#include "model/model.h"

#define ELF_CACHE_SLOTS 8192
/* Bytes the verdicts may take: a few hundred each, so all slots fit. */
#define ELF_CACHE_BYTES (4UL * 1024 * 1024)

struct binaries {
	const struct vigil_env *env;
	struct elf_cache *cache;
	struct elf_judge *judge;
	struct pkgdb *pkg;
	struct rootpkg *roots;		/* containers' own databases */
	struct binpend *held;		/* while the host's index is built */
	uint64_t *published, *packaged, *unreadable, *held_count;
};

/* ev, its package known, judged by the file at fd and published. */
static void judge(struct binaries *b, struct binary_event *ev, int fd)
{
	int err;

	ev->verdict = elf_cache_get_fd(b->cache, fd, elf_judge_run, b->judge,
				       &err);
	if (!ev->verdict) {
		(*b->unreadable)++;
		return;
	}
	(*b->published)++;
	engine_publish(b->env->engine, EV_BINARY, ev);
}

/* A packaged file, out of scope: counted, not judged. */
static bool out_of_scope(struct binaries *b, const struct binary_event *ev)
{
	if (!ev->package || b->env->cfg->scope != SCOPE_THIRD_PARTY)
		return false;
	(*b->packaged)++;
	return true;
}

/* A sighting held while the index was built, now that it is. */
static void judge_held(struct binary_event *ev, int fd, void *data)
{
	struct binaries *b = data;

	ev->package = pkgdb_owner(b->pkg, ev->path);
	if (out_of_scope(b, ev))
		return;
	if (fd < 0) {
		(*b->unreadable)++;
		return;
	}
	judge(b, ev, fd);
}

/* The index is built: what was held is judged now. */
static void index_ready(void *data)
{
	struct binaries *b = data;

	binpend_drain(b->held, judge_held, b);
}

/*
 * m of pi, while the host's index is being built: held for it, or
 * else (the queue is full) after waiting for the index.  1: taken.
 */
static int hold(struct binaries *b, const struct proc_info *pi,
		const struct proc_map *m)
{
	if (binpend_hold(b->held, pi, m) == 0) {
		(*b->held_count)++;
		return 1;
	}
	/* once: the index is there after the wait */
	log_warn("binaries: no room to hold what runs until the package index is built (%s); waiting for it",
		 strerror(errno));
	pkgdb_wait(b->pkg);
	return 0;
}

/* m of pi, named by db (the package databases of pi's root). */
static void publish(struct binaries *b, const struct proc_info *pi,
		    const struct proc_map *m, const struct pkgview *db)
{
	struct binary_event ev = {
		.path = m->path, .dev = m->dev, .ino = m->ino,
		.pid = pi->pid, .uid = pi->euid, .exe = pi->exe,
		.comm = pi->comm, .deleted = m->deleted,
	};
	struct stat st;
	int fd;

	if (db && db->dpkg == b->pkg && pkgdb_building(b->pkg) &&
	    hold(b, pi, m))
		return;
	/* The name picks the package (a deleted file: where it was)... */
	ev.package = pkgview_owner(db, m->path);
	if (out_of_scope(b, &ev))
		return;
	/* ...but the verdict is of the file really mapped, never a name. */
	fd = proc_map_open(pi->pid, m, &st);
	if (fd < 0) {
		(*b->unreadable)++;
		return;
	}
	judge(b, &ev, fd);
	close(fd);
}

static void on_proc(void *data, enum engine_event type, const void *payload)
{
	struct binaries *b = data;
	const struct proc_info *pi = payload;
	const struct pkgview *db;
	size_t i;

	if (!engine_rule_enabled(b->env->engine, RULE_NO_DEP) &&
	    !engine_rule_enabled(b->env->engine, RULE_NO_STACK_COOKIES))
		return;
	/* the database of the root the process sees, once for all its maps */
	db = rootpkg_of(b->roots, pi->gone ? 0 : pi->pid);
	for (i = 0; i < pi->nmaps; i++)
		publish(b, pi, &pi->maps[i], db);
}

static void binaries_fini(void *priv)
{
	struct binaries *b = priv;

	if (!b)
		return;
	elf_cache_free(b->cache);
	rootpkg_free(b->roots);
	/* a builder still running is stopped: its index is not wanted */
	pkgdb_free(b->pkg);
	binpend_free(b->held);
	free(b);
}

/*
 * The dpkg index, kept between starts beside the state file; built by
 * a child when there is none yet, what is seen meanwhile held for it.
 */
static struct pkgdb *open_pkgdb(struct binaries *b)
{
	const char *state_file = b->env->cfg->state_file;
	const char *slash = strrchr(state_file, '/');
	char cache[PATH_MAX];

	if (!slash || (size_t)snprintf(cache, sizeof(cache), "%.*s/%s",
				       (int)(slash - state_file), state_file,
				       PKG_CACHE_NAME) >= sizeof(cache))
		return pkgdb_new(PKG_DPKG_DIR, NULL);
	return pkgdb_new_async(PKG_DPKG_DIR, cache, b->env->loop, index_ready,
			       b);
}

static int binaries_init(const struct vigil_env *env, void **priv)
{
	struct binaries *b = calloc(1, sizeof(*b));

	if (!b)
		return -1;
	b->env = env;
	b->judge = env->judge;		/* vigild's: spawned before the state */
	b->cache = elf_cache_new(ELF_CACHE_SLOTS, ELF_CACHE_BYTES);
	b->held = binpend_new();
	b->published = engine_counter(env->engine, "binaries", "checked");
	b->packaged = engine_counter(env->engine, "binaries", "packaged");
	b->unreadable = engine_counter(env->engine, "binaries", "unreadable");
	b->held_count = engine_counter(env->engine, "binaries",
				       "held_for_index");
	if (b->held && b->held_count)
		b->pkg = open_pkgdb(b);
	b->roots = b->pkg ? rootpkg_new(b->pkg) : NULL;
	if (!b->judge || !b->cache || !b->held || !b->pkg || !b->roots ||
	    !b->published || !b->packaged || !b->unreadable ||
	    !b->held_count ||
	    engine_subscribe(env->engine, EV_PROC_SCAN, on_proc, b) < 0 ||
	    engine_subscribe(env->engine, EV_MAPPING, on_proc, b) < 0) {
		binaries_fini(b);
		return -1;
	}
	*priv = b;
	return 0;
}

const struct vigil_module binaries_module = {
	.name = "binaries",
	.init = binaries_init,
	.fini = binaries_fini,
};
