// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Test helper.
 *   sockhelper sink PATH OUT    receive datagrams on a Unix socket at
 *                               PATH (a syslog sink), one line each in
 *                               OUT, until SIGTERM
 *   sockhelper send PATH        send stdin as-is to the stream socket at
 *                               PATH, print the reply
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	stop = 1;
}

static int addr(const char *path, struct sockaddr_un *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa->sun_path))
		return -1;
	strcpy(sa->sun_path, path);
	return 0;
}

static int sink(const char *path, const char *out)
{
	struct sigaction act = { .sa_handler = on_term };
	struct sockaddr_un sa;
	char buf[65536];
	FILE *f;
	int fd;

	if (addr(path, &sa) < 0)
		return 2;
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	unlink(path);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("bind");
		return 1;
	}
	chmod(path, 0666);
	f = fopen(out, "a");
	if (!f)
		return 1;
	setvbuf(f, NULL, _IOLBF, 0);
	sigaction(SIGTERM, &act, NULL);
	sigaction(SIGINT, &act, NULL);
	while (!stop) {
		ssize_t n = recv(fd, buf, sizeof(buf) - 1, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		/* Raw bytes, one datagram per line: the test checks them. */
		fwrite(buf, 1, (size_t)n, f);
		fputc('\n', f);
	}
	fclose(f);
	unlink(path);
	return 0;
}

static int send_stdin(const char *path)
{
	struct sockaddr_un sa;
	char buf[65536];
	ssize_t n;
	int fd;

	if (addr(path, &sa) < 0)
		return 2;
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("connect");
		return 1;
	}
	while ((n = read(0, buf, sizeof(buf))) > 0)
		if (send(fd, buf, (size_t)n, MSG_NOSIGNAL) < 0)
			break;
	while ((n = recv(fd, buf, sizeof(buf), 0)) > 0)
		fwrite(buf, 1, (size_t)n, stdout);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "sink"))
		return sink(argv[2], argv[3]);
	if (argc == 3 && !strcmp(argv[1], "send"))
		return send_stdin(argv[2]);
	fprintf(stderr, "usage: sockhelper sink PATH OUT | send PATH\n");
	return 2;
}
