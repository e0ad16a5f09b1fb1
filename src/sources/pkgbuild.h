/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_PKGBUILD_H
#define VIGIL_PKGBUILD_H

#include <stddef.h>

struct pkgidx;

/*
 * old brought up to date with the lists in <dir>/info (pkgbuild.c):
 * the lists whose version differs from old's are read and merged with
 * the rest of old into out, with its packages and stamp; old is left
 * as it is, and must be in memory, checked whole (pkgidx_read_all).
 * lists: how many were read.  -1 with errno (out untouched): <dir>/info
 * cannot be read, ENOMEM, or E2BIG past PKG_MAX_PATHS paths or
 * PKG_MAX_PACKAGES packages.
 */
int pkgbuild_update(const struct pkgidx *old, const char *dir,
		    struct pkgidx *out, size_t *lists);

#endif
