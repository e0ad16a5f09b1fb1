/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_FINDINGS_EVIDENCE_H
#define VIGIL_FINDINGS_EVIDENCE_H

#include <json-c/json.h>
#include <stdbool.h>

#include "core/rulemeta.h"

/* Every key of src into dst, as it is (a finding read back). */
void evidence_copy(json_object *dst, json_object *src);

/*
 * A sighting's attributes src into a finding's dst: the rule's evidence
 * lists keep their newest distinct values (at most rule_evidence.max),
 * its counts add up, other keys are replaced.  Returns whether the
 * evidence grew: a list gained a value (pids excepted: a new pid is no
 * news).  Replaced attributes and counts are no news either.  A value
 * that cannot be merged for want of memory is left as it was.
 */
bool evidence_merge(const struct rule_meta *m, json_object *dst,
		    json_object *src);
/*
 * evidence_merge() of the src that was merged into dst last, once more:
 * its lists and replaced keys are in dst already, only the counts add
 * up again.  Never news.
 */
void evidence_merge_again(const struct rule_meta *m, json_object *dst,
			  json_object *src);

#endif
