// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Names and stable ids of findings: an id is the same for the same
 * problem on the same host, run after run; a fingerprint the same on
 * every host.
 */
#include "build.h"

#include <stdint.h>
#include <string.h>

#include "findings/findings.h"

static uint64_t fnv1a(uint64_t h, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static const char *const event_names[] = {
	[FEV_NEW] = "new",
	[FEV_UPDATED] = "updated",
	[FEV_RESOLVED] = "resolved",
	[FEV_REOPENED] = "reopened",
	[FEV_REMIND] = "remind",
	[FEV_ACCEPTED] = "accepted",
	[FEV_UNACCEPTED] = "unaccepted",
};

const char *finding_event_name(enum finding_event ev)
{
	return (unsigned int)ev <= FEV_UNACCEPTED ? event_names[ev] :
	       "unknown";
}

const char *finding_status_name(enum finding_status st)
{
	return st == FINDING_RESOLVED ? "resolved" : "open";
}

void finding_id_text(uint64_t h, char out[FINDING_ID_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	int i;

	for (i = FINDING_ID_LEN - 1; i >= 0; i--, h >>= 4)
		out[i] = hex[h & 15];
	out[FINDING_ID_LEN] = '\0';
}

void finding_make_fingerprint(const char *rule_id, const char *asset_key,
			      char out[FINDING_ID_LEN + 1])
{
	uint64_t h = 0xcbf29ce484222325ULL;

	h = fnv1a(h, rule_id, strlen(rule_id) + 1);
	h = fnv1a(h, asset_key, strlen(asset_key));
	finding_id_text(h, out);
}

struct finding_fp finding_fingerprint(const struct finding *f)
{
	struct finding_fp fp;

	finding_make_fingerprint(f->rule->id, f->asset_key, fp.s);
	return fp;
}

void finding_make_id(const char *machine_id, const char *rule_id,
		     const char *asset_key, char out[FINDING_ID_LEN + 1])
{
	uint64_t h = 0xcbf29ce484222325ULL;

	h = fnv1a(h, machine_id, strlen(machine_id) + 1);
	h = fnv1a(h, rule_id, strlen(rule_id) + 1);
	h = fnv1a(h, asset_key, strlen(asset_key));
	finding_id_text(h, out);
}
