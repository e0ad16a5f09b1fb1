/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_SOURCES_NFLOG_H
#define VIGIL_SOURCES_NFLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/netaddr.h"

/*
 * The first packets of each flow, as vigil's nft table logs them to
 * NFLOG (rules/nft/vigil.nft: "ct packets < 24 ... log group 7411"),
 * read over libmnl with libnetfilter_log's message helpers.  Each
 * packet is handed over once, then wiped: its bytes live in one buffer
 * that core dumps leave out (MADV_DONTDUMP) and that is zeroed after
 * each read.
 */

/* The NFLOG group of vigil.nft's log rules; the snaplen they ask for. */
#define NFLOG_GROUP 7411
#define NFLOG_SNAPLEN 320

/* One logged packet: where it went and its transport payload. */
struct pkt_view {
	uint8_t proto;			/* IPPROTO_TCP, IPPROTO_UDP */
	struct net_addr src, dst;
	uint16_t sport, dport;
	const uint8_t *payload;		/* valid during the callback only */
	size_t len;			/* captured bytes of it; may be 0 */
	bool fin, rst;			/* TCP flags */
};

/*
 * Read an IPv4 or IPv6 packet (l3, as NFLOG copies it, cut at the
 * snaplen) down to its TCP or UDP payload.  Fragments after the first,
 * other transports and malformed headers are refused.  0, or -1.
 */
int pkt_parse(const uint8_t *l3, size_t len, struct pkt_view *pv);

struct nflogsrc;
struct loop;
typedef void (*nflogsrc_packet_fn)(void *data, const struct pkt_view *pv);

/*
 * Bind NFLOG_GROUP in the network namespace at ns (NULL: vigild's own)
 * with a socket buffer of rcvbuf bytes (the kernel charges only what
 * waits in it), and call fn for each packet.  NULL with errno: EBUSY when another
 * program holds the group, else socket(2)'s or the kernel's.
 */
struct nflogsrc *nflogsrc_open(struct loop *loop, const char *ns,
			       int rcvbuf, nflogsrc_packet_fn fn, void *data);
void nflogsrc_close(struct nflogsrc *n);
/* Packets handed over, and datagrams lost to a full socket buffer. */
uint64_t nflogsrc_packets(const struct nflogsrc *n);
uint64_t nflogsrc_overruns(const struct nflogsrc *n);

#endif
