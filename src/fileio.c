// SPDX-License-Identifier: GPL-2.0-or-later
#include "build.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "fileio.h"

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
