// SPDX-License-Identifier: GPL-2.0-or-later
/* Which program each pid runs, from exec and fork samples: see progtrack.h. */
#include "build.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "lib/perftp.h"
#include "sources/proc.h"
#include "sources/progtrack.h"

struct progtrack {
	struct prog slots[PROGTRACK_SLOTS];
	progtrack_namer_fn namer;
	void *namer_data;
};

static struct prog *slot(struct progtrack *pt, pid_t pid)
{
	return &pt->slots[(unsigned int)pid % PROGTRACK_SLOTS];
}

static void prog_clear(struct prog *p)
{
	free(p->exe);
	free(p->unnamed);
	free(p->prev_exe);
	memset(p, 0, sizeof(*p));
}

struct progtrack *progtrack_new(progtrack_namer_fn namer, void *data)
{
	struct progtrack *pt = calloc(1, sizeof(struct progtrack));

	if (pt) {
		pt->namer = namer;
		pt->namer_data = data;
	}
	return pt;
}

/* A gone process's program, named now that it is asked for. */
static void name_now(struct progtrack *pt, struct prog *p)
{
	if (!p->unnamed)
		return;
	if (!p->exe && pt->namer)
		p->exe = pt->namer(pt->namer_data, p->cgid, p->unnamed);
	free(p->unnamed);
	p->unnamed = NULL;
}

void progtrack_reset(struct progtrack *pt)
{
	size_t i;

	for (i = 0; i < PROGTRACK_SLOTS; i++)
		prog_clear(&pt->slots[i]);
}

void progtrack_free(struct progtrack *pt)
{
	if (!pt)
		return;
	progtrack_reset(pt);
	free(pt);
}

/*
 * Three calls by name rather than five through an O_PATH fd on
 * /proc/PID (open, close): this runs for every exec on the host.  The
 * pid cannot be taken by another process between them (the pid space
 * would have to wrap within microseconds).
 */
bool procview_read(pid_t pid, struct procview *v)
{
	char path[64], exe[PATH_MAX];
	struct stat st;
	ssize_t n;

	memset(v, 0, sizeof(*v));
	v->uid = (uid_t)-1;
	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	n = readlink(path, exe, sizeof(exe) - 1);
	/*
	 * No program: exited (no /proc/PID, or a zombie's, whose exe
	 * link is gone), or a kernel thread: nothing else is of use.
	 */
	if (n <= 0 || !(v->exe = strndup(exe, (size_t)n))) {
		v->gone = n < 0 && (errno == ENOENT || errno == ESRCH);
		return false;
	}
	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	if (stat(path, &st) == 0)
		v->uid = st.st_uid;
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	if (stat(path, &st) == 0)
		v->netns = (uint64_t)st.st_ino;
	/* taken after the read: an exec up to here may show in it */
	v->at = perftp_now();
	return true;
}

static const char *base(const char *path)
{
	const char *b = strrchr(path, '/');

	return b ? b + 1 : path;
}

/* Is the file fd is open on the file st describes? */
static bool same_file(int fd, const struct stat *st)
{
	struct stat a;

	return fstat(fd, &a) == 0 && a.st_dev == st->st_dev &&
	       a.st_ino == st->st_ino;
}

/*
 * The file filename names in the root rootfd is open on is a script
 * ("#!"): is its interpreter the file exe is?  An interpreter found
 * through env, or that cannot be read: yes.
 */
static bool script_runs(int rootfd, int fd, const struct stat *exe)
{
	char line[256], *p, *end;
	ssize_t n = pread(fd, line, sizeof(line) - 1, 0);
	int ifd;
	bool same;

	if (n < 2 || line[0] != '#' || line[1] != '!')
		return false;	/* not a script: the exec's own file */
	line[n] = '\0';
	for (p = line + 2; *p == ' ' || *p == '\t'; p++)
		;
	end = p + strcspn(p, " \t\n");
	*end = '\0';
	if (*p != '/' || !strcmp(base(p), "env"))
		return true;
	ifd = proc_open_in_root(rootfd, p, O_PATH);
	if (ifd < 0)
		return true;
	same = same_file(ifd, exe);
	close(ifd);
	return same;
}

