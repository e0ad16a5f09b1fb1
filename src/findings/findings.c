// SPDX-License-Identifier: GPL-2.0-or-later
#include "build.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "findings/findings.h"
#include "lib/jsonutil.h"
#include "lib/log.h"
#include "lib/utf8.h"

#define N_BUCKETS 4096

struct findings {
	struct finding **all;		/* first-seen order */
	size_t n, cap, max;
	struct finding *buckets[N_BUCKETS];
	uint64_t dropped;		/* refused: every kept one outranks it */
	uint64_t evicted;		/* old ones made room for a new one */
	json_object *host;
	char machine_id[40];
	json_object *kept;		/* state entries not loaded */
	const struct exceptions *exceptions;
	const struct findings_ops *ops;
	void *data;
};

void format_utc(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) ||
	    !strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, len, "1970-01-01T00:00:00Z");
}

int parse_utc(const char *s, int64_t *t)
{
	struct tm tm;
	const char *end;

	memset(&tm, 0, sizeof(tm));
	end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (!end || *end)
		return -1;
	*t = (int64_t)timegm(&tm);
	return 0;
}

static uint64_t fnv1a(uint64_t h, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static const char *const event_names[] = {
	[FEV_NEW] = "new",
	[FEV_UPDATED] = "updated",
	[FEV_RESOLVED] = "resolved",
	[FEV_REOPENED] = "reopened",
	[FEV_REMIND] = "remind",
	[FEV_ACCEPTED] = "accepted",
	[FEV_UNACCEPTED] = "unaccepted",
};

const char *finding_event_name(enum finding_event ev)
{
	return (unsigned int)ev <= FEV_UNACCEPTED ? event_names[ev] :
	       "unknown";
}

const char *finding_status_name(enum finding_status st)
{
	return st == FINDING_RESOLVED ? "resolved" : "open";
}

static void hash_hex(uint64_t h, char out[FINDING_ID_LEN + 1])
{
	snprintf(out, FINDING_ID_LEN + 1, "%016llx", (unsigned long long)h);
}

void finding_make_fingerprint(const char *rule_id, const char *asset_key,
			      char out[FINDING_ID_LEN + 1])
{
	uint64_t h = 0xcbf29ce484222325ULL;

	h = fnv1a(h, rule_id, strlen(rule_id) + 1);
	h = fnv1a(h, asset_key, strlen(asset_key));
	hash_hex(h, out);
}

void finding_make_id(const char *machine_id, const char *rule_id,
		     const char *asset_key, char out[FINDING_ID_LEN + 1])
{
	uint64_t h = 0xcbf29ce484222325ULL;

	h = fnv1a(h, machine_id, strlen(machine_id) + 1);
	h = fnv1a(h, rule_id, strlen(rule_id) + 1);
	h = fnv1a(h, asset_key, strlen(asset_key));
	hash_hex(h, out);
}

static size_t bucket_of(const char *id)
{
	return strtoull(id + FINDING_ID_LEN - 6, NULL, 16) % N_BUCKETS;
}

struct findings *findings_new(size_t max, const struct findings_ops *ops,
			      void *data)
{
	struct findings *fs = calloc(1, sizeof(*fs));

	if (!fs)
		return NULL;
	fs->max = max;
	fs->ops = ops;
	fs->data = data;
	return fs;
}

static void finding_free(struct finding *f)
{
	if (!f)
		return;
	free(f->asset_key);
	if (f->accepted)
		acceptance_free(f->accepted);
	free(f->accepted);
	json_object_put(f->attrs);
	json_object_put(f->host);
	free(f);
}

void findings_free(struct findings *fs)
{
	size_t i;

	if (!fs)
		return;
	for (i = 0; i < fs->n; i++)
		finding_free(fs->all[i]);
	free(fs->all);
	json_object_put(fs->host);
	json_object_put(fs->kept);
	free(fs);
}

void findings_set_max(struct findings *fs, size_t max)
{
	fs->max = max;
}

void findings_set_host(struct findings *fs, json_object *host)
{
	const char *mid = host ? json_get_str(host, "machine_id") : NULL;

	json_object_put(fs->host);
	fs->host = json_object_get(host);
	snprintf(fs->machine_id, sizeof(fs->machine_id), "%s",
		 mid ? mid : "");
}

const struct finding *findings_get(const struct findings *fs, const char *id)
{
	const struct finding *f;

	if (strlen(id) != FINDING_ID_LEN ||
	    strspn(id, "0123456789abcdef") != FINDING_ID_LEN)
		return NULL;
	for (f = fs->buckets[bucket_of(id)]; f; f = f->hnext)
		if (!strcmp(f->id, id))
			return f;
	return NULL;
}

static struct finding *lookup(const struct findings *fs,
			      const struct rule_meta *rule,
			      const char *asset_key, const char *id)
{
	struct finding *f;

	/* Match on the full key: an id collision never merges findings. */
	for (f = fs->buckets[bucket_of(id)]; f; f = f->hnext)
		if (f->rule == rule && !strcmp(f->asset_key, asset_key))
			return f;
	return NULL;
}

const struct finding *findings_lookup(const struct findings *fs,
				      enum rule_id rule,
				      const char *asset_key)
{
	const struct rule_meta *m = rule_meta(rule);
	char id[FINDING_ID_LEN + 1];
	const struct finding *f = NULL;
	struct sbuf key;

	if (!m || !asset_key)
		return NULL;
	sbuf_init(&key);
	utf8_escape(&key, asset_key, strlen(asset_key));
	if (!sbuf_failed(&key)) {
		finding_make_id(fs->machine_id, m->id, sbuf_str(&key), id);
		f = lookup(fs, m, sbuf_str(&key), id);
	}
	sbuf_free(&key);
	return f;
}

size_t findings_count(const struct findings *fs)
{
	return fs->n;
}

size_t findings_count_quiet(const struct findings *fs)
{
	size_t i, n = 0;

	for (i = 0; i < fs->n; i++)
		n += fs->all[i]->quiet != NULL;
	return n;
}

const struct finding *findings_at(const struct findings *fs, size_t i)
{
	return i < fs->n ? fs->all[i] : NULL;
}

uint64_t findings_evicted(const struct findings *fs)
{
	return fs->evicted;
}

uint64_t findings_dropped(const struct findings *fs)
{
	return fs->dropped;
}

int finding_seen_in(const struct finding *f, const char *run_id)
{
	unsigned int i;

	for (i = 0; i < f->nruns; i++)
		if (!strcmp(f->runs[i], run_id))
			return 1;
	return 0;
}

/* Returns whether run_id was new to f. */
static bool add_run(struct finding *f, const char *run_id)
{
	if (!run_id || !*run_id || strlen(run_id) >= RUN_ID_MAX ||
	    finding_seen_in(f, run_id))
		return false;
	if (f->nruns == FINDING_MAX_RUNS) {
		memmove(f->runs[0], f->runs[1],
			sizeof(f->runs[0]) * (FINDING_MAX_RUNS - 1));
		f->nruns--;
	}
	snprintf(f->runs[f->nruns++], RUN_ID_MAX, "%s", run_id);
	return true;
}

/* One sighting in run_id, counted for that run's record. */
static void count_in_run(struct finding *f, const char *run_id, int64_t now)
{
	if (add_run(f, run_id)) {
		f->run_count = 0;
		f->run_first = now;
	}
	if (!f->nruns || strcmp(f->runs[f->nruns - 1], run_id ? run_id : ""))
		return;
	f->run_count++;
	f->run_last = now;
}

static void merge_attrs(json_object *dst, json_object *src)
{
	json_object_object_foreach(src, key, val)
		json_object_object_add(dst, key, json_object_get(val));
}

static const struct rule_evidence *evidence_of(const struct rule_meta *m,
					       const char *key)
{
	const struct rule_evidence *e;

	for (e = m->evidence; e && e->key; e++)
		if (!strcmp(e->key, key))
			return e;
	return NULL;
}

static bool in_array(json_object *arr, json_object *v)
{
	size_t i, n = json_object_array_length(arr);

	for (i = 0; i < n; i++)
		if (json_object_equal(json_object_array_get_idx(arr, i), v))
			return true;
	return false;
}

/*
 * The newest max distinct values: old ones not repeated in add, then
 * add itself (each at most once).  NULL on ENOMEM.
 */
static json_object *merge_list(json_object *old, json_object *add,
			       size_t max)
{
	json_object *all = json_object_new_array(), *out = NULL;
	size_t i, n, skip;

	if (!all)
		return NULL;
	n = old && json_object_is_type(old, json_type_array) ?
	    json_object_array_length(old) : 0;
	for (i = 0; i < n; i++) {
		json_object *v = json_object_array_get_idx(old, i);

		if (!in_array(add, v) && !in_array(all, v))
			json_object_array_add(all, json_object_get(v));
	}
	for (i = 0; i < json_object_array_length(add); i++) {
		json_object *v = json_object_array_get_idx(add, i);

		if (!in_array(all, v))
			json_object_array_add(all, json_object_get(v));
	}
	n = json_object_array_length(all);
	skip = n > max ? n - max : 0;
	out = json_object_new_array();
	for (i = skip; out && i < n; i++)
		json_object_array_add(out, json_object_get(
				json_object_array_get_idx(all, i)));
	json_object_put(all);
	return out;
}

/*
 * A sighting's attributes into a finding's: the rule's evidence lists
 * and counts accumulate (bounded), everything else is replaced.
 */
/*
 * Returns whether the finding's evidence grew: a list gained a value
 * (pids excepted: a new pid is no news).  Replaced attributes (the last
 * sighting's pid, peer, address) and counts are no news either.
 */
static bool merge_sighting(const struct rule_meta *m, json_object *dst,
			   json_object *src)
{
	bool grew = false;

	json_object_object_foreach(src, key, val) {
		const struct rule_evidence *e = evidence_of(m, key);
		json_object *old = NULL, *nv;

		json_object_object_get_ex(dst, key, &old);
		if (e && e->max && json_object_is_type(val, json_type_array)) {
			nv = merge_list(old, val, e->max);
			if (!nv)
				continue;
			if (strcmp(key, "pids") &&
			    (!old || !json_object_equal(old, nv)))
				grew = true;
			json_object_object_add(dst, key, nv);
		} else if (e && !e->max &&
			   json_object_is_type(val, json_type_int)) {
			int64_t n = json_object_get_int64(val);

			if (old && json_object_is_type(old, json_type_int))
				n += json_object_get_int64(old);
			json_object_object_add(dst, key,
					       json_object_new_int64(n));
		} else {
			json_object_object_add(dst, key, json_object_get(val));
		}
	}
	return grew;
}

/* Takes ownership of f: frees it on failure. */
static int insert(struct findings *fs, struct finding *f)
{
	size_t b;

	if (fs->n == fs->cap) {
		size_t cap = fs->cap ? fs->cap * 2 : 64;
		struct finding **p = realloc(fs->all, cap * sizeof(*p));

		if (!p) {
			finding_free(f);
			return -ENOMEM;
		}
		fs->all = p;
		fs->cap = cap;
	}
	b = bucket_of(f->id);
	f->hnext = fs->buckets[b];
	fs->buckets[b] = f;
	fs->all[fs->n++] = f;
	return 0;
}

/* The one to give up first: lowest severity, then least recently seen. */
static size_t eviction_victim(const struct findings *fs)
{
	size_t i, v = 0;

	for (i = 1; i < fs->n; i++) {
		const struct finding *a = fs->all[i], *b = fs->all[v];

		if (a->rule->severity < b->rule->severity ||
		    (a->rule->severity == b->rule->severity &&
		     a->last_seen < b->last_seen))
			v = i;
	}
	return v;
}

static void remove_at(struct findings *fs, size_t i)
{
	struct finding *f = fs->all[i], **pp;

	for (pp = &fs->buckets[bucket_of(f->id)]; *pp; pp = &(*pp)->hnext) {
		if (*pp == f) {
			*pp = f->hnext;
			break;
		}
	}
	memmove(&fs->all[i], &fs->all[i + 1],
		(fs->n - i - 1) * sizeof(fs->all[0]));
	fs->n--;
	finding_free(f);
}

/*
 * Full: make room for a finding of rule m by giving up the lowest, least
 * recently seen one, unless every finding kept outranks m.  Each is
 * logged once.  Returns 0 with room made, -ENOSPC if m is refused.
 */
static int make_room(struct findings *fs, const struct rule_meta *m)
{
	const struct finding *v;
	char seen[32];
	size_t i;

	if (!fs->n)
		return -ENOSPC;
	i = eviction_victim(fs);
	v = fs->all[i];
	if (v->rule->severity > m->severity) {
		if (!fs->dropped++)
			log_warn("findings: max_findings (%zu) reached and every finding kept is more severe: a new %s finding of %s is not kept (further ones are only counted)",
				 fs->max, severity_name(m->severity), m->id);
		return -ENOSPC;
	}
	format_utc(v->last_seen, seen, sizeof(seen));
	log_notice("findings: max_findings (%zu) reached: %s finding %s of %s (last seen %s) gives way to a new %s finding of %s",
		   fs->max, severity_name(v->rule->severity), v->id,
		   v->rule->id, seen, severity_name(m->severity), m->id);
	fs->evicted++;
	remove_at(fs, i);
	return 0;
}

static struct finding *finding_alloc(const struct findings *fs,
				     const struct rule_meta *m,
				     const char *asset_key)
{
	struct finding *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	f->rule = m;
	f->asset_key = strdup(asset_key);
	f->attrs = json_object_new_object();
	if (!f->asset_key || !f->attrs) {
		finding_free(f);
		return NULL;
	}
	finding_make_id(fs->machine_id, m->id, asset_key, f->id);
	finding_make_fingerprint(m->id, asset_key, f->fingerprint);
	return f;
}

/*
 * Stands in for an acceptance that was in force (taken back, or read
 * from the state file) until the finding is judged again.
 */
static const struct acceptance was_quiet;

static void tell(struct findings *fs, struct finding *f,
		 enum finding_event ev)
{
	if (f->quiet && ev != FEV_ACCEPTED)
		return;
	f->announced = true;
	if (fs->ops && fs->ops->on_event)
		fs->ops->on_event(fs->data, f, ev);
}

static void changed(struct findings *fs, const struct finding *f)
{
	if (fs->ops && fs->ops->on_change)
		fs->ops->on_change(fs->data, f);
}

static const struct acceptance *acceptance_now(const struct findings *fs,
					       const struct finding *f,
					       int64_t now)
{
	const struct exception *x;

	if (f->accepted && (!f->accepted->until || now < f->accepted->until))
		return f->accepted;
	x = exceptions_match(fs->exceptions, f->rule, f->attrs, now);
	return x ? &x->acc : NULL;
}

/*
 * Work out f's acceptance again.  Becoming quiet is told (when it was
 * told of before and is open); becoming loud while open is told as
 * unaccepted, or as new when nothing was ever told of it.
 */
static void update_quiet(struct findings *fs, struct finding *f, int64_t now)
{
	const struct acceptance *a = acceptance_now(fs, f, now);
	bool was = f->quiet != NULL;

	f->quiet = a;
	if (!was && a && f->announced && f->status == FINDING_OPEN)
		tell(fs, f, FEV_ACCEPTED);
	else if (was && !a && f->status == FINDING_OPEN)
		tell(fs, f, f->announced ? FEV_UNACCEPTED : FEV_NEW);
	if (was != (a != NULL))
		changed(fs, f);
}

int findings_report(struct findings *fs, enum rule_id rule,
		    const char *raw_key, json_object *attrs, int64_t now,
		    const char *run_id)
{
	const struct rule_meta *m = rule_meta(rule);
	char id[FINDING_ID_LEN + 1];
	const char *asset_key;
	struct finding *f;
	struct sbuf key;
	int r;

	sbuf_init(&key);
	if (!m || !raw_key ||
	    (attrs && !json_object_is_type(attrs, json_type_object))) {
		r = -EINVAL;
		goto out;
	}
	/* From here on host strings are valid UTF-8, in every output. */
	utf8_escape(&key, raw_key, strlen(raw_key));
	if (attrs)
		json_escape_strings(attrs, true);
	if (sbuf_failed(&key)) {
		r = -ENOMEM;
		goto out;
	}
	asset_key = sbuf_str(&key);
	finding_make_id(fs->machine_id, m->id, asset_key, id);
	f = lookup(fs, m, asset_key, id);
	if (f) {
		f->count++;
		if (now > f->last_seen)
			f->last_seen = now;
		count_in_run(f, run_id, now);
		if (attrs && merge_sighting(m, f->attrs, attrs))
			f->changed = true;
		if (f->status == FINDING_RESOLVED) {
			f->status = FINDING_OPEN;
			f->changed = false;
			f->quiet = acceptance_now(fs, f, now);
			tell(fs, f, f->announced ? FEV_REOPENED : FEV_NEW);
		} else {
			update_quiet(fs, f, now);
		}
		changed(fs, f);
		r = 0;
		goto out;
	}
	while (fs->n >= fs->max) {
		r = make_room(fs, m);
		if (r < 0)
			goto out;
	}
	f = finding_alloc(fs, m, asset_key);
	if (!f) {
		r = -ENOMEM;
		goto out;
	}
	f->host = json_object_get(fs->host);
	f->first_seen = now;
	f->last_seen = now;
	f->count = 1;
	count_in_run(f, run_id, now);
	if (attrs)
		merge_sighting(m, f->attrs, attrs);
	r = insert(fs, f);
	if (r < 0)
		goto out;
	f->quiet = acceptance_now(fs, f, now);
	tell(fs, f, FEV_NEW);
	changed(fs, f);
	r = 1;
out:
	sbuf_free(&key);
	json_object_put(attrs);
	return r;
}

unsigned int findings_end_run(struct findings *fs, const char *run_id,
			      int64_t now)
{
	unsigned int resolved = 0;
	size_t i;

	for (i = 0; i < fs->n; i++) {
		struct finding *f = fs->all[i];

		if (f->status != FINDING_OPEN)
			continue;
		if (finding_seen_in(f, run_id)) {
			if (!f->changed)
				continue;
			f->changed = false;
			tell(fs, f, FEV_UPDATED);
		} else {
			f->status = FINDING_RESOLVED;
			f->resolved_at = now;
			f->changed = false;
			resolved++;
			tell(fs, f, FEV_RESOLVED);
		}
		changed(fs, f);
	}
	return resolved;
}

void findings_set_exceptions(struct findings *fs,
			     const struct exceptions *ex, int64_t now)
{
	size_t i;

	fs->exceptions = ex;
	for (i = 0; i < fs->n; i++)
		update_quiet(fs, fs->all[i], now);
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
	update_quiet(fs, f, now);
	changed(fs, f);
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
	update_quiet(fs, f, now);
	changed(fs, f);
	return 0;
}

int64_t findings_check_acceptance(struct findings *fs, int64_t now)
{
	int64_t next = 0;
	size_t i, j;

	for (i = 0; i < fs->n; i++) {
		struct finding *f = fs->all[i];

		update_quiet(fs, f, now);
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

json_object *finding_to_json(const struct finding *f)
{
	json_object *o = json_object_new_object();
	json_object *runs = json_object_new_array();
	char t1[32], t2[32];
	unsigned int i;

	if (!o || !runs)
		goto err;
	format_utc(f->first_seen, t1, sizeof(t1));
	format_utc(f->last_seen, t2, sizeof(t2));
	if (json_add_str(o, "id", f->id) ||
	    json_add_str(o, "fingerprint", f->fingerprint) ||
	    json_add_str(o, "rule", f->rule->id) ||
	    json_add_str(o, "title", f->rule->title) ||
	    json_add_str(o, "severity", severity_name(f->rule->severity)))
		goto err;
	json_object_object_add(o, "numeric_severity",
			       json_object_new_int((int)f->rule->severity));
	if (json_add_str(o, "description", f->rule->description) ||
	    json_add_str(o, "recommendation", f->rule->recommendation) ||
	    json_add_str(o, "asset_key", f->asset_key))
		goto err;
	json_object_object_add(o, "attributes", json_object_get(f->attrs));
	json_object_object_add(o, "host", f->host ? json_object_get(f->host) :
				json_object_new_object());
	if (json_add_str(o, "first_seen", t1) || json_add_str(o, "last_seen", t2))
		goto err;
	json_object_object_add(o, "count",
			       json_object_new_int64((int64_t)f->count));
	if (json_add_str(o, "status", finding_status_name(f->status)))
		goto err;
	if (f->resolved_at) {
		format_utc(f->resolved_at, t1, sizeof(t1));
		if (json_add_str(o, "resolved_at", t1))
			goto err;
	}
	if (f->changed)
		json_object_object_add(o, "changed",
				       json_object_new_boolean(1));
	for (i = 0; i < f->nruns; i++)
		json_object_array_add(runs, json_object_new_string(f->runs[i]));
	json_object_object_add(o, "runs", runs);
	runs = NULL;
	if (f->nruns && f->run_count) {
		json_object *lr = json_object_new_object();

		json_object_object_add(o, "last_run", lr);
		json_object_object_add(lr, "count",
				json_object_new_int64((int64_t)f->run_count));
		format_utc(f->run_first, t1, sizeof(t1));
		format_utc(f->run_last, t2, sizeof(t2));
		if (json_add_str(lr, "first_seen", t1) ||
		    json_add_str(lr, "last_seen", t2))
			goto err;
	}
	if (f->quiet && f->quiet != &was_quiet) {
		json_object *a = acceptance_to_json(f->quiet,
			f->quiet == f->accepted ? "vigilctl" : "config");

		if (!a)
			goto err;
		json_object_object_add(o, "acceptance", a);
	}
	if (!f->announced)
		json_object_object_add(o, "announced",
				       json_object_new_boolean(0));
	return o;
err:
	json_object_put(runs);
	json_object_put(o);
	return NULL;
}

static json_object *finding_item(const void *ctx, size_t i)
{
	return finding_to_json(findings_at(ctx, i));
}

json_object *findings_to_json(const struct findings *fs)
{
	return json_array_of(fs->n, finding_item, fs);
}

static void keep(struct findings *fs, json_object *entry)
{
	if (!fs->kept)
		fs->kept = json_object_new_array();
	if (fs->kept)
		json_object_array_add(fs->kept, json_object_get(entry));
}

int findings_append_kept(const struct findings *fs, json_object *arr)
{
	size_t i, n = fs->kept ? json_object_array_length(fs->kept) : 0;

	for (i = 0; i < n; i++)
		if (json_object_array_add(arr, json_object_get(
				json_object_array_get_idx(fs->kept, i))) < 0)
			return -1;
	return 0;
}

static void load_last_run(struct finding *f, json_object *o)
{
	const char *t1, *t2;
	json_object *lr, *v;

	if (!f->nruns || !json_object_object_get_ex(o, "last_run", &lr) ||
	    !json_object_object_get_ex(lr, "count", &v) ||
	    !json_object_is_type(v, json_type_int) ||
	    json_object_get_int64(v) < 1)
		return;
	t1 = json_get_str(lr, "first_seen");
	t2 = json_get_str(lr, "last_seen");
	if (!t1 || !t2 || parse_utc(t1, &f->run_first) ||
	    parse_utc(t2, &f->run_last))
		return;
	f->run_count = (uint64_t)json_object_get_int64(v);
}

/*
 * The acceptance that was in force: one given with vigilctl is kept;
 * a configured one is judged again against the configuration.
 */
static int load_acceptance(struct finding *f, json_object *o)
{
	const char *src = json_get_str(o, "source");
	const char *reason = json_get_str(o, "reason");
	const char *by = json_get_str(o, "by");
	const char *until = json_get_str(o, "until");
	const char *at = json_get_str(o, "at");
	struct sbuf r, b;
	struct acceptance *a;
	int ret = -1;

	f->quiet = &was_quiet;
	if (!src || strcmp(src, "vigilctl"))
		return 0;
	if (!reason || !by)
		return -1;
	a = calloc(1, sizeof(*a));
	if (!a)
		return -1;
	sbuf_init(&r);
	sbuf_init(&b);
	utf8_escape_once(&r, reason, strlen(reason));
	utf8_escape_once(&b, by, strlen(by));
	if (sbuf_failed(&r) || sbuf_failed(&b) ||
	    (until && parse_utc(until, &a->until)) ||
	    (at && parse_utc(at, &a->at)) ||
	    !(a->reason = strdup(sbuf_str(&r))) ||
	    !(a->by = strdup(sbuf_str(&b)))) {
		acceptance_free(a);
		free(a);
		goto out;
	}
	f->accepted = a;
	ret = 0;
out:
	sbuf_free(&r);
	sbuf_free(&b);
	return ret;
}

static struct finding *finding_from_json(const struct findings *fs,
					 json_object *o)
{
	const char *rule = json_get_str(o, "rule"), *key = json_get_str(o, "asset_key");
	const char *t1 = json_get_str(o, "first_seen"), *t2 = json_get_str(o, "last_seen");
	const char *st = json_get_str(o, "status");
	const char *t3 = json_get_str(o, "resolved_at");
	const struct rule_meta *m;
	json_object *v, *runs;
	struct finding *f;
	struct sbuf ek;
	size_t i, n;

	if (!json_object_is_type(o, json_type_object) || !rule || !key ||
	    !t1 || !t2)
		return NULL;
	m = rule_meta_by_name(rule);
	if (!m)
		return NULL;
	/* A file edited by hand may hold raw bytes: escape those. */
	sbuf_init(&ek);
	utf8_escape_once(&ek, key, strlen(key));
	f = sbuf_failed(&ek) ? NULL : finding_alloc(fs, m, sbuf_str(&ek));
	sbuf_free(&ek);
	if (!f)
		return NULL;
	if (parse_utc(t1, &f->first_seen) || parse_utc(t2, &f->last_seen))
		goto err;
	if (st && !strcmp(st, "resolved"))
		f->status = FINDING_RESOLVED;
	if (t3 && parse_utc(t3, &f->resolved_at))
		f->resolved_at = 0;
	if (json_object_object_get_ex(o, "changed", &v))
		f->changed = json_object_get_boolean(v);
	if (!json_object_object_get_ex(o, "count", &v) ||
	    !json_object_is_type(v, json_type_int) ||
	    json_object_get_int64(v) < 1)
		goto err;
	f->count = (uint64_t)json_object_get_int64(v);
	if (json_object_object_get_ex(o, "attributes", &v) &&
	    json_object_is_type(v, json_type_object)) {
		merge_attrs(f->attrs, v);
		json_escape_strings(f->attrs, false);
	}
	if (json_object_object_get_ex(o, "host", &v) &&
	    json_object_is_type(v, json_type_object))
		f->host = json_object_get(v);
	if (json_object_object_get_ex(o, "runs", &runs) &&
	    json_object_is_type(runs, json_type_array)) {
		n = json_object_array_length(runs);
		for (i = 0; i < n; i++) {
			v = json_object_array_get_idx(runs, i);
			if (json_object_is_type(v, json_type_string))
				add_run(f, json_object_get_string(v));
		}
	}
	load_last_run(f, o);
	f->announced = true;
	if (json_object_object_get_ex(o, "announced", &v))
		f->announced = json_object_get_boolean(v);
	if (json_object_object_get_ex(o, "acceptance", &v) &&
	    json_object_is_type(v, json_type_object) &&
	    load_acceptance(f, v) < 0)
		goto err;
	return f;
err:
	finding_free(f);
	return NULL;
}

int findings_load_json(struct findings *fs, json_object *arr,
		       unsigned int *skipped, struct sbuf *err)
{
	size_t i, n;

	*skipped = 0;
	if (!json_object_is_type(arr, json_type_array)) {
		sbuf_printf(err, "findings is not an array");
		return -1;
	}
	n = json_object_array_length(arr);
	for (i = 0; i < n; i++) {
		struct finding *f = finding_from_json(fs,
			json_object_array_get_idx(arr, i));

		if (f && lookup(fs, f->rule, f->asset_key, f->id)) {
			finding_free(f);	/* a duplicate: nothing lost */
			(*skipped)++;
			continue;
		}
		if (!f || fs->n >= fs->max || insert(fs, f) < 0) {
			finding_free(f);
			keep(fs, json_object_array_get_idx(arr, i));
			(*skipped)++;
		}
	}
	return 0;
}
