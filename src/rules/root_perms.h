/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_RULES_ROOT_PERMS_H
#define VIGIL_RULES_ROOT_PERMS_H

#include <limits.h>
#include <stdbool.h>
#include <sys/stat.h>
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
 * Check a mapped file, described by st (fstat of what the process
 * really maps), and every directory above its name up to "/": a
 * non-root owner, a group- or world-writable file, or a directory that
 * is not root's or is group/world-writable without the sticky bit.
 * The directories are checked only while path still leads to that
 * very file; path may be NULL (a deleted file: no directory left).
 *
 * Returns 0 with *v filled in, or -1 with errno (EINVAL: path not
 * absolute, ESTALE: the name leads to another file now, so only the
 * file itself could be judged and it was fine).
 */
int root_perms_check(const struct stat *st, const char *path,
		     struct perm_verdict *v);

extern const struct vigil_module root_perms_module;

#endif
