// SPDX-License-Identifier: GPL-2.0-or-later
/* Socket inode -> process, by reading /proc/PID/fd links. */
#include "build.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model/proctable.h"
#include "sources/procfd.h"

/* "socket:[12345]" -> 12345; 0 for anything else. */
static uint32_t socket_ino(const char *link)
{
	unsigned long v;
	char *end;

	if (strncmp(link, "socket:[", 8))
		return 0;
	errno = 0;
	v = strtoul(link + 8, &end, 10);
	if (errno || *end != ']' || v > UINT32_MAX)
		return 0;
	return (uint32_t)v;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Walk the fds of one process; for each socket call back.  Returns 1
 * when the callback said stop, 0 otherwise (a process that vanished is
 * simply nothing).
 */
static int walk_pid(int procfd, pid_t pid,
		    int (*cb)(uint32_t ino, pid_t pid, void *data),
		    void *data)
{
	char path[32], link[64];
	struct dirent *de;
	int dfd, seen = 0, stop = 0;
	DIR *d;

	snprintf(path, sizeof(path), "%d/fd", (int)pid);
	dfd = openat(procfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return 0;
	d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return 0;
	}
	while (!stop && (de = readdir(d)) && seen++ < PROCFD_MAX_FDS) {
		ssize_t n;
		uint32_t ino;

		if (de->d_name[0] == '.')
			continue;
		n = readlinkat(dfd, de->d_name, link, sizeof(link) - 1);
		/*
		 * Refused for one fd, refused for all: the kernel asks
		 * whether vigild may look into the process, not the fd.
		 */
		if (n < 0 && (errno == EACCES || errno == EPERM))
			break;
		if (n <= 0)
			continue;
		link[n] = '\0';
		ino = socket_ino(link);
		if (ino)
			stop = cb(ino, pid, data);
	}
	closedir(d);
	return stop;
}

struct find_ctx {
	uint32_t ino;
	pid_t found;
};

static int find_cb(uint32_t ino, pid_t pid, void *data)
{
	struct find_ctx *fc = data;

	if (ino != fc->ino)
		return 0;
	fc->found = pid;
	return 1;
}

struct resolve_ctx {
	const uint32_t *inos;
	pid_t *pids;
	size_t n, left;
};

static int resolve_cb(uint32_t ino, pid_t pid, void *data)
{
	struct resolve_ctx *rc = data;
	const uint32_t *hit = bsearch(&ino, rc->inos, rc->n, sizeof(ino),
				      cmp_u32);

	if (hit && !rc->pids[hit - rc->inos]) {
		rc->pids[hit - rc->inos] = pid;
		rc->left--;
	}
	return rc->left == 0;
}

static int cmp_pid_desc(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return x > y ? -1 : x < y;
}

/*
 * Every process, newest pid first, until cb stops the walk: the holder
 * of a socket just opened is most likely a process just started, and
 * a short-lived client may be gone if it is looked for last.
 */
static int walk_all(int (*cb)(uint32_t, pid_t, void *), void *data)
{
	pid_t *pids = NULL, *grown;
	size_t n = 0, cap = 0, i;
	struct dirent *de;
	int procfd, r = -1;
	DIR *d;

	procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (procfd < 0)
		return -1;
	d = opendir("/proc");
	if (!d)
		goto out;
	while ((de = readdir(d)) && n < PROCFD_MAX_PIDS) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);

		if (*end || pid <= 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			grown = realloc(pids, cap * sizeof(*pids));
			if (!grown)
				goto out;
			pids = grown;
		}
		pids[n++] = (pid_t)pid;
	}
	qsort(pids, n, sizeof(*pids), cmp_pid_desc);
	for (i = 0; i < n; i++)
		if (walk_pid(procfd, pids[i], cb, data))
			break;
	r = 0;
out:
	if (d)
		closedir(d);
	close(procfd);
	free(pids);
	return r;
}

pid_t procfd_find_socket(uint32_t ino, const pid_t *cand, size_t n)
{
	struct find_ctx fc = { ino, 0 };
	size_t i;
	int procfd;

	if (!cand) {
		if (walk_all(find_cb, &fc) < 0)
			return -1;
		return fc.found;
	}
	procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (procfd < 0)
		return -1;
	for (i = 0; i < n && !fc.found; i++)
		walk_pid(procfd, cand[i], find_cb, &fc);
	close(procfd);
	return fc.found;
}

uint32_t procfd_fd_socket(pid_t pid, int fd)
{
	char path[64], link[64];
	ssize_t n;

	if (fd < 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)pid, fd);
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0)
		return 0;
	link[n] = '\0';
	return socket_ino(link);
}

int procfd_resolve(uint32_t *inos, pid_t *pids, size_t *n)
{
	struct resolve_ctx rc = { inos, pids, 0, 0 };
	size_t i, k;

	if (!*n)
		return 0;
	qsort(inos, *n, sizeof(*inos), cmp_u32);
	for (i = 1, k = 1; i < *n; i++)
		if (inos[i] != inos[k - 1])
			inos[k++] = inos[i];
	*n = k;
	memset(pids, 0, k * sizeof(*pids));
	rc.n = rc.left = k;
	return walk_all(resolve_cb, &rc);
}

pid_t procfd_holder(const uint32_t *inos, const pid_t *pids, size_t n,
		    uint32_t ino)
{
	const uint32_t *hit = bsearch(&ino, inos, n, sizeof(ino), cmp_u32);

	return hit ? pids[hit - inos] : 0;
}

static void read_small(const char *path, char *buf, size_t len)
{
	ssize_t n = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		n = read(fd, buf, len - 1);
		close(fd);
	}
	buf[n > 0 ? n : 0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

bool procfd_names(const struct proc_entry *pe, pid_t pid, char *comm,
		  size_t commsz, char *exe, size_t exesz)
{
	char path[64];
	ssize_t n;

	comm[0] = exe[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	read_small(path, comm, commsz);
	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	n = readlink(path, exe, exesz - 1);
	exe[n > 0 ? n : 0] = '\0';
	if (exe[0])
		return true;
	if (pe && pe->exe && pe->exe[0] && comm[0] &&
	    !strcmp(pe->comm, comm)) {
		snprintf(exe, exesz, "%s", pe->exe);
		return true;
	}
	return false;
}
