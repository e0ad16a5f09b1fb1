// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A gone process's exec name, resolved in its own root through a live
 * member of its cgroup: see execroot.h.  Members are held by pidfd, so
 * a pid reused since is never taken for one.
 */
#include "build.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/cgroupid.h"
#include "lib/loop.h"
#include "sources/execroot.h"
#include "sources/proc.h"

/* kernfs's file handle: the 64-bit cgroup id (include/linux/exportfs.h) */
#define FILEID_KERNFS 0xfe
/* A cgroup without a live member is looked at again after this long. */
#define RETRY_MS 1000
/* cgroup.procs read at most, and members tried */
#define PROCS_MAX 4096
#define TRIES_MAX 16

struct member {
	uint64_t cgid;		/* 0: free */
	pid_t pid;		/* 0: none found */
	int pidfd;		/* -1: none */
	bool container;		/* the cgroup is a container's */
	bool died;		/* the member found last is gone */
	uint64_t looked_ms;	/* when pid was looked for */
};

struct execroot {
	int mntfd;		/* the cgroup v2 mount; -1: none, no handles */
	char mnt[32];		/* its path */
	struct member slots[EXECROOT_SLOTS];
};

struct execroot *execroot_new(void)
{
	struct execroot *x = calloc(1, sizeof(*x));
	const char *mnt = cgroupid_v2_mount();
	size_t i;

	if (!x)
		return NULL;
	x->mntfd = -1;
	for (i = 0; i < EXECROOT_SLOTS; i++)
		x->slots[i].pidfd = -1;
	if (mnt) {
		/* not O_PATH: open_by_handle_at() refuses such a mount fd */
		x->mntfd = open(mnt, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		snprintf(x->mnt, sizeof(x->mnt), "%s", mnt);
	}
	return x;
}

void execroot_free(struct execroot *x)
{
	size_t i;

	if (!x)
		return;
	for (i = 0; i < EXECROOT_SLOTS; i++)
		if (x->slots[i].pidfd >= 0)
			close(x->slots[i].pidfd);
	if (x->mntfd >= 0)
		close(x->mntfd);
	free(x);
}

static bool alive(int pidfd)
{
	return syscall(SYS_pidfd_send_signal, pidfd, 0, NULL, 0) == 0;
}

/* The file name names, from the root rootfd is open on (-1: vigild's). */
static char *resolve(int rootfd, const char *name)
{
	char link[64], path[PATH_MAX];
	ssize_t n;
	int fd;

	if (rootfd < 0)
		return realpath(name, NULL);
	fd = proc_open_in_root(rootfd, name, O_PATH);
	if (fd < 0)
		return NULL;
	/* as /proc/PID/exe shows a file of another mount namespace */
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof(path) - 1);
	close(fd);
	if (n <= 0)
		return NULL;
	path[n] = '\0';
	return strdup(path);
}

/* Is the cgroup cgfd is open on a container's (by its path)? */
static bool is_container(const struct execroot *x, int cgfd)
{
	char link[64], path[PATH_MAX], line[PATH_MAX + 8];
	struct cgroup_ctr c;
	size_t len = strlen(x->mnt);
	ssize_t n;
	int k;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", cgfd);
	n = readlink(link, path, sizeof(path) - 1);
	if (n <= 0)
		return true;	/* cannot tell: not vigild's root */
	path[n] = '\0';
	if (strncmp(path, x->mnt, len) || (path[len] && path[len] != '/'))
		return true;
	k = snprintf(line, sizeof(line), "0::%s\n",
		     path[len] ? path + len : "/");
	if (k < 0 || (size_t)k >= sizeof(line))
		return true;
	return cgroupid_parse(line, (size_t)k, &c) == 1;
}

/* Of the pids in text (cgroup.procs), the first live one with a root. */
static void take_member(struct member *m, char *text)
{
	char *p = text, *end, root[64];
	int tries = 0, pidfd, rfd;
	long pid;

	while (*p && tries++ < TRIES_MAX) {
		pid = strtol(p, &end, 10);
		if (end == p || pid <= 0 || pid > INT_MAX)
			return;
		p = *end ? end + 1 : end;
		pidfd = (int)syscall(SYS_pidfd_open, (pid_t)pid, 0);
		if (pidfd < 0)
			continue;
		snprintf(root, sizeof(root), "/proc/%ld/root", pid);
		rfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (rfd >= 0)
			close(rfd);
		if (rfd >= 0 && alive(pidfd)) {
			m->pid = (pid_t)pid;
			m->pidfd = pidfd;
			return;
		}
		close(pidfd);
	}
}

