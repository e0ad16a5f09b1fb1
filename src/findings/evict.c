// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Who gives way when the findings store is full (see evict.h): a local
 * user who can make as many findings as it likes (hard links of one
 * binary, run again to stay recent) must not push out what root's
 * processes caused, nor more than its share of what other users did.
 */
#include "build.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "findings/evict.h"
#include "findings/store.h"
#include "lib/log.h"

/* Causes as keys: a uid, or one of these. */
#define KEY_SHARED (-1)
#define KEY_UNKNOWN (-2)
/* pick(): any cause; no bound on severity */
#define KEY_ANY (-3)
#define SEV_ANY (-1)

/* Refusals remembered while the store stays as it is. */
#define REFUSED_MEMO 8

struct cause_stat {
	int64_t key;
	size_t held;		/* findings now: worked out when full */
	uint64_t evicted, refused;
	bool said_evicted, said_refused;
};

struct evict {
	struct lh_table *by_key;	/* key -> struct cause_stat */
	/*
	 * The last refusals: while the store is as it was (same gen), a
	 * new finding of the same cause and severity is refused again
	 * without a walk of every finding (a flood of refused kinds
	 * comes once per event).
	 */
	uint64_t refused_gen;
	size_t nrefused;
	struct {
		int64_t key;
		enum vigil_severity sev;
	} refused[REFUSED_MEMO];
};

static unsigned long key_hash(const void *k)
{
	uint64_t h = (uint64_t)(uintptr_t)k * 0x9e3779b97f4a7c15ULL;

	return (unsigned long)(h ^ h >> 29);
}

static int key_equal(const void *a, const void *b)
{
	return a == b;
}

static void stat_free(struct lh_entry *e)
{
	free(lh_entry_v(e));
}

/* As lh_table keys, which may not be NULL. */
static const void *as_ptr(int64_t key)
{
	return (const void *)(uintptr_t)(key + 4);
}

struct evict *evict_new(void)
{
	struct evict *ev = calloc(1, sizeof(*ev));

	if (!ev)
		return NULL;
	ev->by_key = lh_table_new(16, stat_free, key_hash, key_equal);
	if (!ev->by_key) {
		free(ev);
		return NULL;
	}
	return ev;
}

void evict_free(struct evict *ev)
{
	if (!ev)
		return;
	lh_table_free(ev->by_key);
	free(ev);
}

static const char *const kind_names[] = {
	[CAUSE_UNKNOWN] = "unknown",
	[CAUSE_USER] = "user",
	[CAUSE_USERS] = "users",
	[CAUSE_ROOT] = "root",
};

const char *finding_cause_name(enum finding_cause_kind k)
{
	return (unsigned int)k <= CAUSE_ROOT ? kind_names[k] : "unknown";
}

int finding_cause_parse(const char *s, enum finding_cause_kind *k)
{
	unsigned int i;

	for (i = 0; i <= CAUSE_ROOT; i++) {
		if (!strcmp(s, kind_names[i])) {
			*k = (enum finding_cause_kind)i;
			return 0;
		}
	}
	return -1;
}

struct finding_cause evict_sighting_cause(const struct rule_meta *m,
					  json_object *attrs)
{
	struct finding_cause c = { CAUSE_UNKNOWN, 0 };
	json_object *v;
	int64_t uid;

	if (!m->cause || !attrs ||
	    !json_object_object_get_ex(attrs, m->cause, &v) ||
	    !json_object_is_type(v, json_type_int))
		return c;
	uid = json_object_get_int64(v);
	if (uid < 0 || uid >= (int64_t)(uid_t)-1)
		return c;
	c.kind = uid ? CAUSE_USER : CAUSE_ROOT;
	c.uid = (uid_t)uid;
	return c;
}

bool evict_note(struct finding *f, struct finding_cause c)
{
	struct finding_cause *fc = &f->cause;

	if (c.kind == CAUSE_UNKNOWN || fc->kind == CAUSE_ROOT ||
	    fc->kind == CAUSE_USERS ||
	    (c.kind == CAUSE_USER && fc->kind == CAUSE_USER &&
	     fc->uid == c.uid))
		return false;
	if (c.kind == CAUSE_ROOT || fc->kind == CAUSE_UNKNOWN) {
		*fc = c;
		return true;
	}
	fc->kind = CAUSE_USERS;
	fc->uid = 0;
	return true;
}

