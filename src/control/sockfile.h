/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_CONTROL_SOCKFILE_H
#define VIGIL_CONTROL_SOCKFILE_H

#include <stdbool.h>
#include <sys/types.h>

#include "lib/sbuf.h"

struct sockfile {
	char *path;
	int fd;			/* the bound socket; -1: none */
	bool bound;
	dev_t dev;		/* the file bound, as lstat saw it then */
	ino_t ino;
};

/*
 * Make path's directory (0755) if needed, replace a stale socket (not
 * one a running vigild answers on), and bind a non-blocking stream
 * socket there, mode 0600.  Returns 0, or -1 with a message in err
 * (sockfile_close() still frees what was made).
 */
int sockfile_bind(struct sockfile *sf, const char *path, struct sbuf *err);
/*
 * Owner group and mode of the file bound, through a descriptor of that
 * very file.  Returns 0, or -1 with errno (ESTALE or ELOOP: something
 * else stands at the path now).
 */
int sockfile_give(const struct sockfile *sf, gid_t gid, mode_t mode);
/* Close, and unlink the path if it is still the file bound. */
void sockfile_close(struct sockfile *sf);

#endif
