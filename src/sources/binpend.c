// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Sightings of mapped files held while the package index is built
 * (binpend.h).  Which file a sighting means is fixed when it is seen:
 * the descriptor opened then through /proc/PID/map_files, never a name
 * looked up again later, when the process may be gone and the name may
 * lead elsewhere.
 */
#include "build.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/hash.h"
#include "sources/binpend.h"
#include "sources/proc.h"

struct file_key {
	dev_t dev;
	ino_t ino;
};

struct held_file {
	struct file_key key;
	int fd;			/* -1: could not be opened */
	UT_hash_handle hh;
};

struct sighting {
	char *path, *exe, *comm;
	struct held_file *file;
	pid_t pid;
	uid_t uid;
	bool deleted;
};

struct binpend {
	struct sighting *s;
	size_t n, cap;
	struct held_file *files;	/* by key */
	size_t nfiles;
};

struct binpend *binpend_new(void)
{
	return calloc(1, sizeof(struct binpend));
}

static void sighting_free(struct sighting *s)
{
	free(s->path);
	free(s->exe);
	free(s->comm);
}

/* Empties q: every sighting dropped, every file closed. */
static void clear(struct binpend *q)
{
	struct held_file *f, *tmp;
	size_t i;

	for (i = 0; i < q->n; i++)
		sighting_free(&q->s[i]);
	q->n = 0;
	HASH_ITER(hh, q->files, f, tmp) {
		HASH_DEL(q->files, f);
		if (f->fd >= 0)
			close(f->fd);
		free(f);
	}
	q->nfiles = 0;
}

void binpend_free(struct binpend *q)
{
	if (!q)
		return;
	clear(q);
	free(q->s);
	free(q);
}

size_t binpend_count(const struct binpend *q)
{
	return q->n;
}

/* The held file for m, opened now if new.  NULL with errno. */
static struct held_file *file_for(struct binpend *q, pid_t pid,
				  const struct proc_map *m)
{
	struct held_file *f;
	struct file_key key;
	struct stat st;

	memset(&key, 0, sizeof(key));
	key.dev = m->dev;
	key.ino = m->ino;
	HASH_FIND(hh, q->files, &key, sizeof(key), f);
	if (f)
		return f;
	if (q->nfiles >= BINPEND_FILES) {
		errno = ENOSPC;
		return NULL;
	}
	f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->key = key;
	f->fd = proc_map_open(pid, m, &st);
	if (f->fd < 0 && (errno == EMFILE || errno == ENFILE)) {
		int e = errno;

		free(f);
		errno = e;
		return NULL;
	}
	HASH_ADD(hh, q->files, key, sizeof(key), f);
	if (!hash_added(f, hh)) {
		if (f->fd >= 0)
			close(f->fd);
		free(f);
		errno = ENOMEM;
		return NULL;
	}
	q->nfiles++;
	return f;
}

int binpend_hold(struct binpend *q, const struct proc_info *pi,
		 const struct proc_map *m)
{
	struct sighting s = { .pid = pi->pid, .uid = pi->euid,
			      .deleted = m->deleted };

	if (q->n >= BINPEND_MAX) {
		errno = ENOSPC;
		return -1;
	}
	if (q->n == q->cap) {
		size_t ncap = q->cap ? q->cap * 2 : 256;
		struct sighting *p = realloc(q->s, ncap * sizeof(*p));

		if (!p)
			return -1;
		q->s = p;
		q->cap = ncap;
	}
	s.path = strdup(m->path);
	s.exe = strdup(pi->exe);
	s.comm = strdup(pi->comm);
	if (!s.path || !s.exe || !s.comm) {
		sighting_free(&s);
		errno = ENOMEM;
		return -1;
	}
	s.file = file_for(q, pi->pid, m);
	if (!s.file) {
		int e = errno;

		sighting_free(&s);
		errno = e;
		return -1;
	}
	q->s[q->n++] = s;
	return 0;
}

void binpend_drain(struct binpend *q, binpend_fn fn, void *data)
{
	size_t i;

	for (i = 0; i < q->n; i++) {
		struct sighting *s = &q->s[i];
		struct binary_event ev = {
			.path = s->path, .dev = s->file->key.dev,
			.ino = s->file->key.ino, .pid = s->pid, .uid = s->uid,
			.exe = s->exe, .comm = s->comm, .deleted = s->deleted,
		};

		fn(&ev, s->file->fd, data);
	}
	clear(q);
}
