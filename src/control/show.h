/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_CONTROL_SHOW_H
#define VIGIL_CONTROL_SHOW_H

#include <json-c/json.h>
#include <stdio.h>

/*
 * One finding (a finding object) for a person, as "vigilctl findings
 * show" prints it: what, where, since when, whose, whether accepted,
 * the evidence (lists as lists, uids with their user names, as
 * ausearch -i does) and what to do.  Every host string is escaped.
 */
void show_finding(FILE *out, json_object *f);

#endif
