/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_PKG_REFERENCE_H
#define VIGIL_PKG_REFERENCE_H

/* The dpkg index check_pkg compares pkg.c with (pkg_reference.c). */
struct ref_pkgdb;
struct ref_pkgdb *ref_pkgdb_new(const char *dir);
void ref_pkgdb_free(struct ref_pkgdb *db);
const char *ref_pkgdb_owner(struct ref_pkgdb *db, const char *path);

#endif
