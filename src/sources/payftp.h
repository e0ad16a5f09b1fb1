/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_SOURCES_PAYFTP_H
#define VIGIL_SOURCES_PAYFTP_H

/*
 * Active-mode FTP, for the payload stage.  A client that logs in in
 * clear and then asks for data by PORT or EPRT gets it on a connection
 * the server opens back to it: inbound, from the server's side, made
 * by no local program the owner stage could name.  Each is one more
 * clear-text ftp connection of that client: a control connection in
 * clear is followed after its verdict for its PORT and EPRT lines (as
 * far as vigil.nft logs its packets), each line expects one connection
 * from the server to that address and port, and a new flow that meets
 * it is handed to the stage again as the control's flow (program,
 * endpoints), flagged ftp_data.  The connection may come first:
 * conntrack tells of it at once, where NFLOG hands the PORT line over
 * in batches (queue-threshold), up to a second later; so the inbound
 * flows of the last PAYFTP_RECENT_MS are kept (their ends only) and
 * met by a later line.  Nothing of the line is kept but the address
 * and port; bounded in count and time.
 */
#include <stdbool.h>
#include <stdint.h>

#include "model/events.h"
#include "sources/nflog.h"
#include "sources/payload_priv.h"

/* Controls followed, and expectations held, at most (oldest let go). */
#define PAYFTP_CTLS 256
#define PAYFTP_EXPECTS 1024
/* An expectation is met within this long, or let go. */
#define PAYFTP_EXPECT_MS 60000
/* Inbound connections kept for a PORT line read after them. */
#define PAYFTP_RECENT 256
#define PAYFTP_RECENT_MS 3000

struct payftp;

/*
 * A data connection met its PORT line: fe is its control's flow again
 * (program in fe->owner.exe, ftp_data set), valid during the call.
 */
typedef void (*payftp_met_fn)(void *data, const struct flow_event *fe);

/* NULL on ENOMEM. */
struct payftp *payftp_new(payftp_met_fn met, void *data);
void payftp_free(struct payftp *f);

/*
 * The flow k (client_lo: its client is the lower end) was decided an
 * ftp control connection in clear: follow it.  Its named event comes
 * later (payftp_named()), or never.
 */
void payftp_follow(struct payftp *f, const struct pay_key *k, bool client_lo);
/*
 * A followed control's named event, its program exe: kept while it is
 * followed.  A control this host serves (not from_local) is let go.
 */
void payftp_named(struct payftp *f, const struct pay_key *k,
		  const struct flow_event *fe, const char *exe);
/*
 * A packet of flow k (src_lo: sent by its lower end) after its verdict:
 * a followed control's client lines are read for PORT and EPRT (each
 * met at once by an inbound connection already seen).  Returns false
 * when k is not followed.
 */
bool payftp_packet(struct payftp *f, const struct pay_key *k, bool src_lo,
		   const struct pkt_view *pv, uint64_t now_ms);
/*
 * A new flow fe at now_ms: the data connection an expectation waits
 * for (then met), or an inbound one kept for a line read later.
 */
void payftp_data(struct payftp *f, const struct flow_event *fe,
		 uint64_t now_ms);
/* Data connections met, and met while their control had no name. */
uint64_t payftp_met(const struct payftp *f);
uint64_t payftp_unnamed(const struct payftp *f);
/* Flow k ended: a followed control is let go, with what it expects. */
void payftp_ended(struct payftp *f, const struct pay_key *k);
/* Expectations out of time let go. */
void payftp_expire(struct payftp *f, uint64_t now_ms);

#endif
