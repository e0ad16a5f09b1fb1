// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The state file on disk: read back at start (one that cannot be used
 * is moved aside, never overwritten), and written whole, atomically and
 * durably.  When it is written: statesave.c.
 */
#include "build.h"

#include <dirent.h>
#include <stdbool.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/fileio.h"
#include "lib/jsonstream.h"
#include "lib/jsonutil.h"
#include "lib/log.h"
#include "findings/state.h"

static int split_path(const char *path, char **dir, char **base)
{
	char *a = strdup(path), *b = strdup(path);

	if (!a || !b) {
		free(a);
		free(b);
		errno = ENOMEM;
		return -1;
	}
	*dir = strdup(dirname(a));
	*base = strdup(basename(b));
	free(a);
	free(b);
	if (!*dir || !*base) {
		free(*dir);
		free(*base);
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int state_write_atomic(const char *path, const char *data, size_t len,
		       mode_t mode, struct sbuf *err)
{
	char *dir = NULL, *base = NULL, *tmp = NULL;
	int fd = -1, dfd = -1, r = -1, e;

	if (split_path(path, &dir, &base) < 0) {
		sbuf_printf(err, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (asprintf(&tmp, "%s/.%s.tmp.XXXXXX", dir, base) < 0) {
		tmp = NULL;
		errno = ENOMEM;
		sbuf_printf(err, "%s: %s", path, strerror(errno));
		goto out;
	}
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		sbuf_printf(err, "%s: cannot create a temporary file: %s",
			    dir, strerror(errno));
		goto out;
	}
	if (fchmod(fd, mode) < 0 || write_all(fd, data, len) < 0 ||
	    fsync(fd) < 0) {
		sbuf_printf(err, "%s: %s", tmp, strerror(errno));
		goto out_unlink;
	}
	if (close(fd) < 0) {
		fd = -1;
		sbuf_printf(err, "%s: %s", tmp, strerror(errno));
		goto out_unlink;
	}
	fd = -1;
	if (rename(tmp, path) < 0) {
		sbuf_printf(err, "rename %s to %s: %s", tmp, path,
			    strerror(errno));
		goto out_unlink;
	}
	/* Make the rename itself durable. */
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || fsync(dfd) < 0) {
		sbuf_printf(err, "%s: fsync: %s", dir, strerror(errno));
		goto out;
	}
	r = 0;
	goto out;

out_unlink:
	e = errno;
	unlink(tmp);
	errno = e;
out:
	e = errno;
	if (fd >= 0)
		close(fd);
	if (dfd >= 0)
		close(dfd);
	free(tmp);
	free(dir);
	free(base);
	errno = e;
	return r;
}

/* Remove ".<base>.tmp.XXXXXX" files that a killed writer left behind. */
static void remove_stale_temps(const char *dir, const char *base)
{
	char prefix[300];
	struct dirent *de;
	DIR *d;
	int dfd;

	snprintf(prefix, sizeof(prefix), ".%s.tmp.", base);
	d = opendir(dir);
	if (!d)
		return;
	dfd = dirfd(d);
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, prefix, strlen(prefix)) ||
		    strlen(de->d_name) != strlen(prefix) + 6)
			continue;
		if (unlinkat(dfd, de->d_name, 0) == 0)
			log_info("removed %s/%s left by an interrupted write",
				 dir, de->d_name);
	}
	closedir(d);
}

static enum state_load_result move_aside(const char *path, const char *why,
					 struct sbuf *err)
{
	char stamp[32], *aside = NULL;
	time_t now = time(NULL);
	struct tm tm;
	int i, r = -1;

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	/* Never replace an earlier corrupt copy: it is evidence too. */
	for (i = 0; i < 100 && r < 0; i++) {
		free(aside);
		if ((i ? asprintf(&aside, "%s.corrupt-%s.%d", path, stamp, i) :
			 asprintf(&aside, "%s.corrupt-%s", path, stamp)) < 0) {
			sbuf_printf(err, "%s: %s; cannot move it aside: %s",
				    path, why, strerror(ENOMEM));
			return STATE_FAILED;
		}
		r = renameat2(AT_FDCWD, path, AT_FDCWD, aside,
			      RENAME_NOREPLACE);
		if (r < 0 && errno != EEXIST)
			break;
	}
	if (r < 0) {
		sbuf_printf(err, "%s: %s; cannot move it aside: %s", path, why,
			    strerror(errno));
		free(aside);
		return STATE_FAILED;
	}
	sbuf_printf(err, "%s: %s; moved it to %s and starting empty", path,
		    why, aside);
	free(aside);
	return STATE_MOVED_ASIDE;
}

struct loading {
	const struct state_reader *rd;
	void *data;
	json_object *pending;	/* findings read before "version" */
	bool handed;		/* some went to rd->finding */
	bool bad_version;
};

static bool version_ok(json_object *head)
{
	json_object *v;

	return json_object_object_get_ex(head, "version", &v) &&
	       json_object_is_type(v, json_type_int) &&
	       json_object_get_int(v) == STATE_VERSION;
}

