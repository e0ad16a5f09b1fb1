/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_SOURCES_PERMS_H
#define VIGIL_SOURCES_PERMS_H

#include <sys/stat.h>

#include "model/events.h"
#include "core/module.h"

/* Facts are reused for a few seconds: a scan sees libc hundreds of times. */
#define PERMS_CACHE_SIZE 4096
#define PERMS_CACHE_TTL_MS 5000

/*
 * What can change a mapped file: st is the fstat of what the process
 * really maps; path its name (NULL: deleted, no directories) in the
 * root directory rootfd is open on (-1: vigild's own; a container's
 * from /proc/PID/root, where names are resolved as inside it, its
 * symbolic links never leading out).  Every directory above path up to
 * "/" is read with lstat, but only while path still leads to that very
 * file (else f->dirs_err = ESTALE).  Returns 0, or -1 with errno EINVAL
 * when path is not absolute.
 */
int perms_gather(const struct stat *st, int rootfd, const char *path,
		 struct perm_facts *f);

/*
 * The module: for each mapping of a process running as root (real or
 * effective uid 0, or the uid a user namespace's root maps to: see
 * userns.h), from EV_PROC_SCAN and EV_MAPPING, gathers the facts of the
 * file really mapped and publishes EV_MODULE.
 */
extern const struct vigil_module perms_module;

#endif
