// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The process table from /proc: a full scan at start and every
 * proc.rescan, publishing one EV_PROC_SCAN per process so rules see
 * every running program even when no event told them about it.
 */
#include "build.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/log.h"
#include "sources/proc.h"
#include "config/config.h"
#include "lib/loop.h"
#include "model/model.h"

struct proc_scan {
	const struct vigil_env *env;
	struct loop_timer *timer;
	uint64_t interval;
	uint64_t *scans, *procs, *errors, *pruned, *table_full;
};

/*
 * One process, pid at name under procfd: exe, status, mappings.
 * all: a process with no program (a kernel thread, a zombie) is read
 * too, for its status (the scan); else it is left at its exe, the
 * first thing read (an exec's process gone by then costs no more).
 */
static int read_one(int procfd, const char *name, pid_t pid,
		    struct proc_info *pi, bool all)
{
	ssize_t n;
	int dfd, mfd, r = -1;
	FILE *f;

	dfd = openat(procfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -1;
	pi->pid = pid;
	n = readlinkat(dfd, "exe", pi->exe, sizeof(pi->exe) - 1);
	pi->exe[n > 0 ? n : 0] = '\0';
	if (n <= 0 && !all) {
		r = 0;
		goto out;
	}
	if (proc_read_status(dfd, pi) < 0)
		goto out;
	if (n <= 0) {
		/* Kernel threads have no exe: nothing to check. */
		r = 0;
		goto out;
	}
	mfd = openat(dfd, "maps", O_RDONLY | O_CLOEXEC);
	if (mfd < 0)
		goto out;
	f = fdopen(mfd, "re");
	if (!f) {
		close(mfd);
		goto out;
	}
	r = proc_parse_maps(f, pi);
	fclose(f);
	if (r == 0)
		proc_resolve_maps(dfd, pi);
out:
	close(dfd);
	return r;
}

int proc_read_pid(pid_t pid, struct proc_info *pi)
{
	char name[32];

	snprintf(name, sizeof(name), "/proc/%d", (int)pid);
	return read_one(AT_FDCWD, name, pid, pi, false);
}

static void scan(struct proc_scan *ps)
{
	struct proc_info pi;
	struct dirent *de;
	unsigned int n = 0;
	DIR *d;

	d = opendir("/proc");
	if (!d) {
		log_err("proc: cannot open /proc: %s", strerror(errno));
		return;
	}
	(*ps->scans)++;
	model_procs_scan_begin(ps->env->model);
	while ((de = readdir(d)) && n < PROC_MAX_PIDS) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		memset(&pi, 0, sizeof(pi));
		if (read_one(dirfd(d), de->d_name, (pid_t)atoi(de->d_name),
			     &pi, true) == 0) {
			n++;
			if (model_proc_update(ps->env->model, &pi) < 0)
				(*ps->table_full)++;
			if (pi.exe[0])
				engine_publish(ps->env->engine, EV_PROC_SCAN,
					       &pi);
		} else if (errno != ENOENT && errno != ESRCH) {
			/* A process that exited mid-scan is no error. */
			(*ps->errors)++;
		}
		proc_info_clear(&pi);
	}
	closedir(d);
	*ps->pruned += model_procs_scan_end(ps->env->model);
	*ps->procs = n;
}

static void on_timer(struct loop *loop, struct loop_timer *t, void *data)
{
	scan(data);
}

static int arm(struct proc_scan *ps)
{
	ps->interval = ps->env->cfg->proc_rescan * 1000;
	return loop_timer_arm(ps->timer, ps->interval, ps->interval);
}

static void proc_fini(void *priv);

static int proc_init(const struct vigil_env *env, void **priv)
{
	struct proc_scan *ps = calloc(1, sizeof(*ps));

	if (!ps)
		return -1;
	ps->env = env;
	ps->scans = engine_counter(env->engine, "proc", "scans");
	ps->procs = engine_counter(env->engine, "proc", "processes");
	ps->errors = engine_counter(env->engine, "proc", "errors");
	ps->pruned = engine_counter(env->engine, "proc", "pruned");
	ps->table_full = engine_counter(env->engine, "proc", "table_full");
	ps->timer = loop_timer_new(env->loop, on_timer, ps);
	if (!ps->scans || !ps->procs || !ps->errors || !ps->pruned ||
	    !ps->table_full || !ps->timer || arm(ps) < 0) {
		log_err("proc: %s", strerror(errno));
		proc_fini(ps);
		return -1;
	}
	*priv = ps;
	return 0;
}

/* The first scan runs once every module has subscribed. */
static void proc_start(void *priv)
{
	scan(priv);
}

static void proc_reload(void *priv)
{
	struct proc_scan *ps = priv;

	if (ps->interval != ps->env->cfg->proc_rescan * 1000)
		arm(ps);
}

static void proc_fini(void *priv)
{
	struct proc_scan *ps = priv;

	if (!ps)
		return;
	loop_timer_free(ps->timer);
	free(ps);
}

/*
 * Other users' maps and exe links need ptrace read access; map_files
 * (the exact file behind a mapping) needs CAP_CHECKPOINT_RESTORE, or
 * CAP_SYS_ADMIN before Linux 5.9 (caps.c leaves out what the kernel
 * lacks; proc_map_open() then checks names against the mapped inode).
 */
void proc_publish(const struct vigil_env *env, const struct proc_info *pi,
		  uint64_t *table_full)
{
	if (model_proc_update(env->model, pi) < 0)
		(*table_full)++;
	engine_publish(env->engine, EV_MAPPING, pi);
}

int proc_publish_pid(const struct vigil_env *env, pid_t pid,
		     uint64_t *table_full)
{
	struct proc_info pi;
	int r = -1;

	memset(&pi, 0, sizeof(pi));
	if (proc_read_pid(pid, &pi) == 0 && pi.exe[0]) {
		proc_publish(env, &pi, table_full);
		r = 0;
	}
	proc_info_clear(&pi);
	return r;
}

static const int proc_caps[] = {
	CAP_SYS_PTRACE, CAP_DAC_READ_SEARCH, CAP_CHECKPOINT_RESTORE,
};

const struct vigil_module proc_module = {
	.name = "proc",
	.caps = proc_caps,
	.ncaps = sizeof(proc_caps) / sizeof(proc_caps[0]),
	.init = proc_init,
	.start = proc_start,
	.reload = proc_reload,
	.fini = proc_fini,
};
