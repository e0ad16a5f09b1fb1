/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_PROC_H
#define VIGIL_PROC_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "model/events.h"
#include "core/module.h"

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>

/* Bounds on what one process can make vigild hold. */
#define PROC_MAX_MAPS 4096

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
 * The root directory pid sees, when it is not vigild's (a container's,
 * a chroot's): an O_PATH fd on it (close-on-exec) with *st filled in.
 * own: vigild's root, as stat("/") said (taken once: vigild never
 * changes it).  Returns -1 when pid sees vigild's own root, or with
 * errno when it cannot be looked at (gone): names it uses mean what
 * they mean here.
 */
int proc_other_root(pid_t pid, const struct stat *own, struct stat *st);
/*
 * Open path (relative) as seen from the root rootfd is open on (as
 * proc_other_root() gives): openat2 with RESOLVE_IN_ROOT, so "..",
 * absolute links and mounts stay in that root, and no magic link of
 * /proc is followed.  flags as open(2)'s, O_CLOEXEC added.  The fd, or
 * -1 with errno.
 */
int proc_open_in_root(int rootfd, const char *path, int flags);

/*
 * Read path, as seen from the root rootfd is open on, whole: only a
 * regular file (checked through an O_PATH open, so a FIFO or a device
 * is never opened), at most max bytes, NUL-terminated, its length in
 * *len.  A configuration file another process names.  NULL with errno
 * (EINVAL: not a regular file).
 */
char *proc_read_in_root(int rootfd, const char *path, size_t max,
			size_t *len);

/*
 * /proc/PID/<what> (cmdline, environ: NUL-separated) whole, at most max
 * bytes, NUL-terminated, its length in *len.  NULL with errno.
 */
char *proc_read_file(pid_t pid, const char *what, size_t max, size_t *len);

/*
 * Read one process: exe, then status and executable mappings.  Returns
 * 0 (exe "" for kernel threads and zombies, the rest not read), or -1
 * with errno (ENOENT: gone).
 */
int proc_read_pid(pid_t pid, struct proc_info *pi);

/*
 * What a process maps changed (an exec, an mmap): put pi in the model
 * and publish EV_MAPPING.  A full process table is counted in
 * *table_full.  proc_publish_pid() reads pid first; it returns 0, or -1
 * when the process is gone or a kernel thread (nothing published).
 */
void proc_publish(const struct vigil_env *env, const struct proc_info *pi,
		  uint64_t *table_full);
int proc_publish_pid(const struct vigil_env *env, pid_t pid,
		     uint64_t *table_full);

/* The /proc scan module (modules.c). */
extern const struct vigil_module proc_module;

#endif
