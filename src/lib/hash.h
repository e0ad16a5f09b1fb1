/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_LIB_HASH_H
#define VIGIL_LIB_HASH_H

/*
 * vigil's one hash table: uthash (Debian's uthash-dev), every table of
 * the tree through this header.  Out of memory is reported to the
 * caller instead of uthash's exit(): after HASH_ADD, an entry is in the
 * table only if hash_added() says so (an event lost, not vigild gone).
 */
#define HASH_NONFATAL_OOM 1
#include <uthash.h>

#define hash_added(elem, hh) ((elem)->hh.tbl != NULL)

#endif
