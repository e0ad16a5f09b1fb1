/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_JSONSTREAM_H
#define VIGIL_JSONSTREAM_H

#include <json-c/json.h>
#include <stddef.h>

#include "lib/sbuf.h"

/*
 * A JSON document whose top level is an object, read from a file in
 * chunks: the elements of its array members named in ops->arrays are
 * handed to that array's each() one at a time, as json-c parses them,
 * and dropped after; every other member is gathered into *head.  A
 * document of ten thousand findings thus never stands whole in memory.
 *
 * each() is given the members read so far (head) and the element (NULL
 * for a JSON null); it returns 0 to go on, or -1 to stop (its reason
 * in err).  It may take its own reference to the element.  depth bounds
 * the nesting of each member and element.
 *
 * Returns 0 with *head set (the members not streamed; the caller puts
 * it), or -1 with a message in err and *head NULL:
 *   JSONSTREAM_IO      the file could not be read (errno), or ops asks
 *                      for raw_key and inner_key at once (EINVAL)
 *   JSONSTREAM_INVALID not JSON, not an object, a streamed member not
 *                      an array, trailing data, nesting deeper than
 *                      depth
 *   JSONSTREAM_STOPPED each() or inner() stopped
 * Elements already handed over stay handed over: a caller that must
 * not keep half a document drops them itself on -1.
 *
 * raw_key (optional): each element's text is kept while json-c parses
 * it, and when the element is an object whose member raw_key (an
 * object or array) is written plainly, once, and compact as vigild
 * writes it (no white space, nothing but JSON's own outside strings),
 * that value keeps its text as its serializer
 * (json_object_set_serializer): writing it again is a copy, not a walk
 * of its tree.  each() must drop that serializer (set it to NULL)
 * before changing the value.
 *
 * inner_key (optional, not with raw_key): in an element that is an
 * object, the member of that name, when it is an array, is streamed
 * too: each of its items goes to inner() as json-c parses it, with the
 * element's members read so far (elem), and is dropped after.  The
 * element keeps an empty array in its place, so each() can tell the
 * member was there.  Every item of every such member is handed over
 * (a name written twice: both).  The element itself is read a member
 * at a time; depth bounds each member and item.
 */
enum jsonstream_error {
	JSONSTREAM_IO = 1,
	JSONSTREAM_INVALID,
	JSONSTREAM_STOPPED,
};

struct jsonstream_array {
	const char *key;
	const char *raw_key;
	int (*each)(void *data, json_object *head, json_object *elem,
		    struct sbuf *err);
	const char *inner_key;
	int (*inner)(void *data, json_object *elem, json_object *item,
		     struct sbuf *err);
};

struct jsonstream_ops {
	const struct jsonstream_array *arrays;
	size_t narrays;
};

int jsonstream_read(int fd, const struct jsonstream_ops *ops, void *data,
		    int depth, json_object **head, enum jsonstream_error *why,
		    struct sbuf *err);

#endif
