/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_NLDUMP_H
#define VIGIL_NLDUMP_H

#include <libmnl/libmnl.h>

/*
 * A netlink socket (libmnl) for synchronous requests, opened in the
 * namespace at netns (NULL: our own).  Receives time out after a
 * second so a silent kernel cannot stall vigild.  NULL with errno.
 */
struct mnl_socket *nldump_open(const char *netns, int bus);

/*
 * Send req (its nlmsg_seq is set here) and feed every answer to cb
 * until NLMSG_DONE or the ACK.  Returns 0, or -1 with errno: that of
 * send/recv, the kernel's error, or EIO when cb failed.
 */
int nldump_run(struct mnl_socket *nl, struct nlmsghdr *req, mnl_cb_t cb,
	       void *data);

#endif
