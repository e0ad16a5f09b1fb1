// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One process as /proc shows it (proc.h): its status, its maps (names
 * unescaped, " (deleted)" told apart from a file named so), and the
 * files it maps opened through its own root, never by a name a user
 * can swap.  The scan that walks every process is proc.c.
 */
#include "build.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/fileio.h"
#include "sources/proc.h"

#define DELETED " (deleted)"
#define DELETED_LEN (sizeof(DELETED) - 1)

int proc_read_status(int dirfd, struct proc_info *pi)
{
	char line[256];
	int fd, got = 0;
	FILE *f;

	fd = openat(dirfd, "status", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	f = fdopen(fd, "re");
	if (!f) {
		close(fd);
		return -1;
	}
	/* Name: is the first line and Uid: the ninth: stop at both */
	while (got != 3 && fgets(line, sizeof(line), f)) {
		unsigned long r, e;
		char *p, *q;

		if (!strncmp(line, "Name:\t", 6)) {
			/* comm is escaped by the kernel, at most 64 bytes */
			snprintf(pi->comm, sizeof(pi->comm), "%.*s",
				 (int)strcspn(line + 6, "\n"), line + 6);
			got |= 1;
		} else if (!strncmp(line, "Uid:\t", 5)) {
			/* "Uid:\tREAL\tEFFECTIVE\tSAVED\tFS" */
			p = line + 5;
			r = strtoul(p, &q, 10);
			if (q == p || *q != '\t')
				continue;
			p = q + 1;
			e = strtoul(p, &q, 10);
			if (q == p || (*q != '\t' && *q != '\n') ||
			    r > UINT32_MAX || e > UINT32_MAX)
				continue;
			pi->ruid = (uid_t)r;
			pi->euid = (uid_t)e;
			got |= 2;
		}
	}
	fclose(f);
	if (got != 3) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

/* The kernel writes a newline in a mapped file name as "\012". */
static char *unescape_path(const char *s)
{
	size_t n = strlen(s);
	char *out = malloc(n + 1), *o = out;

	if (!out)
		return NULL;
	while (*s) {
		if (!strncmp(s, "\\012", 4)) {
			*o++ = '\n';
			s += 4;
		} else {
			*o++ = *s++;
		}
	}
	*o = '\0';
	return out;
}

void proc_info_clear(struct proc_info *pi)
{
	size_t i;

	for (i = 0; i < pi->nmaps; i++)
		free(pi->maps[i].path);
	free(pi->maps);
	pi->maps = NULL;
	pi->nmaps = 0;
}

static int has_map(const struct proc_info *pi, dev_t dev, ino_t ino,
		   const char *path)
{
	size_t i;

	for (i = 0; i < pi->nmaps; i++)
		if (pi->maps[i].dev == dev && pi->maps[i].ino == ino &&
		    !strcmp(pi->maps[i].path, path))
			return 1;
	return 0;
}

/*
 * One line of /proc/PID/maps, in one pass:
 * "START-END PERMS OFFSET MAJOR:MINOR INODE   PATH".
 * Returns 0 with the fields, -1 for a line without a file.
 */
static int parse_maps_line(char *line, unsigned long *start,
			   unsigned long *end, int *exec, dev_t *dev,
			   unsigned long long *ino, char **path)
{
	unsigned long maj, min;
	char *p = line, *q;

	*start = strtoul(p, &q, 16);
	if (q == p || *q != '-')
		return -1;
	p = q + 1;
	*end = strtoul(p, &q, 16);
	if (q == p || *q != ' ' || strlen(q + 1) < 5)
		return -1;
	*exec = q[3] == 'x';
	p = strchr(q + 1, ' ');		/* past the permissions */
	if (!p)
		return -1;
	p = strchr(p + 1, ' ');		/* past the offset */
	if (!p)
		return -1;
	maj = strtoul(p + 1, &q, 16);
	if (q == p + 1 || *q != ':')
		return -1;
	p = q + 1;
	min = strtoul(p, &q, 16);
	if (q == p || *q != ' ')
		return -1;
	p = q + 1;
	*ino = strtoull(p, &q, 10);
	if (q == p || (*q != ' ' && *q != '\0'))
		return -1;
	while (*q == ' ')
		q++;
	*dev = makedev(maj, min);
	*path = q;
	return 0;
}

int proc_parse_maps(FILE *f, struct proc_info *pi)
{
	char *line = NULL;
	size_t cap = 0, alloc = 0;
	ssize_t len;
	int r = 0;

	while ((len = getline(&line, &cap, f)) > 0) {
		unsigned long long ino;
		unsigned long start, end;
		char *text, *path;
		int exec;
		dev_t dev;

		if (line[len - 1] == '\n')
			line[len - 1] = '\0';
		if (parse_maps_line(line, &start, &end, &exec, &dev, &ino,
				    &text) < 0)
			continue;
		if (!exec || text[0] != '/' || ino == 0)
			continue;
		path = unescape_path(text);
		if (!path) {
			r = -1;
			break;
		}
		if (has_map(pi, dev, (ino_t)ino, path) ||
		    pi->nmaps >= PROC_MAX_MAPS) {
			free(path);
			continue;
		}
		if (pi->nmaps == alloc) {
			size_t na = alloc ? alloc * 2 : 16;
			struct proc_map *m = realloc(pi->maps, na * sizeof(*m));

			if (!m) {
				free(path);
				r = -1;
				break;
			}
			pi->maps = m;
			alloc = na;
		}
		memset(&pi->maps[pi->nmaps], 0, sizeof(pi->maps[0]));
		pi->maps[pi->nmaps].path = path;
		pi->maps[pi->nmaps].dev = dev;
		pi->maps[pi->nmaps].ino = (ino_t)ino;
		pi->maps[pi->nmaps].start = start;
		pi->maps[pi->nmaps].end = end;
		pi->nmaps++;
	}
	free(line);
	return r;
}

static int ends_deleted(const char *s)
{
	size_t n = strlen(s);

	return n > DELETED_LEN && !strcmp(s + n - DELETED_LEN, DELETED);
}

void proc_resolve_maps(int dirfd, struct proc_info *pi)
{
	char link[64], *buf;
	size_t i;

	buf = malloc(PATH_MAX);
	if (!buf)
		return;
	for (i = 0; i < pi->nmaps; i++) {
		struct proc_map *m = &pi->maps[i];
		struct stat st;
		ssize_t n;
		char *name;

		snprintf(link, sizeof(link), "map_files/%lx-%lx", m->start,
			 m->end);
		n = readlinkat(dirfd, link, buf, PATH_MAX - 1);
		if (n <= 0)
			continue;	/* no capability, or unmapped since */
		buf[n] = '\0';
		/* The kernel adds the suffix to an unlinked file only. */
		if (ends_deleted(buf) && fstatat(dirfd, link, &st, 0) == 0 &&
		    st.st_nlink == 0) {
			buf[n - DELETED_LEN] = '\0';
			m->deleted = true;
		}
		name = strdup(buf);
		if (!name)
			continue;
		free(m->path);
		m->path = name;
		m->resolved = true;
	}
	free(buf);
}

int proc_other_root(pid_t pid, const struct stat *own, struct stat *st)
{
	char path[64];
	int fd;

	/*
	 * A stat through the link first: nearly every process sees
	 * vigild's root, and that needs no fd (one call, not three, on
	 * every new process).
	 */
	snprintf(path, sizeof(path), "/proc/%d/root", (int)pid);
	if (stat(path, st) < 0)
		return -1;
	if (st->st_dev == own->st_dev && st->st_ino == own->st_ino)
		return -1;
	fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	/* the root the fd holds is the one judged (it may have changed) */
	if (fstat(fd, st) < 0 ||
	    (st->st_dev == own->st_dev && st->st_ino == own->st_ino)) {
		close(fd);
		return -1;
	}
	return fd;
}

int proc_open_in_root(int rootfd, const char *path, int flags)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC),
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};

	return (int)syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
}

