// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Findings in their public JSON form, for the state file and the
 * control socket, and back from a state file (which may have been
 * edited by hand, or written by a newer vigil: what cannot be loaded is
 * kept as it is).
 */
#include "build.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/printbuf.h>

#include "findings/evict.h"
#include "findings/evidence.h"
#include "findings/state.h"
#include "findings/store.h"
#include "lib/jsonutil.h"
#include "lib/utf8.h"

/* "caused_by": {"kind": "user", "uid": 65534}: whose processes. */
static int add_cause(json_object *o, const struct finding_cause *c)
{
	json_object *x = json_object_new_object();

	if (!x || json_add_str(x, "kind", finding_cause_name(c->kind))) {
		json_object_put(x);
		return -1;
	}
	if (c->kind == CAUSE_USER)
		json_object_object_add(x, "uid", json_object_new_int64(c->uid));
	json_object_object_add(o, "caused_by", x);
	return 0;
}

/*
 * As add_cause() wrote it; from a state file of an older vigil, the
 * last sighting's uid in the attributes.
 */
static void load_cause(struct finding *f, json_object *o, json_object *attrs)
{
	const char *kind;
	json_object *x, *v;
	int64_t uid;

	if (!json_object_object_get_ex(o, "caused_by", &x)) {
		f->cause = evict_sighting_cause(f->rule, attrs);
		return;
	}
	kind = json_get_str(x, "kind");
	if (!kind || finding_cause_parse(kind, &f->cause.kind) < 0) {
		f->cause.kind = CAUSE_UNKNOWN;
		return;
	}
	if (f->cause.kind != CAUSE_USER)
		return;
	if (!json_object_object_get_ex(x, "uid", &v) ||
	    !json_object_is_type(v, json_type_int) ||
	    (uid = json_object_get_int64(v)) <= 0 ||
	    uid >= (int64_t)(uid_t)-1) {
		f->cause.kind = CAUSE_UNKNOWN;
		return;
	}
	f->cause.uid = (uid_t)uid;
}

/* What a reader is told of the rule; the state file has its name. */
static int add_rule_text(json_object *o, const struct finding *f)
{
	if (json_add_str(o, "title", f->rule->title) ||
	    json_add_str(o, "severity", severity_name(f->rule->severity)))
		return -1;
	json_object_object_add(o, "numeric_severity",
			       json_object_new_int((int)f->rule->severity));
	if (json_add_str(o, "description", f->rule->description) ||
	    json_add_str(o, "recommendation", f->rule->recommendation))
		return -1;
	return 0;
}

/*
 * stored: the state file's form.  It leaves out what the loader gets
 * again without reading it: the rule's text and fingerprint, from the
 * rule's name; the host, when it is the document's (doc_host).  They
 * made 40% of a full store's file.
 */
static json_object *to_json(const struct finding *f, bool stored,
			    const json_object *doc_host)
{
	json_object *o = json_object_new_object();
	json_object *runs = json_object_new_array(), *attrs;
	char t1[32], t2[32];
	unsigned int i;

	if (!o || !runs)
		goto err;
	format_utc(f->first_seen, t1, sizeof(t1));
	format_utc(f->last_seen, t2, sizeof(t2));
	if (json_add_str(o, "id", f->id) ||
	    (!stored && json_add_str(o, "fingerprint",
				     finding_fingerprint(f).s)) ||
	    json_add_str(o, "rule", f->rule->id) ||
	    (!stored && add_rule_text(o, f)) ||
	    json_add_str(o, "asset_key", f->asset_key))
		goto err;
	attrs = stored ? finding_attrs_stored(f) : finding_attrs(f);
	if (!attrs || json_object_object_add(o, "attributes", attrs)) {
		json_object_put(attrs);
		goto err;
	}
	if (!stored || !f->host || f->host != doc_host)
		json_object_object_add(o, "host", f->host ?
				       json_object_get(f->host) :
				       json_object_new_object());
	if (json_add_str(o, "first_seen", t1) || json_add_str(o, "last_seen", t2))
		goto err;
	json_object_object_add(o, "count",
			       json_object_new_int64((int64_t)f->count));
	if (add_cause(o, &f->cause) < 0)
		goto err;
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
		json_object_array_add(runs,
				      json_object_get(finding_run_json(f, i)));
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
	if (f->quiet && f->quiet != findings_was_quiet()) {
		json_object *a = acceptance_to_json(f->quiet,
			f->quiet == f->accepted ? "vigilctl" : "config");

		if (!a)
			goto err;
		json_object_object_add(o, "acceptance", a);
	}
	if (!f->announced)
		json_object_object_add(o, "announced",
				       json_object_new_boolean(0));
	/* its own; the host's are in "host" */
	if (f->tags)
		json_object_object_add(o, "tags", json_object_get(f->tags));
	return o;
err:
	json_object_put(runs);
	json_object_put(o);
	return NULL;
}

