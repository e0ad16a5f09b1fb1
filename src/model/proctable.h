/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_MODEL_PROCTABLE_H
#define VIGIL_MODEL_PROCTABLE_H

#include <stddef.h>
#include <sys/types.h>

#include "lib/hash.h"
#include "model/events.h"

/* Processes kept at most. */
#define PROC_MAX_PIDS 65536

/*
 * The process table: what vigild knows of each live process, filled by
 * every /proc scan (which also prunes the dead) and kept current by
 * exec and mmap events between scans.  At most PROC_MAX_PIDS entries.
 * Mappings are not kept: they are re-read when an event asks.
 */
struct proc_entry {
	pid_t pid;
	uid_t ruid, euid;
	char comm[17];
	char *exe;
	unsigned int gen;	/* scan that last saw it */
	UT_hash_handle hh;	/* by pid */
};

struct proc_table;

/* NULL on ENOMEM. */
struct proc_table *proc_table_new(void);
void proc_table_free(struct proc_table *t);
/* Insert or update from pi; returns 0, -1 with errno (ENOSPC: full). */
int proc_table_update(struct proc_table *t, const struct proc_info *pi);
const struct proc_entry *proc_table_get(const struct proc_table *t,
					pid_t pid);
size_t proc_table_count(const struct proc_table *t);
/* A scan starts: entries it does not update are pruned at its end. */
void proc_table_scan_begin(struct proc_table *t);
/* Returns how many dead entries were dropped. */
size_t proc_table_scan_end(struct proc_table *t);

#endif
