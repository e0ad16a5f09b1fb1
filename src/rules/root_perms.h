/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_RULES_ROOT_PERMS_H
#define VIGIL_RULES_ROOT_PERMS_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

#include "modules.h"

/* Why a module can be changed by somebody other than root. */
struct perm_verdict {
	bool insecure;
	char reason[160];
	char directory[PATH_MAX];	/* the offending directory, or "" */
	mode_t mode;			/* of the file */
	uid_t uid;
	gid_t gid;
};

/*
 * Check the file at path and every directory above it up to "/": a
 * non-root owner, a group- or world-writable file, or a directory that
 * is not root's or is group/world-writable without the sticky bit.
 * When dev/ino are non-zero the path must still name that file.
 *
 * Returns 0 with *v filled in, or -1 with errno (ENOENT: gone, ESTALE:
 * the path now names another file).
 */
int root_perms_check(const char *path, dev_t dev, ino_t ino,
		     struct perm_verdict *v);

extern const struct vigil_module root_perms_module;

#endif
