// SPDX-License-Identifier: GPL-2.0-or-later
/* Directories vigild keeps files in, checked: see safedir.h. */
#include "build.h"

#include <errno.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/safedir.h"

int safedir_check(const char *path, struct sbuf *err)
{
	char *copy = strdup(path);
	const char *dir;
	struct stat st;
	int r = -1;

	if (!copy) {
		sbuf_printf(err, "%s: out of memory", path);
		return -1;
	}
	dir = dirname(copy);
	if (stat(dir, &st) < 0) {
		if (errno == ENOENT)
			r = 0;
		else
			sbuf_printf(err, "%s: %s", dir, strerror(errno));
		goto out;
	}
	if (!S_ISDIR(st.st_mode)) {
		sbuf_printf(err, "%s: not a directory", dir);
		goto out;
	}
	if (st.st_uid != 0 && st.st_uid != geteuid()) {
		sbuf_printf(err, "%s: owned by uid %u, not by root: another user could replace what vigild keeps there",
			    dir, (unsigned int)st.st_uid);
		goto out;
	}
	if ((st.st_mode & (S_IWGRP | S_IWOTH)) && !(st.st_mode & S_ISVTX)) {
		sbuf_printf(err, "%s: writable by %s (mode %04o) without the sticky bit: another user could replace what vigild keeps there",
			    dir, st.st_mode & S_IWOTH ? "others" : "its group",
			    (unsigned int)(st.st_mode & 07777));
		goto out;
	}
	r = 0;
out:
	free(copy);
	return r;
}
