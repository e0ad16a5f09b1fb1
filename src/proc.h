/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_PROC_H
#define VIGIL_PROC_H

#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include "modules.h"

#include <sys/sysmacros.h>
#include <sys/types.h>

/* Bounds on what one process can make vigild hold. */
#define PROC_MAX_MAPS 4096
#define PROC_MAX_PIDS 65536

/* One file-backed executable mapping. */
struct proc_map {
	char *path;		/* unescaped; may end in " (deleted)" */
	dev_t dev;
	ino_t ino;
};

/* What a scan learned about one process; published as EV_PROC_SCAN. */
struct proc_info {
	pid_t pid;
	uid_t ruid, euid;
	char comm[17];
	char exe[PATH_MAX];	/* "" for kernel threads */
	struct proc_map *maps;
	size_t nmaps;
};

/*
 * Parse /proc/PID/status for uids and name.  Returns 0, or -1 with
 * errno (the process may be gone: ENOENT/ESRCH).
 */
int proc_read_status(int dirfd, struct proc_info *pi);

/*
 * Parse a /proc/PID/maps stream: keep each distinct file with an
 * executable mapping (at most PROC_MAX_MAPS).  Returns 0, or -1 with
 * errno.  The maps are freed with proc_info_clear().
 */
int proc_parse_maps(FILE *f, struct proc_info *pi);
void proc_info_clear(struct proc_info *pi);

/*
 * Read one process: status, exe and executable mappings.  Returns 0
 * (exe "" for kernel threads), or -1 with errno (ENOENT: gone).
 */
int proc_read_pid(pid_t pid, struct proc_info *pi);

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
	struct proc_entry *next;
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

/* The /proc scan module (modules.c). */
extern const struct vigil_module proc_module;

#endif