bool procview_is_exec_of(pid_t pid, const char *filename,
			 const struct procview *v)
{
	struct stat exe, st;
	struct statfs fs;
	char path[64];
	int rootfd, fd, rfd;
	bool same;

	if (!v->exe || !filename[0] || !strcmp(base(v->exe), base(filename)))
		return true;
	/*
	 * Relative to a cwd, or the caller's own file (busybox runs its
	 * applets by /proc/self/exe, runc by /proc/self/exe): cannot be
	 * resolved here, the view stands.
	 */
	if (filename[0] != '/' || !strncmp(filename, "/proc/", 6) ||
	    !strncmp(filename, "/dev/fd/", 8))
		return true;
	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	if (stat(path, &exe) < 0)
		return true;	/* gone: the view stands */
	snprintf(path, sizeof(path), "/proc/%d/root", (int)pid);
	rootfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return true;
	/* the name inside the process's own root, its links followed */
	fd = proc_open_in_root(rootfd, filename, O_PATH);
	if (fd < 0) {
		close(rootfd);
		return true;
	}
	same = same_file(fd, &exe);
	/*
	 * Only a regular file is read, through the descriptor that was
	 * checked: never a device or FIFO a user put at that name since,
	 * nor a file of a user's FUSE mount, whose reads its owner can
	 * hold (this is vigild's loop): there the view stands.
	 */
	if (!same && fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		if (fstatfs(fd, &fs) < 0 || fs.f_type == FUSE_SUPER_MAGIC) {
			same = true;
		} else {
			snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
			rfd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
			same = rfd < 0 || script_runs(rootfd, rfd, &exe);
			if (rfd >= 0)
				close(rfd);
		}
	}
	close(fd);
	close(rootfd);
	return same;
}

void procview_clear(struct procview *v)
{
	free(v->exe);
	memset(v, 0, sizeof(*v));
	v->uid = (uid_t)-1;
}

/* Fill p from a valid view. */
static void from_view(struct prog *p, const struct procview *v)
{
	free(p->exe);
	p->exe = v->exe ? strdup(v->exe) : NULL;
	p->uid = v->uid;
	p->netns = v->netns;
}

bool progtrack_knows(const struct progtrack *pt, pid_t pid)
{
	return pt->slots[(unsigned int)pid % PROGTRACK_SLOTS].pid == pid;
}

/* The kernel names a new program's task after the file's base name. */
static void comm_of(const char *filename, char *comm, size_t len)
{
	snprintf(comm, len, "%.15s", base(filename));
}

void progtrack_exec(struct progtrack *pt, pid_t pid, uint64_t t,
		    const char *filename, const struct procview *v,
		    uint64_t cgid)
{
	struct prog *p = slot(pt, pid);

	if (p->pid == pid && p->exec_ns > t)
		return;	/* a later exec (or fork) of it is known already */
	if (p->pid == pid) {
		name_now(pt, p);	/* the program before this exec */
		free(p->prev_exe);
		p->prev_exe = p->exe;
		p->exe = NULL;
		memcpy(p->prev_comm, p->comm, sizeof(p->comm));
	} else {
		prog_clear(p);
		p->pid = pid;
	}
	p->exec_ns = t;
	p->uid = (uid_t)-1;	/* not known until /proc says */
	p->netns = 0;
	comm_of(filename, p->comm, sizeof(p->comm));
	/*
	 * The view is this exec's program when the pid did not exec again
	 * before it was read; else (or a process already gone) the name
	 * the namer gives in the process's own root, when asked.
	 */
	if (v && v->exe) {
		from_view(p, v);
		return;
	}
	free(p->exe);
	p->exe = NULL;
	/*
	 * /proc/self/exe is the file the pid ran until now (busybox runs
	 * its applets so, runc itself): the program before this exec,
	 * when known.  A short-lived applet is often gone before its
	 * sample is read, and its name would be lost.
	 */
	if (!strcmp(filename, "/proc/self/exe") && p->prev_exe) {
		p->exe = strdup(p->prev_exe);
		return;
	}
	p->unnamed = strdup(filename);
	p->cgid = cgid;
}

const struct prog *progtrack_at(struct progtrack *pt, pid_t pid, uint64_t t,
				const struct procview *v, struct prog *tmp)
{
	struct prog *p = slot(pt, pid);

	if (p->pid == pid) {
		if (p->exec_ns <= t) {
			name_now(pt, p);
			return p;
		}
		/* it connected, then exec'd: the program before */
		memset(tmp, 0, sizeof(*tmp));
		tmp->pid = p->pid;
		tmp->uid = p->uid;
		tmp->netns = p->netns;
		tmp->exe = p->prev_exe;
		memcpy(tmp->comm, p->prev_comm, sizeof(tmp->comm));
		return tmp;
	}
	/* no exec seen: what /proc said, if that still held at t */
	if (!v || !v->exe)
		return NULL;
	prog_clear(p);
	p->pid = pid;
	from_view(p, v);
	return p;
}

void progtrack_fork(struct progtrack *pt, pid_t parent, pid_t child,
		    uint64_t t, const struct procview *parent_v)
{
	struct prog *c = slot(pt, child);
	const struct prog *p;
	struct prog tmp;

	if (child <= 0 || child == parent)
		return;
	if (c->pid == child && c->exec_ns > t)
		return;	/* its exec is known already */
	p = progtrack_at(pt, parent, t, parent_v, &tmp);
	if (c == p)
		return;	/* the parent's own slot: keep the parent */
	prog_clear(c);
	if (!p || !p->exe)
		return;
	c->pid = child;
	c->uid = p->uid;
	c->netns = p->netns;
	c->exec_ns = t;
	memcpy(c->comm, p->comm, sizeof(c->comm));
	c->exe = strdup(p->exe);
}

