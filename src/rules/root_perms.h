/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_RULES_ROOT_PERMS_H
#define VIGIL_RULES_ROOT_PERMS_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

#include "model/events.h"

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
 * Judge what can change a mapped file (f, gathered by sources/perms.c
 * for the file named path): a non-root owner, a group- or
 * world-writable file, or a directory above it that is not root's or is
 * group/world-writable without the sticky bit, nearest first.  path
 * names the directories in the verdict; it may be NULL when f has no
 * directories.  root_uid is whose root the process is: 0, host root;
 * else the host uid of a user namespace's root, whose own files are
 * root's there (host root's stay trusted: nobody inside can change
 * them).
 *
 * Returns 0 with *v filled in, or -1 with errno = f->dirs_err when the
 * file itself is fine but its directories could not be judged.
 */
int root_perms_judge(const struct perm_facts *f, const char *path,
		     uid_t root_uid, struct perm_verdict *v);

#endif
