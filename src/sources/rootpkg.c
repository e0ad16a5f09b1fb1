// SPDX-License-Identifier: GPL-2.0-or-later
/* The package database of the root a process sees (rootpkg.h). */
#include "build.h"

#include <errno.h>
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
	int dpkg_fd;		/* O_PATH on its var/lib/dpkg; -1: none */
	struct pkgview view;	/* none: that root has no database */
	uint64_t used_ms;
};

struct rootpkg {
	struct pkgview host;
	struct stat own;		/* vigild's root */
	struct root_db slot[ROOTPKG_MAX];
};

const char *pkgview_owner(const struct pkgview *v, const char *path)
{
	if (!v)
		return NULL;
	if (v->dpkg)
		return pkgdb_owner(v->dpkg, path);
	return apkdb_owner(v->apk, path);
}

struct rootpkg *rootpkg_new(struct pkgdb *host)
{
	struct rootpkg *r = calloc(1, sizeof(*r));
	size_t i;

	if (!r)
		return NULL;
	if (stat("/", &r->own) < 0) {
		free(r);
		return NULL;
	}
	r->host.dpkg = host;
	for (i = 0; i < ROOTPKG_MAX; i++)
		r->slot[i].fd = r->slot[i].dpkg_fd = -1;
	return r;
}

static void slot_clear(struct root_db *s)
{
	pkgdb_free(s->view.dpkg);
	apkdb_free(s->view.apk);
	if (s->fd >= 0)
		close(s->fd);
	if (s->dpkg_fd >= 0)
		close(s->dpkg_fd);
	memset(s, 0, sizeof(*s));
	s->fd = -1;
	s->dpkg_fd = -1;
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
	struct stat ist;
	char dir[64];

	s->dev = st->st_dev;
	s->ino = st->st_ino;
	s->fd = fd;
	/*
	 * var/lib/dpkg resolved in that root (its links and ".." never
	 * lead out), then read through the fd: pkgdb opens info with
	 * O_NOFOLLOW and each list relative to it, with O_NOFOLLOW too.
	 */
	s->dpkg_fd = proc_open_in_root(fd, "var/lib/dpkg",
				       O_PATH | O_DIRECTORY);
	if (s->dpkg_fd >= 0 &&
	    fstatat(s->dpkg_fd, "info", &ist, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISDIR(ist.st_mode)) {
		snprintf(dir, sizeof(dir), "/proc/self/fd/%d", s->dpkg_fd);
		s->view.dpkg = pkgdb_new(dir, NULL);
		return;
	}
	/* Alpine's; none (busybox, distroless): nothing packaged */
	s->view.apk = apkdb_load(fd);
	if (!s->view.apk && errno != ENOENT)
		log_warn("rootpkg: %s of a container's root cannot be read (%m): its files count as third-party",
			 APKDB_FILE);
}

const struct pkgview *rootpkg_of(struct rootpkg *r, pid_t pid)
{
	struct root_db *s, *victim = &r->slot[0];
	struct stat st;
	size_t i;
	int fd = pid > 0 ? proc_other_root(pid, &r->own, &st) : -1;

	if (fd < 0)
		return &r->host;
	for (i = 0; i < ROOTPKG_MAX; i++) {
		s = &r->slot[i];
		if (s->ino == st.st_ino && s->dev == st.st_dev) {
			close(fd);
			s->used_ms = loop_now_ms();
			return &s->view;
		}
		if (s->used_ms < victim->used_ms)
			victim = s;
	}
	slot_clear(victim);
	slot_open(victim, fd, &st);
	victim->used_ms = loop_now_ms();
	return &victim->view;
}