/* fd (-1: not opened, errno set) read whole, then closed. */
static char *read_closing(int fd, size_t max, size_t *len)
{
	char *text;
	int saved;

	if (fd < 0)
		return NULL;
	text = fileio_read(fd, max, len);
	saved = errno;
	close(fd);
	errno = saved;
	return text;
}

char *proc_read_in_root(int rootfd, const char *path, size_t max,
			size_t *len)
{
	char link[64];
	struct stat st;
	int pfd, fd;

	pfd = proc_open_in_root(rootfd, path, O_PATH);
	if (pfd < 0)
		return NULL;
	if (fstat(pfd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(pfd);
		errno = EINVAL;
		return NULL;
	}
	/* that inode, not whatever the name means by now */
	snprintf(link, sizeof(link), "/proc/self/fd/%d", pfd);
	fd = open(link, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	close(pfd);
	return read_closing(fd, max, len);
}

char *proc_read_file(pid_t pid, const char *what, size_t max, size_t *len)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, what);
	return read_closing(open(path, O_RDONLY | O_CLOEXEC), max, len);
}

int proc_map_open(pid_t pid, const struct proc_map *m, struct stat *st)
{
	char link[80];
	int fd;

	/* Unresolved: map_files was out of reach a moment ago; use the name. */
	if (m->resolved) {
		snprintf(link, sizeof(link), "/proc/%d/map_files/%lx-%lx",
			 (int)pid, m->start, m->end);
		fd = fileio_open_regular(link, st);
		if (fd >= 0 || (errno != EPERM && errno != EACCES))
			return fd;
	}
	/* By name: only if it is still the inode that is mapped. */
	if (m->deleted || (!m->dev && !m->ino)) {
		errno = ESTALE;
		return -1;
	}
	fd = fileio_open_regular(m->path, st);
	if (fd < 0)
		return -1;
	if (st->st_dev != m->dev || st->st_ino != m->ino) {
		close(fd);
		errno = ESTALE;
		return -1;
	}
	return fd;
}