/*
 * Look for a live member of cgroup cgid.  Returns 0, or -1 when cgroup
 * ids cannot be opened here at all (no privilege, no support).
 */
static int find_member(struct execroot *x, struct member *m, uint64_t cgid)
{
	struct {
		struct file_handle fh;
		uint64_t id;
	} h;
	char text[PROCS_MAX + 1];
	ssize_t n;
	int cgfd, fd;

	if (m->pidfd >= 0)
		close(m->pidfd);
	m->cgid = cgid;
	m->pid = 0;
	m->pidfd = -1;
	m->container = true;	/* until its path says otherwise */
	m->looked_ms = loop_now_ms();
	memset(&h, 0, sizeof(h));
	h.fh.handle_bytes = sizeof(h.id);
	h.fh.handle_type = FILEID_KERNFS;
	h.id = cgid;
	cgfd = open_by_handle_at(x->mntfd, &h.fh,
				 O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cgfd < 0)	/* ESTALE: the cgroup is gone, and what it was */
		return errno == ESTALE || errno == ENOENT ? 0 : -1;
	m->container = is_container(x, cgfd);
	fd = openat(cgfd, "cgroup.procs", O_RDONLY | O_CLOEXEC);
	close(cgfd);
	if (fd < 0)
		return 0;
	n = read(fd, text, PROCS_MAX);
	close(fd);
	if (n <= 0)
		return 0;
	text[n] = '\0';
	take_member(m, text);
	return 0;
}

/* filename in m's member's root; NULL with errno ESRCH: no member. */
static char *in_member(struct member *m, const char *filename)
{
	char root[64], *name;
	int rfd;

	m->died = false;
	if (!m->pid) {
		errno = ESRCH;
		return NULL;
	}
	snprintf(root, sizeof(root), "/proc/%d/root", (int)m->pid);
	rfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	/* still the member the pidfd holds: the pid was not reused */
	if (rfd < 0 || !alive(m->pidfd)) {
		if (rfd >= 0)
			close(rfd);
		close(m->pidfd);
		m->pidfd = -1;
		m->pid = 0;
		m->died = true;
		errno = ESRCH;
		return NULL;
	}
	name = resolve(rfd, filename);
	close(rfd);
	if (!name && errno == ESRCH)
		errno = ENOENT;
	return name;
}

char *execroot_name(struct execroot *x, uint64_t cgid, const char *filename,
		    enum execroot_how *how)
{
	struct member *m;
	char *name;
	int tries;

	*how = EXECROOT_NONE;
	/* a cwd's, or the caller's own file (runc's /proc/self/exe) */
	if (filename[0] != '/' || !strncmp(filename, "/proc/", 6) ||
	    !strncmp(filename, "/dev/fd/", 8)) {
		errno = EINVAL;
		return NULL;
	}
	if (!cgid || x->mntfd < 0)
		goto own;
	m = &x->slots[cgid % EXECROOT_SLOTS];
	/* twice: a member that died since is replaced at once */
	for (tries = 0; tries < 2; tries++) {
		if (m->cgid == cgid && (m->pid ||
		    loop_now_ms() - m->looked_ms < RETRY_MS)) {
			name = in_member(m, filename);
			if (name || errno != ESRCH) {
				if (name)
					*how = EXECROOT_MEMBER;
				return name;
			}
			if (!m->died)
				break;
		}
		if (find_member(x, m, cgid) < 0) {
			/* no handles here (no privilege): as before */
			close(x->mntfd);
			x->mntfd = -1;
			m->cgid = 0;
			goto own;
		}
	}
	if (!m->container)
		goto own;
	*how = EXECROOT_REFUSED;
	errno = ESRCH;
	return NULL;
own:
	name = realpath(filename, NULL);
	if (name)
		*how = EXECROOT_OWN;
	return name;
}
