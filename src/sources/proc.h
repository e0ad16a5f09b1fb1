/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_PROC_H
#define VIGIL_PROC_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "modules.h"

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>

/* Bounds on what one process can make vigild hold. */
#define PROC_MAX_MAPS 4096
#define PROC_MAX_PIDS 65536

/*
 * One file-backed executable mapping.  The name is only for people and
 * for looking up the owning package; verdicts are taken from the file
 * the process really maps (proc_map_open()).
 */
struct proc_map {
	char *path;		/* the name, raw bytes (see proc_resolve_maps) */
	dev_t dev;		/* as /proc/PID/maps says */
	ino_t ino;
	unsigned long start, end;	/* one mapping of it; 0, 0: none */
	bool resolved;		/* path read from map_files: exact */
	bool deleted;		/* unlinked; path is where it was */
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
 * executable mapping (at most PROC_MAX_MAPS), its address range, and
 * its name as the maps text gives it (the kernel's "\012" for a
 * newline turned back; " (deleted)" left on, as the text cannot tell
 * it from a file so named).  Returns 0, or -1 with errno.  The maps
 * are freed with proc_info_clear().
 */
int proc_parse_maps(FILE *f, struct proc_info *pi);
void proc_info_clear(struct proc_info *pi);

/*
 * Replace each parsed name by the exact one from
 * /proc/PID/map_files/START-END (no escaping to undo), and tell a
 * deleted file (no links left: " (deleted)" taken off) from one whose
 * name ends so.  dirfd is /proc/PID.  Needs CAP_CHECKPOINT_RESTORE or
 * CAP_SYS_ADMIN; without, names stay as parsed and resolved is false.
 */
void proc_resolve_maps(int dirfd, struct proc_info *pi);

/*
 * Open the file that process pid really maps at m, for reading: through
 * /proc/PID/map_files/START-END when proc_resolve_maps() could reach
 * it, else by name, accepted only if it is the inode the mapping
 * names.  Only regular files are opened.  Returns the fd with
 * *st, or -1 with errno (ESTALE: the name leads elsewhere now, ENOEXEC:
 * not a regular file, ENOENT: gone).
 */
int proc_map_open(pid_t pid, const struct proc_map *m, struct stat *st);

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
