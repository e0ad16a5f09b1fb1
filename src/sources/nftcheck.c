// SPDX-License-Identifier: GPL-2.0-or-later
/* Is the "table inet vigil" of vigil.nft loaded? */
#include "build.h"

#include <errno.h>
#include <string.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#include "sources/nftcheck.h"
#include "lib/nldump.h"

static int on_table(const struct nlmsghdr *nlh, void *data)
{
	int *found = data;

	if ((nlh->nlmsg_type & 0xff) == NFT_MSG_NEWTABLE)
		*found = 1;
	return MNL_CB_OK;
}

int nftcheck_table(struct nldump *nl)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct nfgenmsg *nfg;
	int found = 0;

	/* Attribute padding is not written by libmnl: send no stack bytes. */
	memset(buf, 0, 256);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_GETTABLE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = NFPROTO_INET;
	nfg->version = NFNETLINK_V0;
	nfg->res_id = 0;
	mnl_attr_put_strz(nlh, NFTA_TABLE_NAME, NFTCHECK_TABLE);
	if (nldump_run(nl, nlh, on_table, &found, NULL) < 0) {
		if (errno == ENOENT)
			return 0;
		return -1;
	}
	return found;
}
