// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * NFLOG reader (nflog.h): binds vigil's group, reads the batches the
 * kernel sends (many packets per datagram), parses each packet down to
 * its TCP or UDP payload and hands it to the payload stage, then wipes
 * the buffer.  Nothing of a payload outlives the callback.
 */
#include "build.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <libnetfilter_log/libnetfilter_log.h>
#include <linux/netfilter/nfnetlink_log.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/loop.h"
#include "lib/netns.h"
#include "sources/nflog.h"

/* What the kernel may batch in one datagram (NFULA_CFG_NLBUFSIZ). */
#define NFLOG_NLBUFSIZ 65536
/* Flush a batch after 0.1 s even when not full: verdicts come soon. */
#define NFLOG_FLUSH_CS 10
/* Datagrams read per turn of the loop. */
#define NFLOG_ROUNDS 16

struct nflogsrc {
	struct loop *loop;
	struct mnl_socket *nl;
	nflogsrc_packet_fn fn;
	void *data;
	uint8_t *buf;		/* NFLOG_NLBUFSIZ, never in a core */
	uint64_t packets, overruns, refused;
};

int pkt_parse(const uint8_t *p, size_t len, struct pkt_view *pv)
{
	size_t hl, th;
	uint8_t proto;

	memset(pv, 0, sizeof(*pv));
	if (len < 1)
		return -1;
	switch (p[0] >> 4) {
	case 4:
		hl = (size_t)(p[0] & 0x0f) * 4;
		if (hl < 20 || len < hl)
			return -1;
		/* a later fragment has no transport header */
		if (((p[6] << 8) | p[7]) & 0x1fff)
			return -1;
		proto = p[9];
		net_addr_set(&pv->src, AF_INET, p + 12);
		net_addr_set(&pv->dst, AF_INET, p + 16);
		break;
	case 6:
		if (len < 40)
			return -1;
		proto = p[6];
		net_addr_set(&pv->src, AF_INET6, p + 8);
		net_addr_set(&pv->dst, AF_INET6, p + 24);
		hl = 40;
		/* hop-by-hop, routing, destination options; first fragment */
		while (proto == 0 || proto == 43 || proto == 60 ||
		       proto == 44) {
			if (len < hl + 8)
				return -1;
			if (proto == 44) {
				if (((p[hl + 2] << 8) | p[hl + 3]) & 0xfff8)
					return -1;
				proto = p[hl];
				hl += 8;
				continue;
			}
			proto = p[hl];
			hl += ((size_t)p[hl + 1] + 1) * 8;
		}
		break;
	default:
		return -1;
	}
	if (proto == IPPROTO_TCP) {
		if (len < hl + 20)
			return -1;
		th = (size_t)(p[hl + 12] >> 4) * 4;
		if (th < 20 || len < hl + th)
			return -1;
		pv->fin = (p[hl + 13] & 0x01) != 0;
		pv->rst = (p[hl + 13] & 0x04) != 0;
	} else if (proto == IPPROTO_UDP) {
		th = 8;
		if (len < hl + th)
			return -1;
	} else {
		return -1;
	}
	pv->proto = proto;
	pv->sport = (uint16_t)((p[hl] << 8) | p[hl + 1]);
	pv->dport = (uint16_t)((p[hl + 2] << 8) | p[hl + 3]);
	pv->payload = p + hl + th;
	pv->len = len - hl - th;
	return 0;
}

static int on_packet(const struct nlmsghdr *nlh, void *data)
{
	struct nlattr *attr[NFULA_MAX + 1] = { NULL };
	struct nflogsrc *n = data;
	struct pkt_view pv;

	if (nflog_nlmsg_parse(nlh, attr) < 0 || !attr[NFULA_PAYLOAD])
		return MNL_CB_OK;
	if (pkt_parse(mnl_attr_get_payload(attr[NFULA_PAYLOAD]),
		      mnl_attr_get_payload_len(attr[NFULA_PAYLOAD]), &pv) < 0) {
		n->refused++;
		return MNL_CB_OK;
	}
	n->packets++;
	n->fn(n->data, &pv);
	return MNL_CB_OK;
}

