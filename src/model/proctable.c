// SPDX-License-Identifier: GPL-2.0-or-later
/* The process table: live processes by pid (model.c owns it). */
#include "build.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model/proctable.h"

struct proc_table {
	struct proc_entry *by_pid;	/* hash head */
	unsigned int gen;
};

struct proc_table *proc_table_new(void)
{
	return calloc(1, sizeof(struct proc_table));
}

static void entry_free(struct proc_entry *e)
{
	free(e->exe);
	free(e);
}

void proc_table_free(struct proc_table *t)
{
	struct proc_entry *e, *tmp;

	if (!t)
		return;
	HASH_ITER(hh, t->by_pid, e, tmp) {
		HASH_DEL(t->by_pid, e);
		entry_free(e);
	}
	free(t);
}

const struct proc_entry *proc_table_get(const struct proc_table *t,
					pid_t pid)
{
	struct proc_entry *e;

	HASH_FIND(hh, t->by_pid, &pid, sizeof(pid), e);
	return e;
}

int proc_table_update(struct proc_table *t, const struct proc_info *pi)
{
	struct proc_entry *e = (struct proc_entry *)proc_table_get(t, pi->pid);
	char *exe;

	if (!e) {
		if (HASH_COUNT(t->by_pid) >= PROC_MAX_PIDS) {
			errno = ENOSPC;
			return -1;
		}
		e = calloc(1, sizeof(*e));
		if (!e)
			return -1;
		e->pid = pi->pid;
		HASH_ADD(hh, t->by_pid, pid, sizeof(e->pid), e);
		if (!hash_added(e, hh)) {
			free(e);
			errno = ENOMEM;
			return -1;
		}
	}
	if (!e->exe || strcmp(e->exe, pi->exe)) {
		exe = strdup(pi->exe);
		if (!exe)
			return -1;
		free(e->exe);
		e->exe = exe;
	}
	e->ruid = pi->ruid;
	e->euid = pi->euid;
	memcpy(e->comm, pi->comm, sizeof(e->comm));
	e->gen = t->gen;
	return 0;
}

size_t proc_table_count(const struct proc_table *t)
{
	return HASH_COUNT(t->by_pid);
}

void proc_table_scan_begin(struct proc_table *t)
{
	t->gen++;
}

size_t proc_table_scan_end(struct proc_table *t)
{
	struct proc_entry *e, *tmp;
	size_t dropped = 0;

	HASH_ITER(hh, t->by_pid, e, tmp) {
		if (e->gen == t->gen)
			continue;
		HASH_DEL(t->by_pid, e);
		entry_free(e);
		dropped++;
	}
	return dropped;
}

