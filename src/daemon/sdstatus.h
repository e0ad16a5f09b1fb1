/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_SDSTATUS_H
#define VIGIL_SDSTATUS_H

#include "findings/findings.h"
#include "lib/loop.h"

/* How often the STATUS= line is brought up to date. */
#define SDSTATUS_REFRESH_MS 5000

/*
 * What systemd is told of vigild (sd_notify; nothing without systemd or
 * outside a unit): READY=1, RELOADING=1 and STOPPING=1 as they happen;
 * a STATUS= line with the open findings per severity, so that
 * "systemctl status vigild" says how the host stands; and WATCHDOG=1
 * from the event loop itself, at half the unit's WatchdogSec=, so that
 * a loop that stops turning is restarted.
 */
struct sdstatus;

/* Starts the watchdog's pings if the unit asks for them.  NULL: ENOMEM. */
struct sdstatus *sdstatus_new(struct loop *loop, const struct findings *fs);
void sdstatus_free(struct sdstatus *s);

/* "READY=1" and the like, with the status line brought up to date. */
void sdstatus_notify(struct sdstatus *s, const char *what);

/*
 * The status line for fs ("3 open findings: 1 high, 2 medium; 1
 * accepted"), into buf.
 */
void sdstatus_line(const struct findings *fs, char *buf, size_t len);

#endif
