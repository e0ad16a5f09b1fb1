/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_LIB_NLDUMP_H
#define VIGIL_LIB_NLDUMP_H

#include <libmnl/libmnl.h>

/* An interrupted dump (NLM_F_DUMP_INTR) is restarted this often at most. */
#define NLDUMP_RETRIES 4

/*
 * A netlink socket (libmnl) for synchronous requests and dumps, with
 * its own sequence counter.  Receives time out after a second so a
 * silent kernel cannot stall vigild.
 */
struct nldump;

/* Open in the namespace at netns (NULL: our own).  NULL with errno. */
struct nldump *nldump_open(const char *netns, int bus);
void nldump_close(struct nldump *d);

/*
 * Send req (its nlmsg_seq is set here) and feed every answer to cb
 * until NLMSG_DONE or the ACK.  The answer is always read to its end,
 * even after cb or the kernel failed, so the next request does not
 * read this one's leftovers (stale answers are skipped by sequence).
 * A dump the kernel marks as interrupted (its table changed meanwhile,
 * NLM_F_DUMP_INTR) is run again, calling reset(data) first so partial
 * results can be thrown away; reset may be NULL.
 *
 * Returns 0, or -1 with errno: that of send/recv (EAGAIN: timed out),
 * the kernel's error, EIO when cb failed without setting errno, EINTR
 * when the dump stayed interrupted NLDUMP_RETRIES times.
 */
int nldump_run(struct nldump *d, struct nlmsghdr *req, mnl_cb_t cb,
	       void *data, void (*reset)(void *data));

#endif
