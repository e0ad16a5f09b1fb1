// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Test and bench helper: many short TCP connections, bounded in count
 * and time.
 *   connhelper connect ADDR PORT COUNT [WORKERS [SECONDS]]
 *       COUNT connections in all, from WORKERS processes; each is
 *       closed at once with a reset (no TIME_WAIT).  Refused ones count
 *       too: they still make a conntrack entry.  Stops after SECONDS
 *       (default 60).  Prints "attempts=N established=N seconds=S".
 *       With CONNHELPER_WAIT set, it first waits for a byte on stdin
 *       (a bench starts its clients before it measures); with
 *       CONNHELPER_FLUSH set, it then flushes the namespace's
 *       conntrack table, so the entries' DESTROY events come now and
 *       not at the kernel's next garbage collection.  With
 *       CONNHELPER_SEND=http or tls, each connection first sends an
 *       http request, or the start of a TLS ClientHello (a flow with a
 *       payload to judge).
 *   connhelper serve PORT
 *       accept and close connections on PORT (v4 and v6) until SIGTERM.
 *   connhelper listen FIRSTPORT COUNT
 *       COUNT listeners (v4 and v6) on FIRSTPORT and the ports after
 *       it, accepting nothing, until SIGTERM; prints "listening=N".
 *   connhelper datagrams ADDR COUNT
 *       one UDP datagram each to COUNT distinct flows to ADDR (ports
 *       10000-59999, a new source socket every 50,000): COUNT conntrack
 *       entries that stay for the namespace's UDP timeout; prints
 *       "sent=N".
 */
#include <arpa/inet.h>
#include <errno.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Every entry of this namespace's conntrack table.  0, or -1. */
static int flush_conntrack(void)
{
	struct nfct_handle *h = nfct_open(CONNTRACK, 0);
	uint32_t family = AF_UNSPEC;
	int r;

	if (!h)
		return -1;
	r = nfct_query(h, NFCT_Q_FLUSH, &family);
	nfct_close(h);
	return r;
}

/* What CONNHELPER_SEND asks each connection to send first. */
static const char *send_bytes(size_t *len)
{
	static const char http[] = "GET / HTTP/1.0\r\nHost: bench\r\n\r\n";
	static const char tls[64] = "\x16\x03\x01\x00\x3b\x01\x00\x00\x37\x03\x03";
	const char *what = getenv("CONNHELPER_SEND");

	if (what && !strcmp(what, "http")) {
		*len = sizeof(http) - 1;
		return http;
	}
	if (what && !strcmp(what, "tls")) {
		*len = sizeof(tls);
		return tls;
	}
	*len = 0;
	return NULL;
}

static int do_connect(const char *host, const char *port, long count,
		      long workers, double limit)
{
	size_t slen;
	const char *sbytes = send_bytes(&slen);
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai;
	long *counts, w;
	double start, t;
	char go;
	int r;

	if (getenv("CONNHELPER_WAIT") && read(0, &go, 1) != 1)
		return 2;
	start = now();

	r = getaddrinfo(host, port, &hints, &ai);
	if (r) {
		fprintf(stderr, "connhelper: %s: %s\n", host, gai_strerror(r));
		return 2;
	}
	/* per worker: attempts, established */
	counts = mmap(NULL, (size_t)workers * 2 * sizeof(long),
		      PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1,
		      0);
	if (counts == MAP_FAILED)
		return 2;
	for (w = 0; w < workers; w++) {
		pid_t pid = fork();
		long i, mine = count / workers + (w < count % workers);

		if (pid < 0)
			return 2;
		if (pid)
			continue;
		for (i = 0; i < mine && now() - start < limit; i++) {
			struct linger lg = { 1, 0 };
			int fd = socket(ai->ai_family, SOCK_STREAM, 0);

			if (fd < 0)
				_exit(3);
			counts[w * 2]++;
			if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
				counts[w * 2 + 1]++;
				if (sbytes &&
				    send(fd, sbytes, slen, MSG_NOSIGNAL) < 0)
					_exit(3);
			}
			setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
			close(fd);
		}
		_exit(0);
	}
	while (wait(NULL) > 0 || errno == EINTR)
		;
	t = now() - start;
	for (w = 1; w < workers; w++) {
		counts[0] += counts[w * 2];
		counts[1] += counts[w * 2 + 1];
	}
	printf("attempts=%ld established=%ld seconds=%.3f\n", counts[0],
	       counts[1], t);
	freeaddrinfo(ai);
	if (getenv("CONNHELPER_FLUSH") && flush_conntrack() < 0) {
		perror("connhelper: conntrack flush");
		return 2;
	}
	return 0;
}

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static int do_serve(const char *port)
{
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6 };
	struct sigaction act = { .sa_handler = on_term };
	int fd, one = 1, zero = 0;

	sigaction(SIGTERM, &act, NULL);
	sigaction(SIGINT, &act, NULL);
	sa.sin6_port = htons((unsigned short)atoi(port));
	fd = socket(AF_INET6, SOCK_STREAM, 0);
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero,
		       sizeof(zero)) < 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(fd, 4096) < 0) {
		perror("connhelper: serve");
		return 2;
	}
	while (!stop) {
		int c = accept(fd, NULL, NULL);

		if (c >= 0)
			close(c);
	}
	return 0;
}

