// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A run's record entry, in the 24 bytes it is held in (assess.h): its
 * id as a number and back, its sightings in 32 bits.  Below the runs'
 * loading (run_load.c), writing (run_json.c) and gathering (assess.c).
 */
#include "build.h"

#include <stdint.h>

#include "findings/assess.h"

_Static_assert(RULE_COUNT <= UINT8_MAX, "a rule in a record's uint8_t");

void run_finding_id(const struct run_finding *e,
		    char out[FINDING_ID_LEN + 1])
{
	finding_id_text(e->id, out);
}

int run_finding_set_id(struct run_finding *e, const char *id)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < FINDING_ID_LEN; i++) {
		char c = id[i];

		if (c >= '0' && c <= '9')
			v = v << 4 | (uint64_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v << 4 | (uint64_t)(c - 'a' + 10);
		else
			return -1;
	}
	if (id[i])
		return -1;
	e->id = v;
	return 0;
}

void run_finding_set_seen(struct run_finding *e, uint64_t count,
			  int64_t first, int64_t last)
{
	if (!count || first <= 0 || last <= 0 || first > UINT32_MAX ||
	    last > UINT32_MAX) {
		e->count = e->first = e->last = 0;
		return;
	}
	e->count = count > UINT32_MAX ? UINT32_MAX : (uint32_t)count;
	e->first = (uint32_t)first;
	e->last = (uint32_t)last;
}