json_object *finding_to_json(const struct finding *f)
{
	return to_json(f, false, NULL);
}

/* A finding of the state file's array, and the document's host. */
struct stored_ref {
	const struct finding *f;
	const json_object *doc_host;
};

/*
 * The finding made into JSON only as the file is written, and freed at
 * once: the tree of a whole store, a few KiB per finding, would be
 * built, paged in and torn down on every write.
 */
static int write_stored(json_object *jso, struct printbuf *pb, int level,
			int flags)
{
	const struct stored_ref *r = json_object_get_userdata(jso);
	json_object *o = to_json(r->f, true, r->doc_host);
	const char *text;
	size_t len = 0;
	int ret = -1;

	(void)level;
	if (!o)
		return -1;
	text = json_object_to_json_string_length(o, flags, &len);
	if (text && len <= INT_MAX &&
	    printbuf_memappend(pb, text, (int)len) >= 0)
		ret = 0;
	json_object_put(o);
	return ret;
}

static void free_refs(json_object *jso, void *userdata)
{
	(void)jso;
	free(userdata);
}

json_object *findings_to_json(const struct findings *fs)
{
	json_object *arr = json_object_new_array_ext((int)fs->n);
	struct stored_ref *refs = calloc(fs->n + 1, sizeof(*refs));
	size_t i;

	if (!arr || !refs) {
		json_object_put(arr);
		free(refs);
		return NULL;
	}
	json_object_set_userdata(arr, refs, free_refs);
	for (i = 0; i < fs->n; i++) {
		json_object *el = json_object_new_int(0);

		refs[i].f = findings_at(fs, i);
		refs[i].doc_host = fs->host;
		if (!el || json_object_array_add(arr, el) < 0) {
			json_object_put(el);
			json_object_put(arr);
			return NULL;
		}
		json_object_set_serializer(el, write_stored, &refs[i], NULL);
	}
	return arr;
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

	f->quiet = findings_was_quiet();
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

static struct finding *finding_from_json(struct findings *fs,
					 json_object *o, json_object *doc_host)
{
	const char *rule = json_get_str(o, "rule"), *key = json_get_str(o, "asset_key");
	const char *t1 = json_get_str(o, "first_seen"), *t2 = json_get_str(o, "last_seen");
	const char *st = json_get_str(o, "status");
	const char *t3 = json_get_str(o, "resolved_at");
	const struct rule_meta *m;
	json_object *v, *runs, *attrs = NULL;
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
	/* cold until it is seen again: its attributes kept as text */
	f = sbuf_failed(&ek) ? NULL :
	    finding_alloc(fs, m, sbuf_str(&ek), true);
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
		/*
		 * The file's own tree, written out as text: no copy.  Its
		 * text as the file has it (jsonstream.h's raw_key) is
		 * that text, unless a string had to be put in form.
		 */
		attrs = v;
		if (json_escape_strings(attrs, false))
			json_object_set_serializer(attrs, NULL, NULL, NULL);
	}
	/*
	 * None: the stored form, the document's.  An empty one is what a
	 * vigild older than that form writes back for a finding it read
	 * without one: the document's too, or it would stay empty.
	 */
	if (!json_object_object_get_ex(o, "host", &v) ||
	    (json_object_is_type(v, json_type_object) &&
	     !json_object_object_length(v) && doc_host))
		v = doc_host;
	if (json_object_is_type(v, json_type_object))
		f->host = json_object_get(v);
	if (json_object_object_get_ex(o, "runs", &runs) &&
	    json_object_is_type(runs, json_type_array)) {
		n = json_object_array_length(runs);
		for (i = 0; i < n; i++) {
			v = json_object_array_get_idx(runs, i);
			if (json_object_is_type(v, json_type_string))
				finding_add_run(f, json_object_get_string(v));
		}
	}
	load_last_run(f, o);
	load_cause(f, o, attrs);
	if (json_object_object_get_ex(o, "tags", &v))
		f->tags = finding_tags_load(v);
	f->announced = true;
	if (json_object_object_get_ex(o, "announced", &v))
		f->announced = json_object_get_boolean(v);
	if (json_object_object_get_ex(o, "acceptance", &v) &&
	    json_object_is_type(v, json_type_object) &&
	    load_acceptance(f, v) < 0)
		goto err;
	if (finding_freeze_from(f, attrs) < 0)
		goto err;
	return f;
err:
	finding_free(f);
	return NULL;
}