static int64_t key_of(struct finding_cause c)
{
	switch (c.kind) {
	case CAUSE_USER:
		return c.uid;
	case CAUSE_UNKNOWN:
		return KEY_UNKNOWN;
	default:
		return KEY_SHARED;
	}
}

/* The stat of key, made when missing; NULL on ENOMEM. */
static struct cause_stat *stat_of(struct evict *ev, int64_t key)
{
	struct lh_entry *e = lh_table_lookup_entry(ev->by_key, as_ptr(key));
	struct cause_stat *s;

	if (e)
		return lh_entry_v(e);
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->key = key;
	if (lh_table_insert(ev->by_key, as_ptr(key), s) < 0) {
		free(s);
		return NULL;
	}
	return s;
}

static void key_name(int64_t key, char *buf, size_t len)
{
	if (key == KEY_SHARED)
		snprintf(buf, len, "root or several users");
	else if (key == KEY_UNKNOWN)
		snprintf(buf, len, "unknown");
	else
		snprintf(buf, len, "%lld", (long long)key);
}

/*
 * The findings each cause holds now, and the fair share of one.
 * Returns the share, or 0 on ENOMEM.
 */
static size_t count_held(struct findings *fs, int64_t new_key)
{
	struct lh_entry *e;
	size_t i, causes = 0;
	struct cause_stat *s;

	lh_foreach(fs->evict->by_key, e)
		((struct cause_stat *)lh_entry_v(e))->held = 0;
	for (i = 0; i < fs->n; i++) {
		s = stat_of(fs->evict, key_of(fs->all[i]->cause));
		if (!s)
			return 0;
		s->held++;
	}
	if (!stat_of(fs->evict, new_key))
		return 0;
	lh_foreach(fs->evict->by_key, e) {
		s = lh_entry_v(e);
		causes += s->held || s->key == new_key;
	}
	return fs->max / causes ? fs->max / causes : 1;
}

/* The cause other than but holding the most past share, or NULL. */
static struct cause_stat *hog(struct findings *fs, int64_t but, size_t share)
{
	struct cause_stat *best = NULL, *s;
	struct lh_entry *e;

	lh_foreach(fs->evict->by_key, e) {
		s = lh_entry_v(e);
		if (s->key != KEY_SHARED && s->key != but && s->held > share &&
		    (!best || s->held > best->held))
			best = s;
	}
	return best;
}

/*
 * The finding to give up among key's (KEY_ANY: all): lowest severity,
 * then least recently seen, no more severe than max_sev (SEV_ANY: no
 * bound).  Returns its index, or -1.
 */
static long pick(const struct findings *fs, int64_t key, int max_sev)
{
	const struct finding *a, *b = NULL;
	long v = -1;
	size_t i;

	for (i = 0; i < fs->n; i++) {
		a = fs->all[i];
		if ((key != KEY_ANY && key_of(a->cause) != key) ||
		    (max_sev != SEV_ANY && (int)a->rule->severity > max_sev))
			continue;
		if (!b || a->rule->severity < b->rule->severity ||
		    (a->rule->severity == b->rule->severity &&
		     a->last_seen < b->last_seen)) {
			b = a;
			v = (long)i;
		}
	}
	return v;
}

static long choose(struct findings *fs, const struct rule_meta *m,
		   int64_t new_key, size_t share)
{
	struct cause_stat *h, *me;
	long i = -1;

	if (new_key == KEY_SHARED) {
		/* whoever floods gives way first */
		h = hog(fs, new_key, share);
		if (h)
			i = pick(fs, h->key, SEV_ANY);
		return i >= 0 ? i : pick(fs, KEY_ANY, (int)m->severity);
	}
	me = stat_of(fs->evict, new_key);
	if (me && me->held < share) {
		h = hog(fs, new_key, share);
		if (h)
			i = pick(fs, h->key, (int)m->severity);
	}
	return i >= 0 ? i : pick(fs, new_key, (int)m->severity);
}

