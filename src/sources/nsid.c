// SPDX-License-Identifier: GPL-2.0-or-later
/* A namespace's id in vigild's namespace, assigned on need (nsid.h). */
#include "build.h"

#include <errno.h>
#include <linux/net_namespace.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "sources/nsid.h"

static int on_nsid(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *attr;
	int32_t *id = data;

	if (nlh->nlmsg_type != RTM_NEWNSID)
		return MNL_CB_OK;
	mnl_attr_for_each(attr, nlh, sizeof(struct rtgenmsg)) {
		if (mnl_attr_get_type(attr) == NETNSA_NSID &&
		    mnl_attr_get_payload_len(attr) == sizeof(int32_t))
			*id = (int32_t)mnl_attr_get_u32(attr);
	}
	return MNL_CB_OK;
}

/* RTM_GETNSID (ask) or RTM_NEWNSID (assign any free id) for nsfd. */
static int request(struct nldump *rt, int nsfd, uint16_t type, int32_t *id)
{
	char buf[256];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtgenmsg *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->rtgen_family = AF_UNSPEC;
	mnl_attr_put_u32(nlh, NETNSA_FD, (uint32_t)nsfd);
	if (type == RTM_NEWNSID)
		mnl_attr_put_u32(nlh, NETNSA_NSID,
				 (uint32_t)NETNSA_NSID_NOT_ASSIGNED);
	*id = NETNSA_NSID_NOT_ASSIGNED;
	return nldump_run(rt, nlh, on_nsid, id, NULL);
}

int32_t nsid_get(struct nldump *rt, int nsfd)
{
	int32_t id;

	if (request(rt, nsfd, RTM_GETNSID, &id) < 0)
		return -1;
	if (id >= 0)
		return id;
	/* EEXIST: another assigned one meanwhile; ask again either way */
	if (request(rt, nsfd, RTM_NEWNSID, &id) < 0 && errno != EEXIST)
		return -1;
	if (request(rt, nsfd, RTM_GETNSID, &id) < 0)
		return -1;
	if (id < 0) {
		errno = ENOENT;
		return -1;
	}
	return id;
}
