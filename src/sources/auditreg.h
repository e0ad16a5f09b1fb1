/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_AUDITREG_H
#define VIGIL_AUDITREG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct loop;

/*
 * The audit daemon registration: with no audit daemon registered the
 * kernel prints every record to the kernel log, so vigild registers
 * when no one is.  The records then come on its socket (and the
 * multicast group is left meanwhile: each record would come twice).
 * It never stands in an audit daemon's way: the kernel tells the
 * registered daemon (AUDIT_REPLACE) when another one asks for the
 * place, and vigild then lets go and stays away while that daemon
 * runs, or for a hold time at least.
 */
struct auditreg;

/*
 * Told when vigild took or gave up the registration: on taking it,
 * after the records start to come on its socket; on giving it up,
 * before they stop (and the socket's last ones are read after).
 */
typedef void (*auditreg_cb)(void *data, bool registered);
/* One datagram of the socket (a record); cut: longer than 16 KB. */
typedef void (*auditreg_dgram_cb)(void *data, const char *dgram, size_t len,
				  bool cut);

/* A registration helper; it holds nothing until auditreg_update(). */
struct auditreg *auditreg_new(struct loop *loop, auditreg_cb cb,
			      auditreg_dgram_cb dgram, void *data);
/* Unregisters (if registered) and frees. */
void auditreg_free(struct auditreg *r);

/*
 * With the kernel's registered pid (0: none): registers when nobody is
 * and no hold is in force.  Returns true if vigild is registered after.
 */
bool auditreg_update(struct auditreg *r, uint32_t kernel_pid);

/* Let go now and do not come back for hold_ms, nor while another runs. */
void auditreg_yield(struct auditreg *r, uint64_t hold_ms);

bool auditreg_registered(const struct auditreg *r);
/* Let go lately and staying away: a new daemon is expected. */
bool auditreg_held(const struct auditreg *r);
/* Times vigild let go for another audit daemon. */
uint64_t auditreg_yields(const struct auditreg *r);

/* How long vigild stays away after yielding: an auditd restart fits. */
#define AUDITREG_HOLD_MS 10000

#endif
