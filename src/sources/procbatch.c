// SPDX-License-Identifier: GPL-2.0-or-later
/* Processes whose mappings changed, read once a batch: procbatch.h. */
#include "build.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/hash.h"
#include "lib/loop.h"
#include "sources/proc.h"
#include "sources/procbatch.h"


struct dirty {
	pid_t pid;
	uid_t uid, euid;
	char comm[17];
	char *exe;		/* from an exec record, or NULL */
	uint64_t marked_ms;	/* first marked */
	struct audit_file files[AUDITEVENT_MAX_PATHS];	/* the exec's */
	int nfiles;
	UT_hash_handle hh;	/* by pid */
};

struct procbatch {
	const struct vigil_env *env;
	uint64_t *table_full;
	struct loop_timer *timer;
	struct dirty dirty[PROCBATCH_MAX];
	struct dirty *by_pid;	/* uthash head over dirty[] */
	size_t n;
	struct {
		pid_t pid;
		uint64_t ms;
	} gone[PROCBATCH_GONE];
	struct {
		char *name;
		dev_t dev;
		ino_t ino;
		uint64_t ms;
	} names[PROCBATCH_NAMES];
};

static void on_timer(struct loop *loop, struct loop_timer *t, void *data)
{
	(void)loop;
	(void)t;
	procbatch_flush(data);
}

struct procbatch *procbatch_new(const struct vigil_env *env,
				uint64_t *table_full)
{
	struct procbatch *b = calloc(1, sizeof(*b));

	if (!b)
		return NULL;
	b->env = env;
	b->table_full = table_full;
	b->timer = loop_timer_new(env->loop, on_timer, b);
	if (!b->timer) {
		free(b);
		return NULL;
	}
	return b;
}

void procbatch_free(struct procbatch *b)
{
	size_t i;

	if (!b)
		return;
	for (i = 0; i < PROCBATCH_NAMES; i++)
		free(b->names[i].name);
	HASH_CLEAR(hh, b->by_pid);
	while (b->n)
		free(b->dirty[--b->n].exe);
	loop_timer_free(b->timer);
	free(b);
}

void procbatch_gone(struct procbatch *b, pid_t pid)
{
	unsigned int i = (unsigned int)pid % PROCBATCH_GONE;

	b->gone[i].pid = pid;
	b->gone[i].ms = loop_now_ms();
}

/* Known gone around the time d was marked (procbatch_gone()). */
static bool known_gone(const struct procbatch *b, const struct dirty *d)
{
	unsigned int i = (unsigned int)d->pid % PROCBATCH_GONE;

	return b->gone[i].pid == d->pid &&
	       b->gone[i].ms + PROCBATCH_GONE_MS >= d->marked_ms &&
	       d->marked_ms + PROCBATCH_GONE_MS >= b->gone[i].ms;
}

/* Is (dev, ino) one of the files d's exec named? */
static bool exec_named(const struct dirty *d, dev_t dev, ino_t ino)
{
	int i;

	for (i = 0; i < d->nfiles; i++)
		if (d->files[i].dev == dev && d->files[i].ino == ino)
			return true;
	return false;
}

/*
 * The file d's program name leads to, if its exec named it (the
 * program, or a script's interpreter): a name alone is the user's to
 * swap.  A stat of the name less than PROCBATCH_NAME_MS old that led
 * to one of the exec's files stands: the file is opened later by name
 * and checked to be that inode (proc_map_open()), as after a stat now.
 */
static bool exe_file(struct procbatch *b, const struct dirty *d,
		     struct stat *st)
{
	unsigned int h = hash_slot(d->exe, PROCBATCH_NAMES);
	uint64_t now = loop_now_ms();

	if (b->names[h].name && now - b->names[h].ms < PROCBATCH_NAME_MS &&
	    !strcmp(b->names[h].name, d->exe) &&
	    exec_named(d, b->names[h].dev, b->names[h].ino)) {
		st->st_dev = b->names[h].dev;
		st->st_ino = b->names[h].ino;
		return true;
	}
	if (stat(d->exe, st) < 0 || !exec_named(d, st->st_dev, st->st_ino))
		return false;
	free(b->names[h].name);
	b->names[h].name = strdup(d->exe);	/* NULL: not kept */
	b->names[h].dev = st->st_dev;
	b->names[h].ino = st->st_ino;
	b->names[h].ms = now;
	return true;
}

static void publish(struct procbatch *b, const struct dirty *d)
{
	struct proc_map m = { .path = (char *)d->exe };
	struct proc_info pi;
	struct stat st;

	if ((!known_gone(b, d) &&
	     proc_publish_pid(b->env, d->pid, b->table_full) == 0) || !d->exe)
		return;
	/* Gone already: judged by its exec record's program. */
	if (d->exe[0] != '/' || !exe_file(b, d, &st))
		return;
	m.dev = st.st_dev;
	m.ino = st.st_ino;
	memset(&pi, 0, sizeof(pi));
	pi.pid = d->pid;
	pi.ruid = d->uid;
	pi.euid = d->euid;
	memcpy(pi.comm, d->comm, sizeof(pi.comm));
	snprintf(pi.exe, sizeof(pi.exe), "%s", d->exe);
	pi.maps = &m;
	pi.nmaps = 1;
	pi.gone = true;
	proc_publish(b->env, &pi, b->table_full);
}

void procbatch_flush(struct procbatch *b)
{
	size_t i;

	HASH_CLEAR(hh, b->by_pid);
	for (i = 0; i < b->n; i++) {
		publish(b, &b->dirty[i]);
		free(b->dirty[i].exe);
		b->dirty[i].exe = NULL;
	}
	b->n = 0;
}

void procbatch_mark(struct procbatch *b, const struct audit_event *ev,
		    bool is_exec)
{
	struct dirty *d;

	HASH_FIND(hh, b->by_pid, &ev->pid, sizeof(ev->pid), d);
	if (!d) {
		if (b->n == PROCBATCH_MAX)
			procbatch_flush(b);
		d = &b->dirty[b->n++];
		memset(d, 0, sizeof(*d));
		d->pid = ev->pid;
		d->marked_ms = loop_now_ms();
		/* out of memory: only found by a walk no more, still read */
		HASH_ADD(hh, b->by_pid, pid, sizeof(d->pid), d);
	}
	d->uid = ev->uid;
	d->euid = ev->euid;
	snprintf(d->comm, sizeof(d->comm), "%.16s", ev->comm);
	if (is_exec) {
		free(d->exe);
		d->exe = ev->exe[0] ? strdup(ev->exe) : NULL;
		memcpy(d->files, ev->files, sizeof(d->files));
		d->nfiles = ev->nfiles;
	}
	if (!loop_timer_armed(b->timer))
		loop_timer_arm(b->timer, PROCBATCH_MS, 0);
}
