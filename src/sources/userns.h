/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_SOURCES_USERNS_H
#define VIGIL_SOURCES_USERNS_H

#include <stdbool.h>
#include <sys/types.h>

/*
 * Root of a user namespace.  A process in a user-namespaced container
 * (podman --uidmap, rootless podman, unshare -U) can be uid 0 there
 * while the kernel, audit and /proc show vigild a plain host uid such as
 * 200000.  It is root over its container's files, not over the host's:
 * the root-perms rule judges it, and tells it apart from host root.
 */

/*
 * The host uid that uid `inside` maps to, by the text of a uid_map or
 * gid_map as vigild reads it ("INSIDE OUTSIDE COUNT" lines, at most
 * 340, numbers relative to vigild's own namespace).  Hostile text is
 * refused as a whole.  Returns 0 with *outside set, or -1 with errno:
 * ENOENT (inside is not mapped) or EINVAL (malformed).
 */
int userns_map_lookup(const char *text, uid_t inside, uid_t *outside);

/*
 * Is pid root of a user namespace other than vigild's own?  True with
 * *root_uid the host uid its uid 0 maps to, when the process's real or
 * effective uid is that one.  self_ns is the inode of vigild's own
 * user namespace (userns_self()).  A process gone, or a map that cannot
 * be read, is false.
 */
bool userns_root_of(pid_t pid, ino_t self_ns, uid_t ruid, uid_t euid,
		    uid_t *root_uid);

/* The inode of vigild's own user namespace; 0 when it cannot be told. */
ino_t userns_self(void);

#endif