static int hand_over(struct loading *l, json_object *head, json_object *f,
		     struct sbuf *err)
{
	l->handed = true;
	return l->rd->finding(l->data, head, f, err);
}

static int hand_pending(struct loading *l, json_object *head,
			struct sbuf *err)
{
	size_t i, n = l->pending ? json_object_array_length(l->pending) : 0;

	for (i = 0; i < n; i++)
		if (hand_over(l, head,
			      json_object_array_get_idx(l->pending, i),
			      err) < 0)
			return -1;
	json_object_put(l->pending);
	l->pending = NULL;
	return 0;
}

/*
 * vigild writes "version" first; a file edited by hand may not, and its
 * findings wait until the version is known.
 */
static int each_finding(void *data, json_object *head, json_object *f,
			struct sbuf *err)
{
	struct loading *l = data;

	if (!json_object_object_get_ex(head, "version", NULL)) {
		if (!l->pending)
			l->pending = json_object_new_array();
		if (!l->pending ||
		    json_object_array_add(l->pending, json_object_get(f))) {
			json_object_put(f);
			sbuf_printf(err, "out of memory");
			return -1;
		}
		return 0;
	}
	if (!version_ok(head)) {
		l->bad_version = true;
		return -1;
	}
	if (hand_pending(l, head, err) < 0)
		return -1;
	return hand_over(l, head, f, err);
}

static int each_run(void *data, json_object *head, json_object *run,
		    struct sbuf *err)
{
	struct loading *l = data;

	l->handed = true;
	return l->rd->run(l->data, head, run, err);
}

static int each_run_seen(void *data, json_object *run, json_object *entry,
			 struct sbuf *err)
{
	struct loading *l = data;

	l->handed = true;
	return l->rd->run_seen(l->data, run, entry, err);
}

/* What a usable document must hold besides its findings. */
static const char *head_problem(json_object *head)
{
	json_object *v;

	if (!version_ok(head))
		return "not a vigil state file of version 1";
	/* Loading it anyway would overwrite what it holds at the next save. */
	if (json_object_object_get_ex(head, "runs", &v) &&
	    !json_object_is_type(v, json_type_array))
		return "\"runs\" is not an array";
	return NULL;
}

enum state_load_result state_load(const char *path,
				  const struct state_reader *rd, void *data,
				  json_object **head, struct sbuf *err)
{
	const struct jsonstream_array arrays[] = {
		{
			.key = "findings",
			/* a frozen finding's text, taken as the file has it */
			.raw_key = "attributes",
			.each = each_finding,
		},
		{
			.key = "runs",
			.each = each_run,
			/* a run's record: thousands of findings, named */
			.inner_key = rd->run_seen ? "findings" : NULL,
			.inner = each_run_seen,
		},
	};
	const struct jsonstream_ops ops = { arrays, rd->run ? 2 : 1 };
	struct loading l = { .rd = rd, .data = data };
	enum state_load_result r = STATE_FAILED;
	enum jsonstream_error jerr;
	char *dir = NULL, *base = NULL, why[160];
	json_object *h = NULL;
	const char *problem;
	struct sbuf jwhy;
	struct stat st;
	int fd;

	*head = NULL;
	sbuf_init(&jwhy);
	if (split_path(path, &dir, &base) < 0) {
		sbuf_printf(err, "%s: %s", path, strerror(errno));
		return STATE_FAILED;
	}
	remove_stale_temps(dir, base);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0 && errno == ENOENT) {
		r = STATE_ABSENT;
		goto out;
	}
	if (fd < 0) {
		snprintf(why, sizeof(why), "cannot open: %s", strerror(errno));
		r = errno == ELOOP ? move_aside(path, why, err) : STATE_FAILED;
		if (r == STATE_FAILED && !err->len)
			sbuf_printf(err, "%s: %s", path, why);
		goto out;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		r = move_aside(path, "not a regular file", err);
		goto out;
	}
	if (st.st_size > STATE_MAX_SIZE) {
		close(fd);
		r = move_aside(path, "larger than the 256 MiB limit", err);
		goto out;
	}
	if (jsonstream_read(fd, &ops, &l, 64, &h, &jerr, &jwhy) < 0) {
		close(fd);
		if (l.handed)
			rd->abandon(data);
		if (jerr == JSONSTREAM_INVALID || l.bad_version)
			r = move_aside(path, l.bad_version ?
				       "not a vigil state file of version 1" :
				       sbuf_str(&jwhy), err);
		else
			sbuf_printf(err, "%s: %s", path, sbuf_str(&jwhy));
		goto out;
	}
	close(fd);
	problem = head_problem(h);
	if (problem) {
		if (l.handed)
			rd->abandon(data);
		r = move_aside(path, problem, err);
		goto out;
	}
	if (hand_pending(&l, h, &jwhy) < 0) {
		rd->abandon(data);
		sbuf_printf(err, "%s: %s", path, sbuf_str(&jwhy));
		goto out;
	}
	*head = h;
	h = NULL;
	r = STATE_LOADED;
out:
	json_object_put(h);
	json_object_put(l.pending);
	sbuf_free(&jwhy);
	free(dir);
	free(base);
	return r;
}
