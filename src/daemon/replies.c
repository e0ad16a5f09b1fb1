// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The big replies, made piece by piece as the peer reads them (struct
 * control_stream): the findings, and a run's report.  Each piece is a
 * few findings' JSON, about CONTROL_CHUNK bytes, so that a store of
 * ten thousand findings never holds the loop nor its 20 MB of text.
 * Findings are read at the moment each piece is made: one given up
 * meanwhile is left out, one made meanwhile may come at the end.
 */
#include "build.h"

#include <stdlib.h>
#include <string.h>

#include "daemon/replies.h"
#include "lib/jsonutil.h"

#define FLAGS (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

struct findings_reply {
	struct vigil *v;
	struct findings_filter flt;	/* its program: ours */
	uint64_t after;			/* the last finding sent */
	size_t sent;
	bool begun;
};

/* Append o (consumed) as an element of an array begun in out. */
static int add_item(struct sbuf *out, json_object *o, size_t *sent)
{
	if (!o)
		return -1;
	if ((*sent)++)
		sbuf_addc(out, ',');
	json_dump(o, FLAGS, out);
	json_object_put(o);
	return sbuf_failed(out) ? -1 : 0;
}

/* Does f name program (a path, or a base name) as what it is about? */
static bool is_program(json_object *attrs, const char *program)
{
	static const char *const keys[] = { "program", "exe", "path",
					    "module" };
	const char *p, *slash;
	json_object *v;
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (!json_object_object_get_ex(attrs, keys[i], &v) ||
		    !json_object_is_type(v, json_type_string))
			continue;
		p = json_object_get_string(v);
		slash = strrchr(p, '/');
		if (!strcmp(p, program) ||
		    (!strchr(program, '/') && slash &&
		     !strcmp(slash + 1, program)))
			return true;
	}
	return false;
}

/* Did f happen in container c (its name, or its id or a prefix)? */
static bool in_container(json_object *attrs, const char *c)
{
	json_object *v;

	if (json_object_object_get_ex(attrs, "container_name", &v) &&
	    json_object_is_type(v, json_type_string) &&
	    !strcmp(json_object_get_string(v), c))
		return true;
	return json_object_object_get_ex(attrs, "container_id", &v) &&
	       json_object_is_type(v, json_type_string) &&
	       !strncmp(json_object_get_string(v), c, strlen(c));
}

static bool wanted(const struct findings_filter *flt,
		   const struct finding *f)
{
	json_object *attrs;
	bool ok;

	if ((flt->rule && f->rule != flt->rule) ||
	    (flt->by_severity && f->rule->severity != flt->severity) ||
	    (flt->since && f->last_seen < flt->since) ||
	    (flt->until && f->first_seen > flt->until))
		return false;
	if (!flt->program && !flt->container)
		return true;
	/* a cold finding's attributes are parsed only for these */
	attrs = finding_attrs(f);
	ok = (!flt->program || is_program(attrs, flt->program)) &&
	     (!flt->container || in_container(attrs, flt->container));
	json_object_put(attrs);
	return ok;
}

static void findings_done(void *ctx)
{
	struct findings_reply *fr = ctx;

	free((char *)fr->flt.program);
	free((char *)fr->flt.container);
	free(fr);
}

static int findings_next(void *ctx, struct sbuf *out)
{
	struct findings_reply *fr = ctx;
	const struct findings *fs = fr->v->findings;
	const struct finding *f;
	size_t i;

	if (!fr->begun) {
		fr->begun = true;
		sbuf_adds(out, "{\"ok\":true,\"findings\":[");
	}
	for (i = findings_after(fs, fr->after);
	     i < findings_count(fs) && out->len < CONTROL_CHUNK; i++) {
		f = findings_at(fs, i);
		fr->after = f->seq;
		if (!wanted(&fr->flt, f))
			continue;
		if (add_item(out, finding_to_json(f), &fr->sent) < 0)
			return -1;
	}
	if (i < findings_count(fs))
		return 1;
	sbuf_adds(out, "]}\n");
	return sbuf_failed(out) ? -1 : 0;
}

int reply_findings(struct vigil *v, const struct findings_filter *flt,
		   struct control_stream *st)
{
	struct findings_reply *fr = calloc(1, sizeof(*fr));

	if (!fr)
		return -1;
	fr->v = v;
	fr->flt = *flt;
	fr->flt.program = flt->program ? strdup(flt->program) : NULL;
	fr->flt.container = flt->container ? strdup(flt->container) : NULL;
	if ((flt->program && !fr->flt.program) ||
	    (flt->container && !fr->flt.container)) {
		findings_done(fr);
		return -1;
	}
	st->next = findings_next;
	st->done = findings_done;
	st->ctx = fr;
	return 0;
}

struct report_reply {
	struct vigil *v;
	char *head;			/* the document but its findings */
	struct run_finding *seen;
	size_t n, i, sent;
};

static int report_next(void *ctx, struct sbuf *out)
{
	struct report_reply *rr = ctx;

	if (rr->head) {
		/* {"ok":true,"report":{...head..., "findings":[ */
		sbuf_adds(out, "{\"ok\":true,\"report\":");
		sbuf_addn(out, rr->head, strlen(rr->head) - 1);
		sbuf_adds(out, ",\"findings\":[");
		free(rr->head);
		rr->head = NULL;
	}
	for (; rr->i < rr->n && out->len < CONTROL_CHUNK; rr->i++)
		if (add_item(out, vigil_report_finding(rr->v,
						       &rr->seen[rr->i]),
			     &rr->sent) < 0)
			return -1;
	if (rr->i < rr->n)
		return 1;
	sbuf_adds(out, "]}}\n");
	return sbuf_failed(out) ? -1 : 0;
}

static void report_done(void *ctx)
{
	struct report_reply *rr = ctx;

	free(rr->head);
	free(rr->seen);
	free(rr);
}

int reply_report(struct vigil *v, const struct run *r,
		 struct control_stream *st)
{
	struct report_reply *rr = calloc(1, sizeof(*rr));
	json_object *head;
	struct sbuf s;

	if (!rr)
		return -1;
	rr->v = v;
	head = vigil_report_head(v, r, &rr->seen, &rr->n);
	if (!head) {
		free(rr);
		return -1;
	}
	sbuf_init(&s);
	json_dump(head, FLAGS, &s);
	json_object_put(head);
	/* an object with members: it ends in '}' */
	if (sbuf_failed(&s) || s.len < 3 || s.buf[s.len - 1] != '}' ||
	    !(rr->head = strdup(s.buf))) {
		sbuf_free(&s);
		report_done(rr);
		return -1;
	}
	sbuf_free(&s);
	st->next = report_next;
	st->done = report_done;
	st->ctx = rr;
	return 0;
}
