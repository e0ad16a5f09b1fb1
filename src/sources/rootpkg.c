// SPDX-License-Identifier: GPL-2.0-or-later
/* The package database of the root a process sees (rootpkg.h). */
#include "build.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/loop.h"
#include "sources/proc.h"
#include "sources/rootpkg.h"

struct root_db {
	dev_t dev;
	ino_t ino;		/* of the root directory; 0: empty slot */
	int fd;			/* O_PATH on it */
	struct pkgdb *db;	/* NULL: that root has no dpkg database */
	uint64_t used_ms;
};

struct rootpkg {
	struct pkgdb *host;
	struct root_db slot[ROOTPKG_MAX];
};

struct rootpkg *rootpkg_new(struct pkgdb *host)
{
	struct rootpkg *r = calloc(1, sizeof(*r));
	size_t i;

	if (!r)
		return NULL;
	r->host = host;
	for (i = 0; i < ROOTPKG_MAX; i++)
		r->slot[i].fd = -1;
	return r;
}

static void slot_clear(struct root_db *s)
{
	pkgdb_free(s->db);
	if (s->fd >= 0)
		close(s->fd);
	memset(s, 0, sizeof(*s));
	s->fd = -1;
}

void rootpkg_free(struct rootpkg *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < ROOTPKG_MAX; i++)
		slot_clear(&r->slot[i]);
	free(r);
}

/* Open what the root at fd has, into s. */
static void slot_open(struct root_db *s, int fd, const struct stat *st)
{
	char dir[64], info[80];
	struct stat ist;

	s->dev = st->st_dev;
	s->ino = st->st_ino;
	s->fd = fd;
	snprintf(dir, sizeof(dir), "/proc/self/fd/%d/var/lib/dpkg", fd);
	snprintf(info, sizeof(info), "%s/info", dir);
	/* no dpkg there (busybox, Alpine, distroless): nothing packaged */
	if (stat(info, &ist) < 0 || !S_ISDIR(ist.st_mode))
		return;
	s->db = pkgdb_new(dir, NULL);
}

struct pkgdb *rootpkg_of(struct rootpkg *r, pid_t pid)
{
	struct root_db *s, *victim = &r->slot[0];
	struct stat st;
	size_t i;
	int fd = proc_other_root(pid, &st);

	if (fd < 0)
		return r->host;
	for (i = 0; i < ROOTPKG_MAX; i++) {
		s = &r->slot[i];
		if (s->ino == st.st_ino && s->dev == st.st_dev) {
			close(fd);
			s->used_ms = loop_now_ms();
			return s->db;
		}
		if (s->used_ms < victim->used_ms)
			victim = s;
	}
	slot_clear(victim);
	slot_open(victim, fd, &st);
	victim->used_ms = loop_now_ms();
	return victim->db;
}
