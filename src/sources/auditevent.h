/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_SOURCES_AUDITEVENT_H
#define VIGIL_SOURCES_AUDITEVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/netaddr.h"

/*
 * Audit records into events: the kernel sends an event as several
 * records (SYSCALL, PATH, SOCKADDR, ..., EOE) with one serial, maybe
 * interleaved with other events' records.  They are gathered by
 * serial until the EOE, or until the event is too old or too many are
 * open; each event is then handed over once, whole or not.  A record
 * of an event handed over already (told twice: by the multicast group
 * and the registered daemon's socket, at a handover between the two)
 * is dropped.
 */
struct auditevent_asm;

/* A file a PATH record names, by identity. */
struct audit_file {
	dev_t dev;
	ino_t ino;
};
#define AUDITEVENT_MAX_PATHS 4

/* What vigild reads of one event (the records it needs). */
struct audit_event {
	uint64_t serial;
	bool have_syscall;
	char syscall[32];	/* by name, for the record's arch */
	bool success;
	unsigned long long a0, a2;
	pid_t pid;
	uid_t uid, euid;
	const char *exe;	/* "" when the record named none */
	char comm[64];
	struct audit_file files[AUDITEVENT_MAX_PATHS];
	int nfiles;
	bool have_saddr;	/* an AF_INET/6 SOCKADDR record came */
	struct net_addr saddr;
	uint16_t sport;
};

/* Counters the assembly keeps (each may not be NULL). */
struct auditevent_counters {
	uint64_t *records, *events, *malformed, *gaps, *incomplete,
		 *duplicates;
};

/* An event, whole or given up on; valid during the call only. */
typedef void (*auditevent_done_cb)(void *data,
				   const struct audit_event *ev);
/* A CONFIG_CHANGE record's body (it belongs to no event vigild reads). */
typedef void (*auditevent_config_cb)(void *data, const char *body,
				     size_t len);

/* NULL on ENOMEM. */
struct auditevent_asm *auditevent_new(const struct auditevent_counters *c,
				      auditevent_done_cb done,
				      auditevent_config_cb config,
				      void *data);
/* Frees the events still open, without handing them over. */
void auditevent_free(struct auditevent_asm *a);

/* One record: its netlink type and text ("audit(T:SERIAL): body"). */
void auditevent_record(struct auditevent_asm *a, int type, const char *text,
		       size_t len, uint64_t now_ms);
/* Hands over the events open for longer than max_ms. */
void auditevent_expire(struct auditevent_asm *a, uint64_t now_ms,
		       uint64_t max_ms);

#endif
