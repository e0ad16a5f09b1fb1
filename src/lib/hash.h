/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_LIB_HASH_H
#define VIGIL_LIB_HASH_H

/*
 * vigil's one hash table: uthash (Debian's uthash-dev), every table of
 * the tree through this header.  Out of memory is reported to the
 * caller instead of uthash's exit(): after HASH_ADD, an entry is in the
 * table only if hash_added() says so (an event lost, not vigild gone).
 */
#include <string.h>

#define HASH_NONFATAL_OOM 1
#include <uthash.h>

#define hash_added(elem, hh) ((elem)->hh.tbl != NULL)

/*
 * The slot (of n) for string s in a direct-mapped cache, where a newer
 * entry takes an older one's slot (perms.c, pkgpath.c, procbatch.c):
 * uthash's own hash of its bytes.
 */
static inline unsigned int hash_slot(const char *s, unsigned int n)
{
	unsigned int h;

	HASH_VALUE(s, strlen(s), h);
	return h % n;
}

#endif
