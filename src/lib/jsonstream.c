// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A large JSON document read a piece at a time (jsonstream.h).  json-c
 * parses every value; this file only steps over the punctuation of the
 * top-level object, of the arrays streamed and of an element whose
 * inner array is streamed, which json-c's tokener, made to parse whole
 * values, cannot hand out one by one.
 * Where one member's text lies in an element (raw_key) is jsonraw.c's.
 */
#include "build.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/jsonraw.h"
#include "lib/jsonstream.h"

#define JSONSTREAM_CHUNK (64 * 1024)

struct reader {
	int fd;
	struct json_tokener *tok;
	size_t pos, len;
	bool eof;
	enum jsonstream_error why;
	struct sbuf *err;
	/* the text of the value being read, while capturing (raw_key) */
	struct sbuf cap;
	bool capturing;
	char buf[JSONSTREAM_CHUNK];
};

static int fail(struct reader *r, enum jsonstream_error why,
		const char *what)
{
	if (!r->why) {
		r->why = why;
		if (what)
			sbuf_printf(r->err, "%s", what);
		else if (why == JSONSTREAM_IO)
			sbuf_printf(r->err, "read: %s", strerror(errno));
	}
	return -1;
}

/* More input once the buffer is used up.  0, or -1 on a read error. */
static int fill(struct reader *r)
{
	ssize_t n;

	if (r->pos < r->len || r->eof)
		return 0;
	do
		n = read(r->fd, r->buf, sizeof(r->buf));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return fail(r, JSONSTREAM_IO, NULL);
	r->pos = 0;
	r->len = (size_t)n;
	r->eof = n == 0;
	return 0;
}

/* The next character that is not white space, left unread; -1 at EOF. */
static int peek(struct reader *r)
{
	for (;;) {
		char c;

		if (fill(r) < 0)
			return -2;
		if (r->pos == r->len)
			return -1;
		c = r->buf[r->pos];
		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			return (unsigned char)c;
		r->pos++;
	}
}

/* Step over the character c.  0, or -1 when another comes. */
static int expect(struct reader *r, int c, const char *what)
{
	int got = peek(r);

	if (got == -2)
		return -1;
	if (got != c)
		return fail(r, JSONSTREAM_INVALID, what);
	r->pos++;
	return 0;
}

static int out_of_memory(struct reader *r)
{
	errno = ENOMEM;
	return fail(r, JSONSTREAM_IO, "out of memory");
}

/* The next n bytes, about to be stepped over, kept while capturing. */
static void capture(struct reader *r, size_t n)
{
	if (r->capturing)
		sbuf_addn(&r->cap, r->buf + r->pos, n);
}

/* One value, parsed by json-c across chunks.  0 (*out NULL: null), -1. */
static int value(struct reader *r, json_object **out)
{
	enum json_tokener_error e;
	json_object *o;
	char what[96];
	size_t n;

	*out = NULL;
	json_tokener_reset(r->tok);
	if (peek(r) < -1)
		return -1;
	for (;;) {
		if (fill(r) < 0)
			return -1;
		if (r->pos == r->len)
			return fail(r, JSONSTREAM_INVALID,
				    "not valid JSON (unexpected end of file)");
		o = json_tokener_parse_ex(r->tok, r->buf + r->pos,
					  (int)(r->len - r->pos));
		e = json_tokener_get_error(r->tok);
		if (e == json_tokener_continue) {
			capture(r, r->len - r->pos);
			r->pos = r->len;
			continue;
		}
		if (e != json_tokener_success) {
			json_object_put(o);
			snprintf(what, sizeof(what), "not valid JSON (%s)",
				 json_tokener_error_desc(e));
			return fail(r, JSONSTREAM_INVALID, what);
		}
		n = json_tokener_get_parse_end(r->tok);
		capture(r, n);
		r->pos += n;
		*out = o;
		return 0;
	}
}

/*
 * After an element of an array or a member of an object: 1 when ','
 * (another follows), 0 when close (the end), -1 otherwise.
 */
static int next_or_end(struct reader *r, int close, const char *what)
{
	int c = peek(r);

	if (c == ',' || c == close) {
		r->pos++;
		return c == ',';
	}
	return c == -2 ? -1 : fail(r, JSONSTREAM_INVALID, what);
}

