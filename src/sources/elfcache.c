// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Verdicts of binaries already judged (elfscan.h, elf_cache_*): by
 * device and inode, checked against size and mtime, kept compact and
 * bounded in count and bytes, so a host's thousand programs are judged
 * once each and a flood of new files cannot grow vigild.
 */
#include "build.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sources/elfscan.h"

/*
 * A cached verdict, compact: the three texts of struct elf_verdict
 * (4.4 KB with their fixed buffers) kept at their length, in one
 * allocation after the entry.
 */
struct cache_entry {
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
	int err;
	int is_elf, is_script;
	enum elf_tri dep, stack_cookies;
	enum elf_pie pie;
	enum elf_relro relro;
	uint16_t interp_len, dep_len, cookie_len;
	char text[];		/* interp, dep_reason, cookie_reason */
};

struct elf_cache {
	struct cache_entry **slots;	/* direct-mapped by inode */
	size_t n;
	size_t bytes, max_bytes;	/* entries' memory, and its bound */
	struct elf_verdict out;		/* what get returns, expanded */
	unsigned long hits, misses, uncached;
};

struct elf_cache *elf_cache_new(size_t max, size_t max_bytes)
{
	struct elf_cache *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->n = max ? max : 1;
	c->max_bytes = max_bytes;
	c->slots = calloc(c->n, sizeof(*c->slots));
	if (!c->slots) {
		free(c);
		return NULL;
	}
	return c;
}

void elf_cache_free(struct elf_cache *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->n; i++)
		free(c->slots[i]);
	free(c->slots);
	free(c);
}

static size_t entry_size(const struct cache_entry *e)
{
	return sizeof(*e) + e->interp_len + e->dep_len + e->cookie_len;
}

static void expand(const struct cache_entry *e, struct elf_verdict *v)
{
	const char *t = e->text;

	memset(v, 0, sizeof(*v));
	v->is_elf = e->is_elf;
	v->is_script = e->is_script;
	v->dep = e->dep;
	v->stack_cookies = e->stack_cookies;
	v->pie = e->pie;
	v->relro = e->relro;
	memcpy(v->interp, t, e->interp_len);
	t += e->interp_len;
	memcpy(v->dep_reason, t, e->dep_len);
	t += e->dep_len;
	memcpy(v->cookie_reason, t, e->cookie_len);
}

/* A compact copy of a verdict (or of an error); NULL on ENOMEM. */
static struct cache_entry *compact(const struct stat *st, int err,
				   const struct elf_verdict *v)
{
	size_t il = err ? 0 : strnlen(v->interp, sizeof(v->interp) - 1);
	size_t dl = err ? 0 : strnlen(v->dep_reason,
				      sizeof(v->dep_reason) - 1);
	size_t cl = err ? 0 : strnlen(v->cookie_reason,
				      sizeof(v->cookie_reason) - 1);
	struct cache_entry *e = malloc(sizeof(*e) + il + dl + cl);

	if (!e)
		return NULL;
	memset(e, 0, sizeof(*e));
	e->dev = st->st_dev;
	e->ino = st->st_ino;
	e->size = st->st_size;
	e->mtime = st->st_mtim;
	e->err = err;
	if (!err) {
		e->is_elf = v->is_elf;
		e->is_script = v->is_script;
		e->dep = v->dep;
		e->stack_cookies = v->stack_cookies;
		e->pie = v->pie;
		e->relro = v->relro;
		memcpy(e->text, v->interp, il);
		memcpy(e->text + il, v->dep_reason, dl);
		memcpy(e->text + il + dl, v->cookie_reason, cl);
	}
	e->interp_len = (uint16_t)il;
	e->dep_len = (uint16_t)dl;
	e->cookie_len = (uint16_t)cl;
	return e;
}

const struct elf_verdict *elf_cache_get_fd(struct elf_cache *c, int fd,
					   elf_judge_fn judge, void *data,
					   int *err)
{
	struct cache_entry *e, **slot;
	struct stat st;

	if (fstat(fd, &st) < 0) {
		*err = errno;
		return NULL;
	}
	slot = &c->slots[(st.st_ino * 31 + st.st_dev) % c->n];
	e = *slot;
	if (e && e->dev == st.st_dev && e->ino == st.st_ino &&
	    e->size == st.st_size && e->mtime.tv_sec == st.st_mtim.tv_sec &&
	    e->mtime.tv_nsec == st.st_mtim.tv_nsec) {
		c->hits++;
		*err = e->err;
		if (e->err)
			return NULL;
		expand(e, &c->out);
		return &c->out;
	}
	c->misses++;
	*err = judge(data, fd, &c->out) < 0 ? errno : 0;
	/* the old one makes way; the new one is kept if it fits */
	if (e) {
		c->bytes -= entry_size(e);
		free(e);
		*slot = NULL;
	}
	e = compact(&st, *err, &c->out);
	if (e && c->bytes + entry_size(e) <= c->max_bytes) {
		c->bytes += entry_size(e);
		*slot = e;
	} else {
		free(e);
		c->uncached++;
	}
	return *err ? NULL : &c->out;
}

size_t elf_cache_bytes(const struct elf_cache *c)
{
	return c->bytes;
}

unsigned long elf_cache_hits(const struct elf_cache *c)
{
	return c->hits;
}

unsigned long elf_cache_misses(const struct elf_cache *c)
{
	return c->misses;
}
