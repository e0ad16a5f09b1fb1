// SPDX-License-Identifier: GPL-2.0-or-later
/* Synchronous netlink dumps and requests over libmnl. */
#include "build.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "lib/netns.h"
#include "lib/nldump.h"

/* MNL_SOCKET_DUMP_SIZE in newer libmnl: a page per message at most. */
#define NLDUMP_BUFSZ 32768

struct nldump {
	struct mnl_socket *nl;
	unsigned int portid;
	unsigned int seq;
	char *buf;
};

struct nldump *nldump_open(const char *netns, int bus)
{
	struct timeval tv = { .tv_sec = 1 };
	struct nldump *d = calloc(1, sizeof(*d));
	int fd = -1, saved;

	if (!d)
		return NULL;
	d->buf = malloc(NLDUMP_BUFSZ);
	if (!d->buf)
		goto err;
	fd = netns_socket(netns, AF_NETLINK, SOCK_RAW, bus);
	if (fd < 0)
		goto err;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
		goto err;
	d->nl = mnl_socket_fdopen(fd);
	if (!d->nl)
		goto err;
	fd = -1;
	if (mnl_socket_bind(d->nl, 0, MNL_SOCKET_AUTOPID) < 0)
		goto err;
	d->portid = mnl_socket_get_portid(d->nl);
	/* Any start will do; it only has to differ from stale answers. */
	d->seq = (unsigned int)getpid() << 16;
	return d;
err:
	saved = errno;
	if (fd >= 0)
		close(fd);
	nldump_close(d);
	errno = saved;
	return NULL;
}

void nldump_close(struct nldump *d)
{
	if (!d)
		return;
	if (d->nl)
		mnl_socket_close(d->nl);
	free(d->buf);
	free(d);
}

/* What one request came to. */
struct answer {
	bool done;		/* NLMSG_DONE or the ACK read */
	bool intr;		/* the kernel said the dump was interrupted */
	bool stopped;		/* cb asked to stop: read on, call it no more */
	int err;		/* first error (positive errno), 0: none */
};

/* Walk one datagram; returns false when it held the end. */
static bool walk(struct nldump *d, const char *buf, size_t len,
		 unsigned int seq, mnl_cb_t cb, void *data,
		 struct answer *a)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
	int n = (int)len, r;

	for (; mnl_nlmsg_ok(nlh, n); nlh = mnl_nlmsg_next(nlh, &n)) {
		if (!mnl_nlmsg_seq_ok(nlh, seq) ||
		    !mnl_nlmsg_portid_ok(nlh, d->portid))
			continue;	/* an earlier request's leftovers */
		if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
			a->intr = true;
		if (nlh->nlmsg_type == NLMSG_DONE) {
			const int *e = mnl_nlmsg_get_payload(nlh);

			if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(*e) &&
			    *e < 0 && !a->err)
				a->err = -*e;
			a->done = true;
			return false;
		}
		if (nlh->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

			if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*e)) {
				if (!a->err)
					a->err = EBADMSG;
			} else if (e->error && !a->err) {
				a->err = -e->error;
			}
			a->done = true;	/* an ACK, or the end of a failure */
			return false;
		}
		if (nlh->nlmsg_type < NLMSG_MIN_TYPE || a->err ||
		    a->stopped)
			continue;
		errno = 0;
		r = cb(nlh, data);
		if (r == MNL_CB_ERROR)
			a->err = errno ? errno : EIO;
		else if (r == MNL_CB_STOP)
			a->stopped = true;
	}
	return true;
}

static int run_once(struct nldump *d, struct nlmsghdr *req, mnl_cb_t cb,
		    void *data, struct answer *a)
{
	ssize_t n;

	req->nlmsg_seq = ++d->seq;
	if (mnl_socket_sendto(d->nl, req, req->nlmsg_len) < 0)
		return -1;
	while (!a->done) {
		n = mnl_socket_recvfrom(d->nl, d->buf, NLDUMP_BUFSZ);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			/* ENOBUFS: answers were lost, the end with them */
			return -1;
		}
		if (!walk(d, d->buf, (size_t)n, req->nlmsg_seq, cb, data, a))
			break;
	}
	return 0;
}

int nldump_run(struct nldump *d, struct nlmsghdr *req, mnl_cb_t cb,
	       void *data, void (*reset)(void *data))
{
	struct answer a;
	int tries;

	for (tries = 0; tries < NLDUMP_RETRIES; tries++) {
		a = (struct answer){ 0 };
		if (tries && reset)
			reset(data);
		if (run_once(d, req, cb, data, &a) < 0)
			return -1;
		if (a.err) {
			errno = a.err;
			return -1;
		}
		if (!a.intr)
			return 0;
	}
	errno = EINTR;
	return -1;
}
