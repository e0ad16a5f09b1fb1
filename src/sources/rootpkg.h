/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_SOURCES_ROOTPKG_H
#define VIGIL_SOURCES_ROOTPKG_H

#include <sys/types.h>

#include "sources/apkdb.h"
#include "sources/pkg.h"

/*
 * Whose package database decides "third-party" for a process: the
 * one of the root it sees.  A process in a container (or a chroot)
 * sees another root, with its own /var/lib/dpkg, Alpine's
 * /lib/apk/db/installed (apkdb.h), or none: its files are
 * packaged or not by that database, never by whether the host happens
 * to have a package file at the same path.  Databases of other roots
 * are read through an O_PATH fd on /proc/PID/root (kept while cached,
 * so they stay readable when that process is gone), at most
 * ROOTPKG_MAX of them, the least recently used given up first.
 *
 * Known limit: a listed path's directories are resolved (pkg.h) in
 * vigild's own tree, which for a Debian image on a Debian host is the
 * same merged /usr; a non-merged image on a merged host may see a few
 * packaged files as third-party (reported, never hidden).
 */
#define ROOTPKG_MAX 8

struct rootpkg;

/* What decides "packaged" in one root: one database, or none. */
struct pkgview {
	struct pkgdb *dpkg;
	struct apkdb *apk;
};

/* The package owning path in v's root, or NULL (v may be NULL). */
const char *pkgview_owner(const struct pkgview *v, const char *path);

/*
 * host: the database of vigild's own root (borrowed).  NULL with errno
 * (ENOMEM; stat("/")'s).
 */
struct rootpkg *rootpkg_new(struct pkgdb *host);
void rootpkg_free(struct rootpkg *r);

/*
 * The databases of what pid sees (the host's when pid is gone, or 0:
 * a process known gone, judged by name in vigild's root); none in the
 * view when its root has none: every file there is third-party.
 * Valid until the next call.
 */
const struct pkgview *rootpkg_of(struct rootpkg *r, pid_t pid);

#endif
