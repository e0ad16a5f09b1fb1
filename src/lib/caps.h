/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_CAPS_H
#define VIGIL_CAPS_H

#include <stddef.h>

#include "lib/sbuf.h"

/*
 * Keep only the given capabilities (effective, permitted, and the
 * bounding set when CAP_SETPCAP allows) once everything that needs
 * more has been opened.  One the process does not have is skipped, not
 * an error.  Does nothing when it has no capabilities to begin with.
 * Returns 0, or -1 with a message in err.
 */
int caps_keep_only(const int *caps, size_t n, struct sbuf *err);

/* "cap_net_admin,cap_audit_read" or "none"; for status and logs. */
void caps_describe(struct sbuf *out);

#endif
