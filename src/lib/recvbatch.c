// SPDX-License-Identifier: GPL-2.0-or-later
/* Datagrams read in batches: see recvbatch.h. */
#include "build.h"

#include <errno.h>
#include <stdlib.h>
#include <linux/netlink.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/recvbatch.h"

struct recvbatch {
	size_t n, size;
	struct mmsghdr *msgs;
	struct iovec *iov;
	char *buf;
	char *ctl;		/* per datagram, with recvbatch_want_nsid() */
	size_t ctl_size;
	size_t cur;		/* the datagram recvbatch_turn() hands out */
};

struct recvbatch *recvbatch_new(size_t n, size_t size)
{
	struct recvbatch *b = calloc(1, sizeof(*b));
	size_t i;

	if (!b || !n || !size)
		goto fail;
	b->n = n;
	b->size = size;
	b->msgs = calloc(n, sizeof(*b->msgs));
	b->iov = calloc(n, sizeof(*b->iov));
	b->buf = calloc(n, size);
	if (!b->msgs || !b->iov || !b->buf)
		goto fail;
	for (i = 0; i < n; i++) {
		b->iov[i].iov_base = b->buf + i * size;
		b->iov[i].iov_len = size;
		b->msgs[i].msg_hdr.msg_iov = &b->iov[i];
		b->msgs[i].msg_hdr.msg_iovlen = 1;
	}
	return b;
fail:
	recvbatch_free(b);
	errno = ENOMEM;
	return NULL;
}

void recvbatch_free(struct recvbatch *b)
{
	if (!b)
		return;
	free(b->msgs);
	free(b->iov);
	free(b->buf);
	free(b->ctl);
	free(b);
}

int recvbatch_want_nsid(struct recvbatch *b)
{
	b->ctl_size = CMSG_SPACE(sizeof(int));
	b->ctl = calloc(b->n, b->ctl_size);
	if (!b->ctl) {
		b->ctl_size = 0;
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

int recvbatch_nsid(const struct recvbatch *b)
{
	const struct msghdr *mh;
	struct cmsghdr *c;
	int id;

	if (!b->ctl)
		return -1;
	mh = &b->msgs[b->cur].msg_hdr;
	for (c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR((struct msghdr *)mh, c))
		if (c->cmsg_level == SOL_NETLINK &&
		    c->cmsg_type == NETLINK_LISTEN_ALL_NSID &&
		    c->cmsg_len >= CMSG_LEN(sizeof(int))) {
			memcpy(&id, CMSG_DATA(c), sizeof(id));
			return id;
		}
	return -1;
}

int recvbatch_read(struct recvbatch *b, int fd)
{
	size_t i;
	int n;

	for (i = 0; i < b->n; i++) {
		b->msgs[i].msg_hdr.msg_flags = 0;
		/* the kernel shortens it to what it wrote: set it again */
		if (b->ctl) {
			b->msgs[i].msg_hdr.msg_control = b->ctl +
							 i * b->ctl_size;
			b->msgs[i].msg_hdr.msg_controllen = b->ctl_size;
		}
	}
	do
		n = recvmmsg(fd, b->msgs, (unsigned int)b->n, MSG_DONTWAIT,
			     NULL);
	while (n < 0 && errno == EINTR);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return 0;
	return n;
}

const char *recvbatch_get(const struct recvbatch *b, size_t i, size_t *len,
			  bool *cut)
{
	*cut = b->msgs[i].msg_hdr.msg_flags & MSG_TRUNC;
	*len = b->msgs[i].msg_len;
	return b->iov[i].iov_base;
}

enum coalesce_read recvbatch_turn(struct recvbatch *b, int fd,
				  unsigned int rounds, unsigned int turn_ms,
				  bool (*take)(void *data, const char *d,
					       size_t len, bool cut),
				  void (*overrun)(void *data), void *data)
{
	uint64_t start = loop_now_ms();
	unsigned int round;
	size_t total = 0;
	bool go_on = true;
	int i, n;

	for (round = 0; round < rounds && loop_now_ms() - start < turn_ms;
	     round++) {
		n = recvbatch_read(b, fd);
		if (n < 0 && errno == ENOBUFS) {
			overrun(data);
			continue;
		}
		if (n > 0)
			total += (size_t)n;
		for (i = 0; i < n; i++) {
			b->cur = (size_t)i;
			if (!take(data, b->iov[i].iov_base, b->msgs[i].msg_len,
				  b->msgs[i].msg_hdr.msg_flags & MSG_TRUNC))
				go_on = false;
		}
		if (!go_on)
			return COALESCE_READ;
		/* a short batch, or an error: nothing more waits now */
		if (n < 0 || (size_t)n < b->n)
			return total ? COALESCE_READ : COALESCE_EMPTY;
	}
	return COALESCE_MORE;
}
