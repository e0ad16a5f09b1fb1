/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_CT_H
#define VIGIL_CT_H

#include <stdbool.h>
#include <stdint.h>

#include "model/events.h"
#include "core/module.h"

/*
 * Under load, wakeups closer than this are merged: the socket is read
 * again after this long instead of on the next event.  Saves a context
 * switch per event at the price of at most this much latency (and
 * lets the connects' samples of the same flows come first: see
 * owner.c's park()).  At 15,000 connections a second vigild spent
 * about 0.42x what conntrack -E did per connection with 5 ms, 0.5x
 * with 2 ms (2026-12-05).
 */
#define CT_COALESCE_MS 5
/* How often vigild checks that the nft table is still there. */
#define CT_TABLE_CHECK_MS 30000

/* The conntrack source (modules.c). */
extern const struct vigil_module ct_module;

#endif
