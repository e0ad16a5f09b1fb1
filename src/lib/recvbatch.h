/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_LIB_RECVBATCH_H
#define VIGIL_LIB_RECVBATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/coalesce.h"

/*
 * Datagrams read many at a time with recvmmsg(2): one system call for
 * a batch of netlink messages (audit sends one record per datagram,
 * conntrack one event), each into a buffer of its own.
 */
struct recvbatch;

/* n buffers of size bytes each.  NULL on ENOMEM. */
struct recvbatch *recvbatch_new(size_t n, size_t size);
void recvbatch_free(struct recvbatch *b);

/*
 * Keep each datagram's control messages too, for a netlink socket with
 * NETLINK_LISTEN_ALL_NSID: which namespace each came from.  0, or -1
 * with errno ENOMEM.
 */
int recvbatch_want_nsid(struct recvbatch *b);
/*
 * During a take() of recvbatch_turn(): the namespace id the datagram
 * came with, or -1 when it has none (it came from the socket's own
 * namespace).
 */
int recvbatch_nsid(const struct recvbatch *b);

/*
 * Reads the datagrams waiting on fd, at most n, without blocking.
 * Returns how many (0: none waited), or -1 with errno: ENOBUFS when
 * the socket's buffer overflowed and datagrams were lost (reading on
 * finds those after the loss), else recvmmsg's.
 */
int recvbatch_read(struct recvbatch *b, int fd);

/*
 * Datagram i of the last read: its bytes and length; *cut says that it
 * was longer than its buffer (the rest is gone).
 */
const char *recvbatch_get(const struct recvbatch *b, size_t i, size_t *len,
			  bool *cut);

/*
 * A turn's worth of fd (for a coalesce reader): batches until one
 * comes short, at most rounds of them and turn_ms long.  take() gets
 * each datagram; when it returns false, the turn ends with that batch
 * (the rest of the batch is still taken).  An overflow (ENOBUFS) calls
 * overrun() and reading goes on; another error ends the turn.
 * Returns what the turn found (enum coalesce_read).
 */
enum coalesce_read recvbatch_turn(struct recvbatch *b, int fd,
				  unsigned int rounds, unsigned int turn_ms,
				  bool (*take)(void *data, const char *d,
					       size_t len, bool cut),
				  void (*overrun)(void *data), void *data);

#endif
