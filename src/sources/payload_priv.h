/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_PAYLOAD_PRIV_H
#define VIGIL_PAYLOAD_PRIV_H

/*
 * The payload stage's insides, shared by payload.c (the module: NFLOG
 * readers per namespace, counters) and payflow.c (following each flow
 * to its verdict).  Nothing else includes it.
 */
#include <stdbool.h>
#include <stdint.h>

#include "core/module.h"
#include "lib/hash.h"
#include "model/events.h"
#include "sources/nflog.h"
#include "sources/pdecode.h"

/* How long a new flow waits for its payload, and the check's period. */
#define PAY_WAIT_MS 2000
#define PAY_TICK_MS 250
/* Flows held at once; beyond, they go on unheld (counted). */
#define PAY_HELD_MAX 16384
/* Flows released unseen, no packet ever logged: the log rule is missing. */
#define PAY_SILENT_MAX 20
/* A flow followed whose named event never came is dropped after this. */
#define PAY_FORGET_MS 30000

/*
 * A flow's two ends, the lower first, whichever sent: the hash key
 * (memset whole), so that a packet of either side is one lookup.
 */
struct pay_key {
	uint64_t netns;		/* 0: the watched namespace */
	struct net_addr lo, hi;
	uint16_t lo_port, hi_port;
	uint8_t proto;
};

struct payftp;

/* A namespace whose packets are read: the watched one, and others. */
struct pay_ns {
	uint64_t netns;
	struct payload *p;
	struct nflogsrc *log;
	UT_hash_handle hh;
};

/* A new flow followed: its decoder state, and its event once named. */
struct held {
	struct pay_key key;
	struct pd_flow st;
	uint64_t since_ms;	/* conntrack's NEW */
	enum pd_verdict verdict;	/* what it said, once done */
	bool done;		/* decided, or ended, or out of time */
	bool client_lo;		/* the client is the key's lower end */
	uint8_t fins;		/* 1: the client's FIN seen, 2: the server's */
	struct flow_event *fe;	/* NULL until EV_FLOW; all but owner.exe */
	char *exe;
	struct held *prev, *next;	/* in arrival order */
	UT_hash_handle hh;
};

struct payload {
	const struct vigil_env *env;
	struct pay_ns *readers;		/* by netns */
	struct loop_timer *tick;
	struct held *by_key;		/* hash */
	struct held *queue;		/* oldest first */
	size_t nheld;
	bool silent_warned;
	struct flow_event out;		/* what is published */
	struct payftp *ftp;		/* active-mode ftp (payftp.h) */
	uint64_t *held_ctr, *unheld, *clear, *upgraded, *encrypted;
	uint64_t *unknown, *not_seen, *unmatched, *packets, *overruns;
	uint64_t *active, *forgotten, *silent;
	uint64_t *ftp_data, *ftp_unnamed;
};

/* The key of a packet or flow from a to b; true if a is its lower end. */
bool payload_key(struct pay_key *k, uint64_t netns, uint8_t proto,
		 const struct net_addr *a, uint16_t aport,
		 const struct net_addr *b, uint16_t bport);
struct pay_ns *payload_reader_of(const struct payload *p, uint64_t netns);
/* nflogsrc's: one packet of a flow followed, read in place. */
void payload_on_packet(void *data, const struct pkt_view *pv);
/* EV_CONNTRACK: a new flow followed; EV_FLOW: on, or held. */
void payload_on_conntrack(void *data, enum engine_event type,
			  const void *ev);
void payload_on_flow(void *data, enum engine_event type, const void *ev);
/* Flows out of time let go, and their followers forgotten. */
void payload_on_tick(struct loop *loop, struct loop_timer *t, void *data);

#endif