static int do_listen(long first, long count)
{
	struct rlimit rl = { .rlim_cur = (rlim_t)count + 64,
			     .rlim_max = (rlim_t)count + 64 };
	struct sigaction act = { .sa_handler = on_term };
	int one = 1, zero = 0;
	long i;

	sigaction(SIGTERM, &act, NULL);
	sigaction(SIGINT, &act, NULL);
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0) {
		perror("connhelper: listen: RLIMIT_NOFILE");
		return 2;
	}
	for (i = 0; i < count; i++) {
		struct sockaddr_in6 sa = { .sin6_family = AF_INET6 };
		int fd = socket(AF_INET6, SOCK_STREAM, 0);

		sa.sin6_port = htons((unsigned short)(first + i));
		if (fd < 0 ||
		    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
			       sizeof(one)) < 0 ||
		    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero,
			       sizeof(zero)) < 0 ||
		    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
		    listen(fd, 16) < 0) {
			perror("connhelper: listen");
			return 2;
		}
	}
	printf("listening=%ld\n", count);
	fflush(stdout);
	while (!stop)
		pause();
	return 0;
}

#define DGRAM_PORTS 50000

static int do_datagrams(const char *addr, long count)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	long i, sent = 0;
	int fd = -1;

	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
		fprintf(stderr, "connhelper: datagrams: not an IPv4 address\n");
		return 2;
	}
	for (i = 0; i < count; i++) {
		if (i % DGRAM_PORTS == 0) {
			if (fd >= 0)
				close(fd);
			fd = socket(AF_INET, SOCK_DGRAM, 0);
			if (fd < 0) {
				perror("connhelper: datagrams");
				return 2;
			}
		}
		sa.sin_port = htons((unsigned short)(10000 + i % DGRAM_PORTS));
		if (sendto(fd, "x", 1, 0, (struct sockaddr *)&sa,
			   sizeof(sa)) == 1)
			sent++;
	}
	if (fd >= 0)
		close(fd);
	printf("sent=%ld\n", sent);
	return sent == count ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc >= 5 && !strcmp(argv[1], "connect")) {
		long count = atol(argv[4]);
		long workers = argc > 5 ? atol(argv[5]) : 1;
		double limit = argc > 6 ? atof(argv[6]) : 60;

		if (count < 1 || count > 100000000 || workers < 1 ||
		    workers > 64 || limit <= 0 || limit > 3600) {
			fprintf(stderr, "connhelper: bad count, workers or seconds\n");
			return 2;
		}
		return do_connect(argv[2], argv[3], count, workers, limit);
	}
	if (argc == 3 && !strcmp(argv[1], "serve"))
		return do_serve(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "listen")) {
		long first = atol(argv[2]), count = atol(argv[3]);

		if (first < 1 || count < 1 || count > 60000 ||
		    first + count > 65536) {
			fprintf(stderr, "connhelper: bad ports\n");
			return 2;
		}
		return do_listen(first, count);
	}
	if (argc == 4 && !strcmp(argv[1], "datagrams")) {
		long count = atol(argv[3]);

		if (count < 1 || count > 1000000) {
			fprintf(stderr, "connhelper: bad count\n");
			return 2;
		}
		return do_datagrams(argv[2], count);
	}
	fprintf(stderr, "usage: connhelper connect ADDR PORT COUNT [WORKERS [SECONDS]]\n"
			"       connhelper serve PORT\n"
			"       connhelper listen FIRSTPORT COUNT\n"
			"       connhelper datagrams ADDR COUNT\n");
	return 2;
}
