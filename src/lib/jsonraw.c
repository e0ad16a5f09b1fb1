// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A member's text in an element json-c has parsed (jsonraw.h): json-c
 * does not say where a value lay in its input, so this finds the
 * member and vets its form, and nothing more; json-c judged the text.
 */
#include "build.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lib/jsonraw.h"

/*
 * Whether s[0..n), text json-c parsed, is an object or array as
 * vigild writes one: nothing outside its strings but punctuation,
 * integers and the words true, false and null, and no control byte.
 * Anything else json-c takes (white space, a comment, a quote, a
 * trailing comma, a word or number JSON has not) is written anew.
 */
static bool compact(const char *s, size_t n)
{
	bool in = false;
	size_t i, k;

	if (!n || (s[0] != '{' && s[0] != '['))
		return false;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char prev = i ? s[i - 1] : '\0';
		const char *w;

		if (c < 0x20)
			return false;
		if (in) {
			if (c == '\\' && ++i < n && (unsigned char)s[i] < 0x20)
				return false;
			if (c == '"')
				in = false;
		} else if (c == '"' || c == '{' || c == '[' || c == ':') {
			in = c == '"';
		} else if (c == ',' || c == '}' || c == ']') {
			if (prev == ',' || (c == ',' && strchr("{[:", prev)))
				return false;
		} else if (c == 't' || c == 'f' || c == 'n') {
			w = c == 't' ? "true" : c == 'f' ? "false" : "null";
			k = strlen(w);
			if (n - i < k || memcmp(s + i, w, k))
				return false;
			i += k - 1;
		} else if (c == '-') {
			if (i + 1 == n || !isdigit((unsigned char)s[i + 1]))
				return false;
		} else if (!isdigit(c) ||
			   (c == '0' && !isdigit((unsigned char)prev) &&
			    i + 1 < n && isdigit((unsigned char)s[i + 1]))) {
			return false;
		}
	}
	return !in;
}

/*
 * Where the value of member key starts in s[0..n), the text of an
 * object json-c parsed, and (*len) how long it is.  0 when it is not
 * written plainly ("key":, no white space, no escape in the key), or
 * when key's name comes again after it: json-c keeps the last member
 * of a name, and rather than find which that is, the value's text is
 * then written anew, not kept.
 */
static size_t find_member(const char *s, size_t n, const char *key,
			  size_t *len)
{
	size_t i, klen = strlen(key), start = 0;
	bool in = false, at_key = false;
	int depth = 0;

	*len = 0;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (in) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in = false;
			continue;
		}
		if (c == '"' && at_key && n - i > klen + 2 &&
		    !memcmp(s + i + 1, key, klen) && s[i + klen + 1] == '"' &&
		    s[i + klen + 2] == ':') {
			start = i + klen + 3;
			i = start - 1;
			at_key = false;
		} else if (c == '"') {
			in = true;
			at_key = false;
		} else if (c == '{' || c == '[') {
			depth++;
			at_key = c == '{' && depth == 1;
		} else if (c == ',' || c == '}' || c == ']') {
			if (depth == 1 && start)
				break;
			at_key = c == ',' && depth == 1;
			depth--;
			depth += c == ',';
		}
	}
	if (!start || i >= n || memmem(s + i, n - i, key, klen))
		return 0;
	*len = i - start;
	return start;
}

int jsonraw_keep(json_object *o, const char *key, const char *s, size_t n)
{
	json_object *v;
	size_t at, len;
	char *text;

	if (!json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, key, &v) ||
	    (!json_object_is_type(v, json_type_object) &&
	     !json_object_is_type(v, json_type_array)))
		return 0;
	at = find_member(s, n, key, &len);
	if (!at || !compact(s + at, len))
		return 0;
	text = strndup(s + at, len);
	if (!text) {
		errno = ENOMEM;
		return -1;
	}
	json_object_set_serializer(v, json_object_userdata_to_json_string,
				   text, json_object_free_userdata);
	return 0;
}
