// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What a hostile local user does to vigild, for tests/integration/
 * attacker.sh (run as nobody):
 *   attackhelper map FILE SECONDS        map FILE PROT_EXEC and wait
 *   attackhelper hold SOCKET N SECONDS   keep N idle connections open,
 *                                        reconnecting any that close
 *   attackhelper hammer SOCKET N SECONDS READ
 *                                        N connections asking for every
 *                                        finding again and again; READ
 *                                        "all": read each reply to its
 *                                        end, "none": never read one
 *   attackhelper probe SOCKET N          (root) N status requests one
 *                                        after another: the slowest and
 *                                        the median answer in ms
 */
#define _GNU_SOURCE
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

static int ask(const char *path, const char *req)
{
	int fd = conn(path);

	if (fd < 0)
		return -1;
	if (send(fd, req, strlen(req), MSG_NOSIGNAL) != (ssize_t)strlen(req)) {
		close(fd);
		return -1;
	}
	return fd;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int do_hammer(const char *path, int n, int secs, int read_all)
{
	static const char req[] = "{\"cmd\":\"findings\"}\n";
	static struct pollfd p[MAX_CONN];
	static char buf[65536];
	unsigned long requests = 0, complete = 0, busy = 0;
	unsigned long long bytes = 0;
	time_t end = time(NULL) + secs;
	int i;

	if (n > MAX_CONN)
		n = MAX_CONN;
	for (i = 0; i < n; i++) {
		p[i].fd = ask(path, req);
		p[i].events = read_all ? POLLIN : 0;
		requests += p[i].fd >= 0;
	}
	while (time(NULL) < end) {
		if (poll(p, (nfds_t)n, 100) < 0 && errno != EINTR)
			break;
		for (i = 0; i < n && read_all; i++) {
			ssize_t r;

			if (p[i].fd >= 0 && !(p[i].revents & (POLLIN | POLLHUP)))
				continue;
			if (p[i].fd >= 0) {
				r = recv(p[i].fd, buf, sizeof(buf), MSG_DONTWAIT);
				if (r > 0) {
					bytes += (unsigned long long)r;
					if (buf[r - 1] == '\n')
						complete++;
					if (r < 200 && memmem(buf, (size_t)r, "busy", 4))
						busy++;
					continue;
				}
				if (r < 0 && errno == EAGAIN)
					continue;
				close(p[i].fd);
			}
			p[i].fd = ask(path, req);
			requests += p[i].fd >= 0;
		}
		for (i = 0; i < n; i++)
			if (p[i].fd < 0 && (p[i].fd = ask(path, req)) >= 0)
				requests++;
	}
	printf("requests=%lu complete=%lu busy=%lu bytes=%llu\n", requests,
	       complete, busy, bytes);
	return 0;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int do_probe(const char *path, int n)
{
	static const char req[] = "{\"cmd\":\"status\"}\n";
	static char buf[65536];
	double t[1000], t0;
	int i, fd, got = 0;
	ssize_t r;

	if (n > 1000)
		n = 1000;
	for (i = 0; i < n; i++) {
		t0 = now_ms();
		fd = ask(path, req);
		if (fd < 0)
			return 1;
		while ((r = recv(fd, buf, sizeof(buf), 0)) > 0)
			;
		close(fd);
		t[got++] = now_ms() - t0;
		usleep(50000);
	}
	qsort(t, (size_t)got, sizeof(t[0]), by_value);
	printf("max_ms=%.1f median_ms=%.1f n=%d\n", t[got - 1], t[got / 2],
	       got);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "map"))
		return do_map(argv[2], atoi(argv[3]));
	if (argc == 5 && !strcmp(argv[1], "hold"))
		return do_hold(argv[2], atoi(argv[3]), atoi(argv[4]));
	if (argc == 6 && !strcmp(argv[1], "hammer"))
		return do_hammer(argv[2], atoi(argv[3]), atoi(argv[4]),
				 !strcmp(argv[5], "all"));
	if (argc == 4 && !strcmp(argv[1], "probe"))
		return do_probe(argv[2], atoi(argv[3]));
	fprintf(stderr, "usage: attackhelper map FILE SECONDS | hold SOCKET N SECONDS | hammer SOCKET N SECONDS all|none | probe SOCKET N\n");
	return 64;
}
