/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_NFTCHECK_H
#define VIGIL_NFTCHECK_H

#include "lib/nldump.h"

/* The table vigil.nft creates, and where that file is installed. */
#define NFTCHECK_FAMILY_NAME "inet"
#define NFTCHECK_TABLE "vigil"

/*
 * Ask nf_tables (over nl, a NETLINK_NETFILTER socket from nldump_open)
 * whether table inet vigil exists.  Returns 1 (yes), 0 (no), or -1 with
 * errno when the kernel could not be asked.  Needs CAP_NET_ADMIN.
 */
int nftcheck_table(struct nldump *nl);

#endif
