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

#endif
