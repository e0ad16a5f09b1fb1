// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench helper: the least an NFLOG reader can do.  Binds GROUP with
 * packets copied up to 320 bytes (as vigild asks), reads datagrams and
 * throws them away until SIGTERM, then prints how many datagrams and
 * packets it read and how many times the kernel said some were lost.
 *   nflogdiscard GROUP BUF
 */
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <libnetfilter_log/libnetfilter_log.h>
#include <linux/netfilter/nfnetlink_log.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static int count(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(*(long *)data)++;
	return MNL_CB_OK;
}

static int config(struct mnl_socket *nl, unsigned int group, uint8_t cmd,
		  int mode)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nflog_nlmsg_put_header(buf, NFULNL_MSG_CONFIG,
						      AF_UNSPEC, group);
	ssize_t r;

	nlh->nlmsg_flags |= NLM_F_ACK;
	nlh->nlmsg_seq = (unsigned int)time(NULL);
	if (cmd)
		nflog_attr_put_cfg_cmd(nlh, cmd);
	if (mode) {
		nflog_attr_put_cfg_mode(nlh, NFULNL_COPY_PACKET, 320);
		mnl_attr_put_u32(nlh, NFULA_CFG_NLBUFSIZ, htonl(65536));
		mnl_attr_put_u32(nlh, NFULA_CFG_TIMEOUT, htonl(20));
	}
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -1;
	r = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	return r < 0 ? -1 : mnl_cb_run(buf, (size_t)r, nlh->nlmsg_seq,
				       mnl_socket_get_portid(nl), NULL, NULL);
}

int main(int argc, char **argv)
{
	struct sigaction act = { .sa_handler = on_term };
	static char buf[65536];
	long datagrams = 0, packets = 0, enobufs = 0;
	unsigned int group = argc > 1 ? (unsigned int)atoi(argv[1]) : 7412;
	int size = argc > 2 ? atoi(argv[2]) : 4 << 20;
	struct mnl_socket *nl;

	sigaction(SIGTERM, &act, NULL);
	nl = mnl_socket_open(NETLINK_NETFILTER);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0 ||
	    config(nl, group, NFULNL_CFG_CMD_BIND, 0) < 0 ||
	    config(nl, group, 0, 1) < 0) {
		perror("nflogdiscard");
		return 1;
	}
	setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVBUFFORCE, &size,
		   sizeof(size));
	printf("ready\n");
	fflush(stdout);
	while (!stop) {
		ssize_t n = recv(mnl_socket_get_fd(nl), buf, sizeof(buf), 0);

		if (n > 0) {
			datagrams++;
			mnl_cb_run(buf, (size_t)n, 0, 0, count, &packets);
		} else if (n < 0 && errno == ENOBUFS) {
			enobufs++;
		}
	}
	printf("datagrams=%ld packets=%ld enobufs=%ld\n", datagrams, packets,
	       enobufs);
	mnl_socket_close(nl);
	return 0;
}
