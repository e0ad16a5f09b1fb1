/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_EXPIRY_H
#define VIGIL_EXPIRY_H

#include "findings/findings.h"
#include "lib/loop.h"

/*
 * Acceptances end at their "until": one timer, armed for the next one
 * to end, judges every finding again then (findings_check_acceptance),
 * so an accepted finding is announced again on time.
 */
struct expiry;

/* NULL with errno set. */
struct expiry *expiry_new(struct loop *loop, struct findings *fs);
void expiry_free(struct expiry *x);
/* Judge acceptances now and re-arm; call after any of them changed. */
void expiry_check(struct expiry *x);

#endif
