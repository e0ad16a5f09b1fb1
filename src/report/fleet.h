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
struct fleet_agg;

struct fleet {
	json_object *findings;	/* id -> newest state (an lh_table) */
	struct fleet_agg *agg;	/* states counted as they came */
	json_object *final_ids;	/* their ids (keys only) */
	json_object *sources;	/* ["file: N lines"] */
	size_t nfindings;
	unsigned long lines, finding_events, run_events, skipped;
};

/* What fleet_add_final counted (report_fleet.c); NULL is nothing. */
void fleet_agg_free(struct fleet_agg *g);

/*
 * A "cef" line (from its "CEF:0|" on) as the object the "json" format
 * writes of the same event (fleet_cef.c), or NULL: not vigil's CEF,
 * or ENOMEM.
 */
json_object *fleet_cef_to_json(const char *line);

#endif
