// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Which running binaries are in scope and how they were built: takes
 * the executable mappings of every process (from the /proc scan, and
 * from audit exec/mmap events), leaves out files a Debian package owns
 * unless scope = "all", and publishes each with its ELF verdict.
 */
#include "build.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sources/binaries.h"
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
	uint64_t *published, *packaged, *unreadable;
};

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
	int err, fd;

	/* The name picks the package (a deleted file: where it was)... */
	ev.package = pkgview_owner(db, m->path);
	if (ev.package && b->env->cfg->scope == SCOPE_THIRD_PARTY) {
		(*b->packaged)++;
		return;
	}
	/* ...but the verdict is of the file really mapped, never a name. */
	fd = proc_map_open(pi->pid, m, &st);
	if (fd < 0) {
		(*b->unreadable)++;
		return;
	}
	ev.verdict = elf_cache_get_fd(b->cache, fd, elf_judge_run, b->judge,
				      &err);
	close(fd);
	if (!ev.verdict) {
		(*b->unreadable)++;
		return;
	}
	(*b->published)++;
	engine_publish(b->env->engine, EV_BINARY, &ev);
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
	db = rootpkg_of(b->roots, pi->pid);
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
	pkgdb_free(b->pkg);
	free(b);
}

/* The dpkg index, kept between starts beside the state file. */
static struct pkgdb *open_pkgdb(const char *state_file)
{
	const char *slash = strrchr(state_file, '/');
	char cache[PATH_MAX];

	if (!slash || (size_t)snprintf(cache, sizeof(cache), "%.*s/%s",
				       (int)(slash - state_file), state_file,
				       PKG_CACHE_NAME) >= sizeof(cache))
		return pkgdb_new(PKG_DPKG_DIR, NULL);
	return pkgdb_new(PKG_DPKG_DIR, cache);
}

static int binaries_init(const struct vigil_env *env, void **priv)
{
	struct binaries *b = calloc(1, sizeof(*b));

	if (!b)
		return -1;
	b->env = env;
	b->judge = env->judge;		/* vigild's: spawned before the state */
	b->cache = elf_cache_new(ELF_CACHE_SLOTS, ELF_CACHE_BYTES);
	b->pkg = open_pkgdb(env->cfg->state_file);
	b->roots = b->pkg ? rootpkg_new(b->pkg) : NULL;
	b->published = engine_counter(env->engine, "binaries", "checked");
	b->packaged = engine_counter(env->engine, "binaries", "packaged");
	b->unreadable = engine_counter(env->engine, "binaries", "unreadable");
	if (!b->judge || !b->cache || !b->pkg || !b->roots || !b->published ||
	    !b->packaged || !b->unreadable ||
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
