// SPDX-License-Identifier: GPL-2.0-or-later
/* Bounded reads and safe opens of files (fileio.h). */
#include "build.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/fileio.h"

char *fileio_read(int fd, size_t size, size_t *got)
{
	char *buf = malloc(size + 1);
	int e;

	*got = 0;
	if (!buf)
		return NULL;
	while (*got < size) {
		ssize_t n = read(fd, buf + *got, size - *got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			e = errno;
			free(buf);
			errno = e;
			return NULL;
		}
		if (n == 0)
			break;
		*got += (size_t)n;
	}
	buf[*got] = '\0';
	return buf;
}

int fileio_open_regular(const char *path, struct stat *st)
{
	char self[32];
	int pfd, fd;

	pfd = open(path, O_PATH | O_CLOEXEC);
	if (pfd < 0)
		return -1;
	if (fstat(pfd, st) < 0) {
		close(pfd);
		return -1;
	}
	if (!S_ISREG(st->st_mode)) {
		close(pfd);
		errno = S_ISDIR(st->st_mode) ? EISDIR : ENOEXEC;
		return -1;
	}
	snprintf(self, sizeof(self), "/proc/self/fd/%d", pfd);
	fd = open(self, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	close(pfd);
	return fd;
}
