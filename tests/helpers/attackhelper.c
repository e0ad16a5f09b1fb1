// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What a hostile local user does to vigild, for tests/integration/
 * attacker.sh (run as nobody):
 *   attackhelper map FILE SECONDS        map FILE PROT_EXEC and wait
 *   attackhelper hold SOCKET N SECONDS   keep N idle connections open,
 *                                        reconnecting any that close
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONN 1000

static int do_map(const char *path, int secs)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	void *p;

	if (fd < 0) {
		perror(path);
		return 1;
	}
	p = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	close(fd);
	sleep((unsigned int)secs);
	return 0;
}

static int conn(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int do_hold(const char *path, int n, int secs)
{
	static struct pollfd p[MAX_CONN];
	time_t end = time(NULL) + secs;
	unsigned long reconnects = 0;
	int i;

	if (n > MAX_CONN)
		n = MAX_CONN;
	for (i = 0; i < n; i++) {
		p[i].fd = conn(path);
		p[i].events = POLLIN;
	}
	while (time(NULL) < end) {
		if (poll(p, (nfds_t)n, 100) < 0 && errno != EINTR)
			break;
		for (i = 0; i < n; i++) {
			char c;

			if (p[i].fd >= 0 && !(p[i].revents & (POLLIN | POLLHUP)))
				continue;
			if (p[i].fd >= 0 && recv(p[i].fd, &c, 1, MSG_DONTWAIT) > 0)
				continue;
			if (p[i].fd >= 0)
				close(p[i].fd);
			p[i].fd = conn(path);
			reconnects++;
		}
	}
	printf("reconnects=%lu\n", reconnects);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "map"))
		return do_map(argv[2], atoi(argv[3]));
	if (argc == 5 && !strcmp(argv[1], "hold"))
		return do_hold(argv[2], atoi(argv[3]), atoi(argv[4]));
	fprintf(stderr, "usage: attackhelper map FILE SECONDS | hold SOCKET N SECONDS\n");
	return 64;
}
