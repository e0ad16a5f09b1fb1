/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_REPORT_FLEET_H
#define VIGIL_REPORT_FLEET_H

#include <json-c/json.h>
#include <stddef.h>

/*
 * What fleet_read.c keeps of a fleet's lines, for report_fleet.c (the
 * API is report.h's).  Each state holds the finding's hostname,
 * machine_id, rule, severity, fingerprint, asset_key, event (open,
 * accepted, resolved), time and the attributes that name its asset and
 * place, all in the text form.
 */
struct fleet {
	json_object *findings;	/* id -> newest state (an lh_table) */
	json_object *sources;	/* ["file: N lines"] */
	size_t nfindings;
	unsigned long lines, finding_events, run_events, skipped;
};

#endif
