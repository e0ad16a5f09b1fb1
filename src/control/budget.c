// SPDX-License-Identifier: GPL-2.0-or-later
/* What each non-root uid may spend on the control socket: budget.h. */
#include "build.h"

#include "control/budget.h"

static void refill(struct uid_budget *u, uint64_t now)
{
	uint64_t ms = now > u->at_ms ? now - u->at_ms : 0;
	int64_t t = u->tokens + (int64_t)(ms * BUDGET_RATE / 1000);

	u->tokens = t > (int64_t)BUDGET_BURST ? (int64_t)BUDGET_BURST : t;
	u->at_ms = now;
}

struct uid_budget *budget_get(struct budgets *b, uid_t uid, uint64_t now)
{
	struct uid_budget *u, *free_slot = NULL;
	size_t i;

	for (i = 0; i < BUDGET_SLOTS; i++) {
		u = &b->v[i];
		if (u->used && u->uid == uid) {
			refill(u, now);
			return u;
		}
		if (u->holders)
			continue;
		if (u->used)
			refill(u, now);
		if (!free_slot || !u->used ||
		    (free_slot->used && u->tokens > free_slot->tokens))
			free_slot = u;
	}
	if (!free_slot)
		return NULL;
	free_slot->used = true;
	free_slot->uid = uid;
	free_slot->streams = 0;
	free_slot->tokens = BUDGET_BURST;
	free_slot->at_ms = now;
	return free_slot;
}

bool budget_ok(struct uid_budget *u, uint64_t now)
{
	refill(u, now);
	return u->tokens > 0;
}

void budget_spend(struct uid_budget *u, size_t bytes, uint64_t now)
{
	refill(u, now);
	u->tokens -= (int64_t)bytes;
}

uint64_t budget_wait_ms(const struct uid_budget *u)
{
	uint64_t ms;

	if (u->tokens > 0)
		return 1;
	ms = ((uint64_t)(-u->tokens) + 1) * 1000 / BUDGET_RATE + 1;
	return ms;
}