/*
 * The text of o's member key, read whole in cap, kept as that value's
 * serializer when it is compact.  0, or -1 (ENOMEM).
 */
static int keep_text(struct reader *r, json_object *o, const char *key)
{
	if (sbuf_failed(&r->cap) ||
	    jsonraw_keep(o, key, r->cap.buf, r->cap.len) < 0)
		return out_of_memory(r);
	return 0;
}

/*
 * The members of an object, after its '{' and up to its '}'.  Each
 * key goes to fn first: 1, it read the value itself; 0, the value is
 * gathered into obj; -1, an error.
 */
typedef int (*member_fn)(struct reader *r, const char *key,
			 json_object *obj, void *ctx);

static int member(struct reader *r, json_object *obj, member_fn fn,
		  void *ctx)
{
	json_object *key = NULL, *v = NULL;
	int ret = -1, took;

	if (value(r, &key) < 0)
		goto out;
	if (!json_object_is_type(key, json_type_string)) {
		fail(r, JSONSTREAM_INVALID, "not valid JSON (expected a key)");
		goto out;
	}
	if (expect(r, ':', "not valid JSON (expected ':')") < 0)
		goto out;
	took = fn(r, json_object_get_string(key), obj, ctx);
	if (took) {
		ret = took > 0 ? 0 : -1;
		goto out;
	}
	if (value(r, &v) < 0)
		goto out;
	if (json_object_object_add(obj, json_object_get_string(key), v)) {
		json_object_put(v);
		out_of_memory(r);
		goto out;
	}
	ret = 0;
out:
	json_object_put(key);
	return ret;
}

/*
 * The entries of an object or an array, after its '{' or '[' and up to
 * close, its '}' or ']': one() reads each (a member, a value).  0, -1.
 */
static int entries(struct reader *r, int close,
		   int (*one)(struct reader *r, void *ctx), void *ctx)
{
	const char *what = close == '}' ?
		"not valid JSON (expected ',' or '}')" :
		"not valid JSON (expected ',' or ']')";
	int c = peek(r), more;

	if (c == -2)
		return -1;
	if (c == close) {
		r->pos++;
		return 0;
	}
	do {
		if (one(r, ctx) < 0)
			return -1;
		more = next_or_end(r, close, what);
	} while (more > 0);
	return more;
}

struct members {
	json_object *obj;
	member_fn fn;
	void *ctx;
};

static int one_member(struct reader *r, void *ctx)
{
	const struct members *m = ctx;

	return member(r, m->obj, m->fn, m->ctx);
}

static int members(struct reader *r, json_object *obj, member_fn fn,
		   void *ctx)
{
	struct members m = { obj, fn, ctx };

	return entries(r, '}', one_member, &m);
}

/*
 * An item just parsed, handed over (rc: what its callback said) and
 * dropped: 0, or -1 when the callback stopped the reading.
 */
static int handed(struct reader *r, json_object *item, int rc)
{
	json_object_put(item);
	return rc < 0 ? fail(r, JSONSTREAM_STOPPED, NULL) : 0;
}

/* What the callbacks of one streamed array are handed. */
struct streaming {
	const struct jsonstream_array *a;
	void *data;
	json_object *head;	/* the document's members read so far */
	json_object *elem;	/* the element being read (inner_key) */
};

/* An item of an element's inner_key array, to inner(). */
static int inner_item(struct reader *r, void *ctx)
{
	const struct streaming *st = ctx;
	json_object *item;

	if (value(r, &item) < 0)
		return -1;
	return handed(r, item, st->a->inner(st->data, st->elem, item,
					    r->err));
}

/* In an element: its inner_key member, when an array, item by item. */
static int inner_member(struct reader *r, const char *key, json_object *elem,
			void *ctx)
{
	struct streaming *st = ctx;
	json_object *arr;
	int c;

	if (strcmp(key, st->a->inner_key))
		return 0;
	c = peek(r);
	if (c == -2)
		return -1;
	if (c != '[')
		return 0;
	r->pos++;
	/* left empty in its place: the element had the member */
	arr = json_object_new_array();
	if (!arr || json_object_object_add(elem, key, arr)) {
		json_object_put(arr);
		return out_of_memory(r);
	}
	st->elem = elem;
	return entries(r, ']', inner_item, st) < 0 ? -1 : 1;
}

