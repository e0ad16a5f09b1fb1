// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Accepted findings (findings.h): an acceptance given with vigilctl or a
 * configured exception keeps a finding quiet while in force; when it
 * ends or is taken back, the finding is announced again.
 */
#include "build.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "findings/store.h"
#include "lib/utf8.h"

static const struct acceptance was_quiet;

const struct acceptance *findings_was_quiet(void)
{
	return &was_quiet;
}

const struct acceptance *findings_acceptance_now(const struct findings *fs,
						const struct finding *f,
						int64_t now)
{
	const struct exception *x;
	json_object *attrs;

	if (f->accepted && (!f->accepted->until || now < f->accepted->until))
		return f->accepted;
	/* a cold finding is parsed only when there is something to match */
	if (!fs->exceptions || !fs->exceptions->n)
		return NULL;
	attrs = finding_attrs(f);
	x = exceptions_match(fs->exceptions, f->rule, attrs, now);
	json_object_put(attrs);
	return x ? &x->acc : NULL;
}

/*
 * Work out f's acceptance again.  Becoming quiet is told (when it was
 * told of before and is open); becoming loud while open is told as
 * unaccepted, or as new when nothing was ever told of it.
 */
void findings_update_quiet(struct findings *fs, struct finding *f, int64_t now)
{
	const struct acceptance *a = findings_acceptance_now(fs, f, now);
	bool was = f->quiet != NULL;

	f->quiet = a;
	if (!was && a && f->announced && f->status == FINDING_OPEN)
		findings_tell(fs, f, FEV_ACCEPTED);
	else if (was && !a && f->status == FINDING_OPEN)
		findings_tell(fs, f, f->announced ? FEV_UNACCEPTED : FEV_NEW);
	if (was != (a != NULL))
		findings_changed(fs, f);
}

void findings_set_exceptions(struct findings *fs,
			     const struct exceptions *ex, int64_t now)
{
	size_t i;

	fs->exceptions = ex;
	for (i = 0; i < fs->n; i++)
		findings_update_quiet(fs, fs->all[i], now);
}

static struct finding *find_mut(const struct findings *fs, const char *id)
{
	return (struct finding *)findings_get(fs, id);
}

int findings_accept(struct findings *fs, const char *id, const char *reason,
		    int64_t until, const char *by, int64_t now)
{
	struct finding *f = find_mut(fs, id);
	struct acceptance *a;
	struct sbuf r, b;
	int ret = 0;

	if (!f)
		return -ENOENT;
	if (until && until <= now)
		return -EINVAL;
	a = calloc(1, sizeof(*a));
	sbuf_init(&r);
	sbuf_init(&b);
	utf8_escape(&r, reason, strlen(reason));
	utf8_escape(&b, by, strlen(by));
	if (!a || sbuf_failed(&r) || sbuf_failed(&b) ||
	    !(a->reason = strdup(sbuf_str(&r))) ||
	    !(a->by = strdup(sbuf_str(&b)))) {
		if (a)
			acceptance_free(a);
		free(a);
		ret = -ENOMEM;
		goto out;
	}
	a->until = until;
	a->at = now;
	if (f->accepted) {
		/* the old one may be the one in force: swap, then re-judge */
		if (f->quiet == f->accepted)
			f->quiet = a;
		acceptance_free(f->accepted);
		free(f->accepted);
	}
	f->accepted = a;
	findings_update_quiet(fs, f, now);
	findings_changed(fs, f);
out:
	sbuf_free(&r);
	sbuf_free(&b);
	return ret;
}

int findings_unaccept(struct findings *fs, const char *id, int64_t now)
{
	struct finding *f = find_mut(fs, id);
	bool quiet;

	if (!f)
		return -ENOENT;
	if (!f->accepted)
		return -EALREADY;
	quiet = f->quiet == f->accepted;
	acceptance_free(f->accepted);
	free(f->accepted);
	f->accepted = NULL;
	if (quiet)
		f->quiet = &was_quiet;
	findings_update_quiet(fs, f, now);
	findings_changed(fs, f);
	return 0;
}

int64_t findings_check_acceptance(struct findings *fs, int64_t now)
{
	int64_t next = 0;
	size_t i, j;

	for (i = 0; i < fs->n; i++) {
		struct finding *f = fs->all[i];

		findings_update_quiet(fs, f, now);
		if (f->accepted && f->accepted->until > now &&
		    (!next || f->accepted->until < next))
			next = f->accepted->until;
	}
	for (j = 0; fs->exceptions && j < fs->exceptions->n; j++) {
		int64_t u = fs->exceptions->v[j].acc.until;

		if (u > now && (!next || u < next))
			next = u;
	}
	return next;
}

