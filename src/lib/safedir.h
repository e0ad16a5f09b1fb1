/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_LIB_SAFEDIR_H
#define VIGIL_LIB_SAFEDIR_H

#include "lib/sbuf.h"

/*
 * Is the directory that holds path one that only vigild's user can
 * change?  It must be a directory owned by root or by vigild's euid,
 * and not writable by group or others unless sticky (as /tmp): else
 * another user could put a symlink or a file of theirs where vigild
 * writes or reads (its socket, its state).  A directory that does not
 * exist yet is fine: vigild makes it itself.  Returns 0, or -1 with
 * "DIR: why" in err.
 */
int safedir_check(const char *path, struct sbuf *err);

#endif
