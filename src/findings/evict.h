/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_FINDINGS_EVICT_H
#define VIGIL_FINDINGS_EVICT_H

#include <json-c/json.h>
#include <stdbool.h>

#include "findings/findings.h"

/*
 * Who gives way when the store is full.  Each finding knows whose
 * processes its sightings came from (struct finding_cause): a finding
 * that root or two users took part in is "shared"; one that only one
 * non-root uid caused is that uid's; one whose sightings told no uid
 * is "unknown"'s.  A uid or "unknown" may hold a fair share of
 * max_findings (max_findings / the causes holding findings, the new
 * one included); past it, its own findings give way to its new ones.
 * A new finding of one uid never pushes out a shared one nor one of
 * another uid within its share; a new shared finding first pushes out
 * the findings of whoever holds the most past its share, whatever
 * their severity, and otherwise the least severe, least recently seen
 * finding of all, as long as it is no more severe than the new one.
 */
struct evict;

/* NULL on ENOMEM. */
struct evict *evict_new(void);
void evict_free(struct evict *ev);

/*
 * The cause one sighting tells: the uid in its rule's cause attribute
 * (rule_meta.cause), if it holds one.
 */
struct finding_cause evict_sighting_cause(const struct rule_meta *m,
					  json_object *attrs);
/*
 * Fold a sighting's cause c into f's (root and two uids stay shared).
 * Returns whether f's cause changed.
 */
bool evict_note(struct finding *f, struct finding_cause c);

/*
 * The store is full: give up a finding to make room for a new one of
 * rule m caused by c.  Every eviction and refusal is counted by cause
 * and said once per cause in the log (a shared finding given up: each
 * time).  Returns 0 with room made, or -ENOSPC when the new one is
 * refused.
 */
int evict_make_room(struct findings *fs, const struct rule_meta *m,
		    struct finding_cause c);

/*
 * {"65534": {"evicted": N, "refused": N}, "unknown": ...,
 * "root or several users": ...}
 * for every cause that lost a finding; NULL on ENOMEM.
 */
json_object *evict_stats_json(const struct findings *fs);

/* "unknown", "user", "users", "root"; parse: 0 or -1. */
const char *finding_cause_name(enum finding_cause_kind k);
int finding_cause_parse(const char *s, enum finding_cause_kind *k);

#endif
