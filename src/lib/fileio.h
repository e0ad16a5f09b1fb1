/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_FILEIO_H
#define VIGIL_FILEIO_H

#include <stddef.h>

/*
 * Read up to size bytes of fd into a new NUL-terminated buffer; *got is
 * how many were read (fewer at an early end of file).  Returns the
 * buffer, or NULL with errno set (ENOMEM, or the read error).
 */
char *fileio_read(int fd, size_t size, size_t *got);

/*
 * Open path for reading only if it leads to a regular file: an O_PATH
 * open (which opens nothing: a FIFO or a device is never touched)
 * checked with fstat, then that same inode reopened through
 * /proc/self/fd, not whatever the name means by then.  Magic links
 * (/proc/PID/exe, /proc/PID/map_files/...) are followed.  Returns the
 * fd with *st filled in, or -1 with errno (ENOEXEC: not a regular
 * file, EISDIR: a directory).
 */
struct stat;
int fileio_open_regular(const char *path, struct stat *st);

#endif
