// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench helper: the least a reader of the conntrack table can do.
 * Asks the kernel for a dump of the table, as vigild does at start
 * (IPCTNL_MSG_CT_GET, NLM_F_DUMP, every family), reads it with a
 * BUF-byte buffer and throws it away, then prints how many entries it
 * read and its own CPU in ms (the scheduler's count, as bench_cpu_ms
 * takes vigild's): the kernel's cost of writing the table out, and the
 * floor under any reader of it.
 *   ctdumpdiscard [BUF]
 */
#include <errno.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static char buf[1 << 20];

/* Entries in one datagram; 1 once the dump's end is in it, -1 on error. */
static int count(const char *p, size_t n, long *entries)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)p;
	int len = (int)n;

	for (; NLMSG_OK(nlh, len); nlh = NLMSG_NEXT(nlh, len)) {
		if (nlh->nlmsg_type == NLMSG_DONE)
			return 1;
		if (nlh->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = NLMSG_DATA(nlh);

			errno = -e->error;
			return -1;
		}
		(*entries)++;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct {
		struct nlmsghdr nlh;
		struct nfgenmsg nfh;
	} req = {
		.nlh = {
			.nlmsg_len = sizeof(req),
			.nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) |
				      IPCTNL_MSG_CT_GET,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
			.nlmsg_seq = 1,
		},
		.nfh = { .nfgen_family = AF_UNSPEC,
			 .version = NFNETLINK_V0 },
	};
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	size_t size = argc > 1 ? strtoul(argv[1], NULL, 10) : 1 << 16;
	unsigned long long ns = 0;
	long entries = 0;
	FILE *f;
	int fd, r = 0;

	if (size < 4096 || size > sizeof(buf)) {
		fprintf(stderr, "ctdumpdiscard: BUF must be 4096..%zu\n",
			sizeof(buf));
		return 2;
	}
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    send(fd, &req, sizeof(req), 0) < 0) {
		perror("ctdumpdiscard");
		return 1;
	}
	while (r == 0) {
		ssize_t n = recv(fd, buf, size, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			perror("ctdumpdiscard: recv");
			return 1;
		}
		r = count(buf, (size_t)n, &entries);
	}
	if (r < 0) {
		perror("ctdumpdiscard: dump");
		return 1;
	}
	f = fopen("/proc/self/schedstat", "r");
	if (!f || fscanf(f, "%llu", &ns) != 1) {
		perror("ctdumpdiscard: /proc/self/schedstat");
		return 1;
	}
	fclose(f);
	printf("%ld %llu\n", entries, ns / 1000000);
	return 0;
}
