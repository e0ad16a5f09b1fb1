/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_SOURCES_AUDITMARKER_H
#define VIGIL_SOURCES_AUDITMARKER_H

#include <stdbool.h>
#include <stdint.h>

/*
 * What vigild changed in the kernel's audit settings, kept in a file
 * beside control_socket until it is put back (see auditmarker.c).
 */

/* Records it; nothing changed (false, 0) removes the marker. */
void auditmarker_write(const char *control_socket, bool enabled_by_us,
		       uint32_t old_backlog);
/*
 * What an earlier vigild changed and did not put back: returns false
 * when there is no marker (or one not understood).
 */
bool auditmarker_read(const char *control_socket, bool *enabled,
		      uint32_t *backlog);

#endif