static void refused(struct findings *fs, const struct rule_meta *m,
		    int64_t key)
{
	struct cause_stat *s = stat_of(fs->evict, key);
	char who[32];

	fs->dropped++;
	if (!s)
		return;
	s->refused++;
	if (s->said_refused)
		return;
	s->said_refused = true;
	key_name(key, who, sizeof(who));
	log_warn("findings: max_findings (%zu) reached: a new %s finding of %s caused by %s%s is not kept: nothing it may push out is left (further ones are only counted: vigilctl status)",
		 fs->max, severity_name(m->severity), m->id,
		 key >= 0 ? "uid " : "", who);
}

static void evicted(struct findings *fs, const struct rule_meta *m,
		    size_t i, size_t share)
{
	const struct finding *v = fs->all[i];
	int64_t key = key_of(v->cause);
	struct cause_stat *s = stat_of(fs->evict, key);
	char who[32], seen[32];

	fs->evicted++;
	if (s)
		s->evicted++;
	key_name(key, who, sizeof(who));
	if (key == KEY_SHARED) {
		/* what root took part in: each one is worth a line */
		format_utc(v->last_seen, seen, sizeof(seen));
		log_notice("findings: max_findings (%zu) reached: %s finding %s of %s (last seen %s) gives way to a new %s finding of %s",
			   fs->max, severity_name(v->rule->severity), v->id,
			   v->rule->id, seen, severity_name(m->severity),
			   m->id);
	} else if (s && !s->said_evicted) {
		s->said_evicted = true;
		log_notice("findings: max_findings (%zu) reached: findings caused by %s%s (%zu kept, a fair share is %zu) give way to newer ones (further ones are only counted: vigilctl status)",
			   fs->max, key >= 0 ? "uid " : "", who, s->held,
			   share);
	}
	if (s && s->held)
		s->held--;
}

static bool was_refused(struct evict *ev, uint64_t gen, int64_t key,
			enum vigil_severity sev)
{
	size_t i;

	if (ev->refused_gen != gen)
		ev->nrefused = 0;
	for (i = 0; i < ev->nrefused; i++)
		if (ev->refused[i].key == key && ev->refused[i].sev == sev)
			return true;
	return false;
}

static void remember_refused(struct evict *ev, uint64_t gen, int64_t key,
			     enum vigil_severity sev)
{
	if (ev->refused_gen != gen) {
		ev->refused_gen = gen;
		ev->nrefused = 0;
	}
	if (ev->nrefused == REFUSED_MEMO)
		return;
	ev->refused[ev->nrefused].key = key;
	ev->refused[ev->nrefused].sev = sev;
	ev->nrefused++;
}

int evict_make_room(struct findings *fs, const struct rule_meta *m,
		    struct finding_cause c)
{
	int64_t key = key_of(c);
	size_t share;
	long i;

	if (!fs->n)
		return -ENOSPC;
	if (was_refused(fs->evict, fs->gen, key, m->severity)) {
		refused(fs, m, key);
		return -ENOSPC;
	}
	share = count_held(fs, key);
	if (share)
		i = choose(fs, m, key, share);
	else	/* no memory to weigh shares: only a shared one may push */
		i = key == KEY_SHARED ? pick(fs, KEY_ANY, (int)m->severity) :
		    -1;
	if (i < 0) {
		remember_refused(fs->evict, fs->gen, key, m->severity);
		refused(fs, m, key);
		return -ENOSPC;
	}
	evicted(fs, m, (size_t)i, share);
	findings_remove_at(fs, (size_t)i);
	return 0;
}

json_object *evict_stats_json(const struct findings *fs)
{
	json_object *o = json_object_new_object(), *x;
	const struct cause_stat *s;
	struct lh_entry *e;
	char who[32];

	if (!o)
		return NULL;
	lh_foreach(fs->evict->by_key, e) {
		s = lh_entry_v(e);
		if (!s->evicted && !s->refused)
			continue;
		x = json_object_new_object();
		if (!x) {
			json_object_put(o);
			return NULL;
		}
		json_object_object_add(x, "evicted",
				       json_object_new_int64((int64_t)s->evicted));
		json_object_object_add(x, "refused",
				       json_object_new_int64((int64_t)s->refused));
		key_name(s->key, who, sizeof(who));
		json_object_object_add(o, who, x);
	}
	return o;
}
