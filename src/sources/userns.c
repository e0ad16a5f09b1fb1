// SPDX-License-Identifier: GPL-2.0-or-later
/* Root of a user namespace, told from /proc (userns.h). */
#include "build.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/fileio.h"
#include "sources/userns.h"

/* The kernel allows 340 lines of at most 3 ten-digit numbers. */
#define MAP_MAX_LINES 340
#define MAP_MAX_BYTES (MAP_MAX_LINES * 34)

static int number(const char **p, uint32_t *out)
{
	uint64_t v = 0;
	const char *s = *p;

	while (*s == ' ')
		s++;
	if (*s < '0' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++) {
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > UINT32_MAX)
			return -1;
	}
	*p = s;
	*out = (uint32_t)v;
	return 0;
}

int userns_map_lookup(const char *text, uid_t inside, uid_t *outside)
{
	const char *p = text;
	uint32_t in, out, count;
	bool found = false;
	uid_t at = 0;
	int lines = 0;

	while (*p) {
		if (++lines > MAP_MAX_LINES || number(&p, &in) < 0 ||
		    number(&p, &out) < 0 || number(&p, &count) < 0)
			goto bad;
		while (*p == ' ')
			p++;
		if (*p != '\n' && *p)
			goto bad;
		if (*p)
			p++;
		if (!count || (uint64_t)in + count - 1 > UINT32_MAX ||
		    (uint64_t)out + count - 1 > UINT32_MAX)
			goto bad;
		/* the kernel refuses overlaps; a first match is as good */
		if (!found && (uint64_t)inside >= in &&
		    (uint64_t)inside - in < count) {
			found = true;
			at = (uid_t)(out + ((uint32_t)inside - in));
		}
	}
	if (!found) {
		errno = ENOENT;
		return -1;
	}
	*outside = at;
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

ino_t userns_self(void)
{
	struct stat st;

	return stat("/proc/self/ns/user", &st) < 0 ? 0 : st.st_ino;
}

bool userns_root_of(pid_t pid, ino_t self_ns, uid_t ruid, uid_t euid,
		    uid_t *root_uid)
{
	char path[64], *text;
	struct stat st;
	size_t got;
	uid_t root;
	int fd;
	bool ok;

	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
	if (!self_ns || stat(path, &st) < 0 || st.st_ino == self_ns)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	text = fileio_read(fd, MAP_MAX_BYTES, &got);
	close(fd);
	if (!text)
		return false;
	ok = got < MAP_MAX_BYTES && userns_map_lookup(text, 0, &root) == 0 &&
	     root != 0 && (ruid == root || euid == root);
	free(text);
	if (ok)
		*root_uid = root;
	return ok;
}
