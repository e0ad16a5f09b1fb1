// SPDX-License-Identifier: GPL-2.0-or-later
/* Where a sighting happened: container and namespace (where.h). */
#include "build.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/config.h"
#include "lib/cgroupid.h"
#include "lib/fileio.h"
#include "lib/loop.h"
#include "model/model.h"
#include "sources/ctrmeta.h"
#include "sources/where.h"

/* /proc/PID/cgroup: a dozen lines of a bounded path each. */
#define CGROUP_MAX_BYTES 16384
/*
 * What a pid's /proc said, kept a moment: a client making a thousand
 * connections a second is located once, not a thousand times.  A pid
 * is not reused within a second on any real system.
 */
#define WHERE_CACHE 256
#define WHERE_CACHE_MS 1000

struct pid_place {
	pid_t pid;		/* 0: empty */
	uint64_t ms;
	const char *runtime;
	char ctr_id[65];
	uint64_t netns;
};

struct where_src {
	const struct vigil_env *env;
	struct ctrmeta *meta;
	uint64_t own_netns;
	struct pid_place cache[WHERE_CACHE];
};

/* pid's container and namespace, while it lives. */
static void of_pid(struct where_src *w, pid_t pid, struct place *out)
{
	struct pid_place *pp = &w->cache[(unsigned int)pid % WHERE_CACHE];
	uint64_t now = loop_now_ms();
	struct cgroup_ctr c;
	char path[64];
	struct stat st;
	size_t got;
	char *text;
	int fd;

	if (pp->pid == pid && now - pp->ms < WHERE_CACHE_MS) {
		out->runtime = pp->runtime;
		memcpy(out->ctr_id, pp->ctr_id, sizeof(out->ctr_id));
		if (!out->netns)
			out->netns = pp->netns;
		return;
	}
	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	text = fileio_read(fd, CGROUP_MAX_BYTES, &got);
	close(fd);
	if (text && cgroupid_parse(text, got, &c) == 1) {
		out->runtime = c.runtime;
		memcpy(out->ctr_id, c.id, sizeof(out->ctr_id));
	}
	free(text);
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	if (stat(path, &st) < 0)
		return;		/* gone meanwhile: nothing kept */
	if (!out->netns)
		out->netns = (uint64_t)st.st_ino;
	pp->pid = pid;
	pp->ms = now;
	pp->runtime = out->runtime;
	memcpy(pp->ctr_id, out->ctr_id, sizeof(pp->ctr_id));
	pp->netns = (uint64_t)st.st_ino;
}

static void locate(void *data, pid_t pid, uint64_t netns, struct place *out)
{
	struct where_src *w = data;
	const struct ns_entry *ns;

	if (pid > 0)
		of_pid(w, pid, out);
	if (out->netns == w->own_netns)
		out->netns = 0;
	ns = out->netns ? nstable_by_inode(model_namespaces(w->env->model),
					   out->netns) : NULL;
	if (ns) {
		memcpy(out->netns_name, ns->name, sizeof(out->netns_name));
		/* the process is gone: the namespace's container */
		if (!out->runtime && ns->place.runtime) {
			out->runtime = ns->place.runtime;
			memcpy(out->ctr_id, ns->place.ctr_id,
			       sizeof(out->ctr_id));
		}
	}
	ctrmeta_fill(w->meta, out);
}

static void where_fini(void *priv)
{
	struct where_src *w = priv;

	if (!w)
		return;
	engine_set_locator(w->env->engine, NULL, NULL);
	ctrmeta_free(w->meta);
	free(w);
}

static int where_init(const struct vigil_env *env, void **priv)
{
	struct where_src *w = calloc(1, sizeof(*w));
	struct stat st;

	if (!w)
		return -1;
	*priv = w;
	w->env = env;
	w->meta = ctrmeta_new(NULL, NULL);
	if (!w->meta)
		return -1;
	/* the namespace vigild watches as its own: network.netns's */
	if (stat(env->cfg->netns ? env->cfg->netns : "/proc/self/ns/net",
		 &st) == 0)
		w->own_netns = (uint64_t)st.st_ino;
	engine_set_locator(env->engine, locate, w);
	return 0;
}

const struct vigil_module where_module = {
	.name = "where",
	.init = where_init,
	.fini = where_fini,
};
