/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_CONTROL_SHOW_H
#define VIGIL_CONTROL_SHOW_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>

#include "lib/sbuf.h"

/*
 * One finding (a finding object) for a person, as "vigilctl findings
 * show" prints it: what, where, since when, whose, whether accepted,
 * the evidence (lists as lists, uids with their user names, as
 * ausearch -i does) and what to do.  Every host string is escaped.
 */
void show_finding(FILE *out, json_object *f);
/*
 * A finding's tags (the host's "tags", its own over them) as
 * "k=v<sep>k=v", appended to out; mark_host: " (host)" after the host's.
 */
void show_tags(json_object *f, const char *sep, bool mark_host,
	       struct sbuf *out);

#endif