/* One element of a streamed array (jsonstream.h: raw_key, inner_key). */
static int element(struct reader *r, struct streaming *st,
		   json_object **out)
{
	json_object *elem;
	int ret, c;

	*out = NULL;
	if (st->a->inner_key) {
		c = peek(r);
		if (c == -2)
			return -1;
		if (c != '{')
			return value(r, out);
		r->pos++;
		elem = json_object_new_object();
		if (!elem)
			return out_of_memory(r);
		if (members(r, elem, inner_member, st) < 0) {
			json_object_put(elem);
			return -1;
		}
		*out = elem;
		return 0;
	}
	if (!st->a->raw_key)
		return value(r, out);
	sbuf_reset(&r->cap);
	r->capturing = true;
	ret = value(r, out);
	r->capturing = false;
	if (ret == 0 && keep_text(r, *out, st->a->raw_key) < 0) {
		json_object_put(*out);
		*out = NULL;
		ret = -1;
	}
	return ret;
}

/* An element of a streamed array, to each(). */
static int top_item(struct reader *r, void *ctx)
{
	struct streaming *st = ctx;
	json_object *elem;

	if (element(r, st, &elem) < 0)
		return -1;
	return handed(r, elem, st->a->each(st->data, st->head, elem,
					   r->err));
}

struct top {
	const struct jsonstream_ops *ops;
	void *data;
};

/* A member of the top level: one of the streamed arrays, or gathered. */
static int top_member(struct reader *r, const char *key, json_object *head,
		      void *ctx)
{
	const struct top *t = ctx;
	struct streaming st = { .data = t->data, .head = head };
	char what[96];
	size_t i;

	for (i = 0; i < t->ops->narrays && !st.a; i++)
		if (!strcmp(key, t->ops->arrays[i].key))
			st.a = &t->ops->arrays[i];
	if (!st.a)
		return 0;
	snprintf(what, sizeof(what), "\"%s\" is not an array", st.a->key);
	if (expect(r, '[', what) < 0)
		return -1;
	return entries(r, ']', top_item, &st) < 0 ? -1 : 1;
}

static int walk(struct reader *r, const struct jsonstream_ops *ops,
		void *data, json_object *head)
{
	struct top t = { ops, data };
	int c;

	if (expect(r, '{', "not a JSON object") < 0 ||
	    members(r, head, top_member, &t) < 0)
		return -1;
	c = peek(r);
	if (c == -2)
		return -1;
	if (c != -1)
		return fail(r, JSONSTREAM_INVALID,
			    "not valid JSON (trailing data)");
	return 0;
}

int jsonstream_read(int fd, const struct jsonstream_ops *ops, void *data,
		    int depth, json_object **head, enum jsonstream_error *why,
		    struct sbuf *err)
{
	struct reader *r = calloc(1, sizeof(*r));
	json_object *h = json_object_new_object();
	int ret = -1;
	size_t i;

	*head = NULL;
	*why = 0;
	if (r) {
		r->fd = fd;
		r->err = err;
		sbuf_init(&r->cap);
		r->tok = json_tokener_new_ex(depth);
	}
	if (!r || !r->tok || !h) {
		errno = ENOMEM;
		sbuf_printf(err, "out of memory");
		*why = JSONSTREAM_IO;
		goto out;
	}
	for (i = 0; i < ops->narrays; i++) {
		if (ops->arrays[i].raw_key && ops->arrays[i].inner_key) {
			errno = EINVAL;
			sbuf_printf(err, "raw_key and inner_key at once");
			*why = JSONSTREAM_IO;
			goto out;
		}
	}
	if (walk(r, ops, data, h) < 0) {
		*why = r->why;
		goto out;
	}
	*head = h;
	h = NULL;
	ret = 0;
out:
	json_object_put(h);
	if (r && r->tok)
		json_tokener_free(r->tok);
	if (r)
		sbuf_free(&r->cap);
	free(r);
	return ret;
}
