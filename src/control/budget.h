/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_CONTROL_BUDGET_H
#define VIGIL_CONTROL_BUDGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * What the control socket spends on each non-root uid: replies in
 * flight that are streamed, and reply bytes, at BUDGET_RATE bytes a
 * second after a first BUDGET_BURST.  Bytes made stand for the work a
 * request costs (building a findings reply is about 60 ns a byte), so
 * the members of control_group together cannot take the daemon's CPU
 * from the kernel's events nor root's requests.  A uid's budget is
 * kept while it refills, so that reconnecting buys nothing.
 */
#define BUDGET_RATE (2u << 20)
#define BUDGET_BURST (256u << 10)
#define BUDGET_STREAMS 2
/* What a request costs at least, in bytes: a few hundred a second. */
#define BUDGET_REQUEST 8192u
#define BUDGET_SLOTS 64

struct uid_budget {
	uid_t uid;
	bool used;
	unsigned int streams;	/* streamed replies in flight */
	unsigned int holders;	/* connections that point at it */
	int64_t tokens;		/* bytes; may go below 0 */
	uint64_t at_ms;		/* when tokens was worked out */
};

struct budgets {
	struct uid_budget v[BUDGET_SLOTS];
};

/*
 * uid's budget at now, taken from the slot that lost least by being
 * reused (no connection, refilled furthest) when uid has none.  NULL
 * when every slot is held by a connection (there are fewer non-root
 * connections than slots, so never while admit() holds).
 */
struct uid_budget *budget_get(struct budgets *b, uid_t uid, uint64_t now);
/* Has u bytes to spend at now? */
bool budget_ok(struct uid_budget *u, uint64_t now);
void budget_spend(struct uid_budget *u, size_t bytes, uint64_t now);
/* Milliseconds until u has bytes to spend again (at least 1). */
uint64_t budget_wait_ms(const struct uid_budget *u);

#endif
