/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_FINDINGS_RUNNAMES_H
#define VIGIL_FINDINGS_RUNNAMES_H

#include <json-c/json.h>
#include <stdint.h>

#include "lib/hash.h"

/*
 * The run ids a store's findings name, each held once and numbered
 * (runnames.c): a finding keeps up to FINDING_MAX_RUNS numbers of two
 * bytes in itself, not an array of pointers of its own (a full store's
 * 10,000 findings name a few hundred runs between them).  A number is
 * held while a finding names it and reused once none does.
 */
#define RUN_NAMES_MAX UINT16_MAX	/* numbers 0 .. RUN_NAMES_MAX - 1 */

struct run_name {
	json_object *id;	/* a json string, as the state file has it */
	uint32_t refs;
	uint16_t num;
	UT_hash_handle hh;	/* by id's text */
};

struct run_names {
	struct run_name *by_id;
	struct run_name **by_num;	/* NULL: free */
	uint16_t *free;			/* numbers to reuse */
	uint32_t n, cap, nfree;
};

/*
 * id's number, held once more.  -1: ENOMEM, or RUN_NAMES_MAX runs
 * named at once already (a store holds far fewer).
 */
int run_names_hold(struct run_names *t, const char *id);
/* id's number, not held; -1: no finding names id. */
int run_names_find(const struct run_names *t, const char *id);
/* Let go of num, held before. */
void run_names_drop(struct run_names *t, uint16_t num);
/* The run num names (num held). */
const char *run_names_text(const struct run_names *t, uint16_t num);
json_object *run_names_json(const struct run_names *t, uint16_t num);
void run_names_free(struct run_names *t);

#endif
