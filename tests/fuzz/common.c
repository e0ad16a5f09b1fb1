// SPDX-License-Identifier: GPL-2.0-or-later
#include "build.h"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "fuzz.h"

const char *fuzz_file(const uint8_t *data, size_t size)
{
	static char path[64];
	size_t off = 0;
	int fd;

	if (!path[0])
		snprintf(path, sizeof(path), "%s/vigil-fuzz-%d",
			 access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp",
			 (int)getpid());
	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return NULL;
	while (off < size) {
		ssize_t n = write(fd, data + off, size - off);

		if (n <= 0) {
			close(fd);
			return NULL;
		}
		off += (size_t)n;
	}
	close(fd);
	return path;
}
