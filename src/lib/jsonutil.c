// SPDX-License-Identifier: GPL-2.0-or-later
/* Small json-c helpers: members added and read (jsonutil.h). */
#include "build.h"

#include <string.h>

#include "lib/jsonutil.h"
#include "lib/utf8.h"

const char *json_get_str(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

int json_add_str(json_object *o, const char *key, const char *v)
{
	json_object *s;

	if (!v)
		return 0;
	s = json_object_new_string(v);
	if (!s || json_object_object_add(o, key, s) < 0) {
		json_object_put(s);
		return -1;
	}
	return 0;
}

json_object *json_array_of(size_t n,
			   json_object *(*item)(const void *ctx, size_t i),
			   const void *ctx)
{
	json_object *arr = json_object_new_array();
	size_t i;

	if (!arr)
		return NULL;
	for (i = 0; i < n; i++) {
		json_object *o = item(ctx, i);

		if (!o) {
			json_object_put(arr);
			return NULL;
		}
		json_object_array_add(arr, o);
	}
	return arr;
}

/* Whether o was rewritten (or left raw for want of memory). */
static bool escape_string(json_object *o, bool all)
{
	const char *s = json_object_get_string(o);
	size_t n = (size_t)json_object_get_string_len(o);
	struct sbuf sb;

	if (!all && utf8_is_escaped(s, n))
		return false;
	sbuf_init(&sb);
	utf8_escape(&sb, s, n);
	/* On ENOMEM the raw string stays; json_dump() still mends it. */
	if (!sbuf_failed(&sb))
		json_object_set_string_len(o, sbuf_str(&sb), (int)sb.len);
	sbuf_free(&sb);
	return true;
}

bool json_escape_strings(json_object *o, bool all)
{
	bool touched = false;
	size_t i, n;

	switch (json_object_get_type(o)) {
	case json_type_string:
		touched = escape_string(o, all);
		break;
	case json_type_array:
		n = json_object_array_length(o);
		for (i = 0; i < n; i++)
			touched |= json_escape_strings(
				json_object_array_get_idx(o, i), all);
		break;
	case json_type_object: {
		json_object_object_foreach(o, key, val) {
			(void)key;
			touched |= json_escape_strings(val, all);
		}
		break;
	}
	default:
		break;
	}
	return touched;
}

/* How many bytes of p[0..len) are valid UTF-8 from the start. */
static size_t valid_prefix(const unsigned char *p, size_t len)
{
	size_t i = 0, k;

	while (i < len) {
		/* runs of ASCII at once: most of any text */
		while (i < len && p[i] < 0x80)
			i++;
		if (i == len)
			break;
		k = utf8_seq(p + i, len - i);
		if (!k)
			break;
		i += k;
	}
	return i;
}

/* s[0..len) into out, each byte that is not UTF-8 as "\\xNN". */
static int mend(const char *s, size_t len, struct sbuf *out)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k;
	int mended = 0;

	while (i < len) {
		k = valid_prefix(p + i, len - i);
		sbuf_addn(out, s + i, k);
		i += k;
		if (i == len)
			break;
		/* Only inside a string: json-c writes structure in ASCII. */
		sbuf_addn(out, "\\\\x", 3);
		sbuf_addc(out, hex[p[i] >> 4]);
		sbuf_addc(out, hex[p[i] & 15]);
		i++;
		mended++;
	}
	return sbuf_failed(out) ? -1 : mended;
}

int json_dump(json_object *o, int flags, struct sbuf *out)
{
	size_t len;
	const char *s = json_object_to_json_string_length(o, flags, &len);

	if (!s) {
		out->failed = 1;
		return -1;
	}
	return mend(s, len, out);
}

int json_text(json_object *o, int flags, struct sbuf *spare,
	      const char **text, size_t *len)
{
	const char *s = json_object_to_json_string_length(o, flags, len);
	int r;

	if (!s) {
		spare->failed = 1;
		return -1;
	}
	/* nothing to mend, as nearly always: o's own buffer, no copy */
	if (valid_prefix((const unsigned char *)s, *len) == *len) {
		*text = s;
		return 0;
	}
	r = mend(s, *len, spare);
	*text = sbuf_str(spare);
	*len = spare->len;
	return r;
}
