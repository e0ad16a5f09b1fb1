// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench helper: the least a conntrack event reader can do.  Joins the
 * NEW and DESTROY groups with a BUF-byte buffer, reads datagrams and
 * throws them away until SIGTERM, then prints how many it read and how
 * many times the kernel said events were lost (ENOBUFS).
 *   ctdiscard BUF
 */
#include <errno.h>
#include <linux/netfilter/nfnetlink_compat.h>
#include <linux/netlink.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	struct sockaddr_nl sa = {
		.nl_family = AF_NETLINK,
		.nl_groups = NF_NETLINK_CONNTRACK_NEW |
			     NF_NETLINK_CONNTRACK_DESTROY,
	};
	struct sigaction act = { .sa_handler = on_term };
	static char buf[65536];
	long datagrams = 0, enobufs = 0;
	int fd, size = argc > 1 ? atoi(argv[1]) : 1 << 20;

	sigaction(SIGTERM, &act, NULL);
	fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_NETFILTER);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("ctdiscard");
		return 1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size));
	printf("ready\n");
	fflush(stdout);
	while (!stop) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);

		if (n > 0)
			datagrams++;
		else if (n < 0 && errno == ENOBUFS)
			enobufs++;
	}
	printf("datagrams=%ld enobufs=%ld\n", datagrams, enobufs);
	return 0;
}