static void on_readable(struct loop *loop, int fd, uint32_t events,
			void *data)
{
	struct nflogsrc *n = data;
	int round;
	ssize_t r;

	(void)loop;
	(void)events;
	for (round = 0; round < NFLOG_ROUNDS; round++) {
		r = recv(fd, n->buf, NFLOG_NLBUFSIZ, MSG_DONTWAIT);
		if (r < 0 && errno == ENOBUFS) {
			/* lost: their flows are judged by port */
			n->overruns++;
			continue;
		}
		if (r <= 0)
			break;
		mnl_cb_run(n->buf, (size_t)r, 0, 0, on_packet, n);
		explicit_bzero(n->buf, (size_t)r);
	}
}

/* One NFULNL_MSG_CONFIG request, acknowledged.  0, or -1 with errno. */
static int configure(struct nflogsrc *n, uint8_t cmd, bool mode)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	unsigned int seq = (unsigned int)time(NULL), portid;
	ssize_t r;

	nlh = nflog_nlmsg_put_header(buf, NFULNL_MSG_CONFIG, AF_UNSPEC,
				     NFLOG_GROUP);
	nlh->nlmsg_flags |= NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	if (cmd != NFULNL_CFG_CMD_NONE)
		nflog_attr_put_cfg_cmd(nlh, cmd);
	if (mode) {
		nflog_attr_put_cfg_mode(nlh, NFULNL_COPY_PACKET,
					NFLOG_SNAPLEN);
		mnl_attr_put_u32(nlh, NFULA_CFG_NLBUFSIZ,
				 htonl(NFLOG_NLBUFSIZ));
		mnl_attr_put_u32(nlh, NFULA_CFG_TIMEOUT,
				 htonl(NFLOG_FLUSH_CS));
	}
	if (mnl_socket_sendto(n->nl, nlh, nlh->nlmsg_len) < 0)
		return -1;
	portid = mnl_socket_get_portid(n->nl);
	r = mnl_socket_recvfrom(n->nl, buf, sizeof(buf));
	if (r < 0)
		return -1;
	return mnl_cb_run(buf, (size_t)r, seq, portid, NULL, NULL) < 0 ?
	       -1 : 0;
}

struct nflogsrc *nflogsrc_open(struct loop *loop, const char *ns,
			       int rcvbuf, nflogsrc_packet_fn fn, void *data)
{
	struct nflogsrc *n = calloc(1, sizeof(*n));
	int saved, fd;

	if (!n)
		return NULL;
	n->loop = loop;
	n->fn = fn;
	n->data = data;
	n->buf = mmap(NULL, NFLOG_NLBUFSIZ, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (n->buf == MAP_FAILED) {
		n->buf = NULL;
		goto fail;
	}
	/* payloads carry passwords: never in a core dump */
	if (madvise(n->buf, NFLOG_NLBUFSIZ, MADV_DONTDUMP) < 0)
		goto fail;
	fd = netns_socket(ns, AF_NETLINK, SOCK_RAW, NETLINK_NETFILTER);
	if (fd < 0)
		goto fail;
	n->nl = mnl_socket_fdopen(fd);
	if (!n->nl) {
		close(fd);
		goto fail;
	}
	if (mnl_socket_bind(n->nl, 0, MNL_SOCKET_AUTOPID) < 0)
		goto fail;
	/* room for bursts; beyond it flows fall back to their port */
	setsockopt(mnl_socket_get_fd(n->nl), SOL_SOCKET, SO_RCVBUFFORCE,
		   &rcvbuf, sizeof(rcvbuf));
	if (configure(n, NFULNL_CFG_CMD_BIND, false) < 0 ||
	    configure(n, NFULNL_CFG_CMD_NONE, true) < 0)
		goto fail;
	if (loop_add_fd(loop, mnl_socket_get_fd(n->nl), EPOLLIN, on_readable,
			n) < 0)
		goto fail;
	return n;
fail:
	saved = errno;
	nflogsrc_close(n);
	errno = saved;
	return NULL;
}

void nflogsrc_close(struct nflogsrc *n)
{
	if (!n)
		return;
	if (n->nl) {
		loop_del_fd(n->loop, mnl_socket_get_fd(n->nl));
		mnl_socket_close(n->nl);
	}
	if (n->buf) {
		explicit_bzero(n->buf, NFLOG_NLBUFSIZ);
		munmap(n->buf, NFLOG_NLBUFSIZ);
	}
	free(n);
}

uint64_t nflogsrc_packets(const struct nflogsrc *n)
{
	return n ? n->packets : 0;
}

uint64_t nflogsrc_overruns(const struct nflogsrc *n)
{
	return n ? n->overruns : 0;
}