/* A loaded finding's host: the same object as an equal one before it. */
static void share_host(struct findings *fs, struct finding *f)
{
	json_object *same = NULL;

	if (!f->host)
		return;
	if (fs->host && json_object_equal(f->host, fs->host))
		same = fs->host;
	else if (fs->loaded_host &&
		 json_object_equal(f->host, fs->loaded_host))
		same = fs->loaded_host;
	if (same) {
		json_object_put(f->host);
		f->host = json_object_get(same);
		return;
	}
	json_object_put(fs->loaded_host);
	fs->loaded_host = json_object_get(f->host);
}

void findings_load_one(struct findings *fs, json_object *o,
		       json_object *doc_host, unsigned int *skipped)
{
	struct finding *f = finding_from_json(fs, o, doc_host);

	if (f && findings_find(fs, f->rule, f->asset_key, f->id)) {
		finding_free(f);	/* a duplicate: nothing lost */
		(*skipped)++;
		return;
	}
	if (f)
		share_host(fs, f);
	if (!f || fs->n >= fs->max) {
		finding_free(f);
		keep(fs, o);
		(*skipped)++;
		return;
	}
	/* findings_insert() frees f when it fails */
	if (findings_insert(fs, f) < 0) {
		keep(fs, o);
		(*skipped)++;
	}
}

void findings_load_done(struct findings *fs)
{
	json_object_put(fs->loaded_host);
	fs->loaded_host = NULL;
	/* the state file's hosts carry the tags of their time */
	findings_sync_host_tags(fs);
}

void findings_forget_all(struct findings *fs)
{
	while (fs->n)
		findings_remove_at(fs, fs->n - 1);
	json_object_put(fs->kept);
	fs->kept = NULL;
	json_object_put(fs->loaded_host);
	fs->loaded_host = NULL;
}

static int reader_finding(void *data, json_object *head, json_object *f,
			  struct sbuf *err)
{
	struct findings_loading *l = data;
	json_object *host;

	if (!json_object_object_get_ex(head, "host", &host) ||
	    !json_object_is_type(host, json_type_object))
		host = NULL;
	findings_load_one(l->fs, f, host, &l->skipped);
	return 0;
}

static void reader_abandon(void *data)
{
	struct findings_loading *l = data;

	findings_forget_all(l->fs);
	l->skipped = 0;
}

const struct state_reader findings_state_reader = {
	.finding = reader_finding,
	.abandon = reader_abandon,
};

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
	for (i = 0; i < n; i++)
		findings_load_one(fs, json_object_array_get_idx(arr, i), NULL,
				  skipped);
	findings_load_done(fs);
	return 0;
}
