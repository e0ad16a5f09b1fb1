// SPDX-License-Identifier: GPL-2.0-or-later
/* The process table: a hash of live processes by pid (model.c owns it). */
#include "build.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model/proctable.h"

#define TABLE_BUCKETS 4096

struct proc_table {
	struct proc_entry *buckets[TABLE_BUCKETS];
	size_t n;
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
	size_t i;

	if (!t)
		return;
	for (i = 0; i < TABLE_BUCKETS; i++) {
		while (t->buckets[i]) {
			struct proc_entry *e = t->buckets[i];

			t->buckets[i] = e->next;
			entry_free(e);
		}
	}
	free(t);
}

const struct proc_entry *proc_table_get(const struct proc_table *t,
					pid_t pid)
{
	const struct proc_entry *e;

	for (e = t->buckets[(unsigned int)pid % TABLE_BUCKETS]; e; e = e->next)
		if (e->pid == pid)
			return e;
	return NULL;
}

int proc_table_update(struct proc_table *t, const struct proc_info *pi)
{
	struct proc_entry **head = &t->buckets[(unsigned int)pi->pid %
					       TABLE_BUCKETS];
	struct proc_entry *e = (struct proc_entry *)proc_table_get(t, pi->pid);
	char *exe;

	if (!e) {
		if (t->n >= PROC_MAX_PIDS) {
			errno = ENOSPC;
			return -1;
		}
		e = calloc(1, sizeof(*e));
		if (!e)
			return -1;
		e->pid = pi->pid;
		e->next = *head;
		*head = e;
		t->n++;
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
	return t->n;
}

void proc_table_scan_begin(struct proc_table *t)
{
	t->gen++;
}

size_t proc_table_scan_end(struct proc_table *t)
{
	size_t i, dropped = 0;

	for (i = 0; i < TABLE_BUCKETS; i++) {
		struct proc_entry **pp = &t->buckets[i], *e;

		while ((e = *pp)) {
			if (e->gen == t->gen) {
				pp = &e->next;
				continue;
			}
			*pp = e->next;
			entry_free(e);
			t->n--;
			dropped++;
		}
	}
	return dropped;
}

