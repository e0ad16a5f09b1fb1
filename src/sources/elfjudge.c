// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The ELF judging helper: one long-lived child process, a SOCK_SEQPACKET
 * pair, one request (a descriptor) and one reply (a verdict) at a time.
 */
#include "build.h"

#include <cap-ng.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <libelf.h>
#include <poll.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/sysmacros.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sources/elfjudge.h"
#include "lib/log.h"

#define NOBODY 65534

struct reply {
	int rc;
	int err;
	struct elf_verdict v;
};

struct elf_judge {
	pid_t pid;
	int sock;
	uint64_t *crashes, *timeouts;
};

/* What the helper may do once it is sandboxed: read, answer, exit. */
static const int allowed[] = {
	SCMP_SYS(read), SCMP_SYS(pread64), SCMP_SYS(lseek),
	SCMP_SYS(fstat), SCMP_SYS(newfstatat), SCMP_SYS(close),
	SCMP_SYS(recvmsg), SCMP_SYS(sendmsg), SCMP_SYS(sendto),
	SCMP_SYS(write),
	SCMP_SYS(brk), SCMP_SYS(mmap), SCMP_SYS(munmap), SCMP_SYS(mremap),
	SCMP_SYS(madvise), SCMP_SYS(futex), SCMP_SYS(getrandom),
	SCMP_SYS(rt_sigreturn), SCMP_SYS(rt_sigprocmask), SCMP_SYS(getpid),
	SCMP_SYS(gettid), SCMP_SYS(tgkill), SCMP_SYS(exit),
	SCMP_SYS(exit_group),
};

static int sandbox(void)
{
	struct rlimit as = { ELF_JUDGE_MAX_AS, ELF_JUDGE_MAX_AS };
	struct rlimit nofile = { 8, 8 }, zero = { 0, 0 };
	scmp_filter_ctx ctx;
	size_t i;
	int r;

	if (setrlimit(RLIMIT_AS, &as) < 0 || setrlimit(RLIMIT_NOFILE, &nofile) < 0 ||
	    setrlimit(RLIMIT_CORE, &zero) < 0 ||
	    setrlimit(RLIMIT_FSIZE, &zero) < 0)
		return -1;
	/*
	 * Act as nobody (effective ids) when vigild may still switch;
	 * never fatal if not.  The real and saved uid stay vigild's: only
	 * it may signal the helper (a nobody process may not kill it to
	 * make verdicts "unknown"), and the filter below forbids the
	 * setuid calls that could take them back.
	 */
	if (geteuid() == 0 && setgroups(0, NULL) == 0 &&
	    setresgid(NOBODY, NOBODY, NOBODY) == 0)
		(void)!setresuid(0, NOBODY, 0);
	capng_clear(CAPNG_SELECT_BOTH);
	if (capng_apply(CAPNG_SELECT_CAPS) < 0)
		return -1;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -1;
	ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	if (!ctx)
		return -1;
	r = 0;
	for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]) && !r; i++)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allowed[i], 0);
	/* libelf checks its descriptor with fcntl(F_GETFD): that only. */
	if (!r)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(fcntl), 1,
				     SCMP_A1(SCMP_CMP_EQ, F_GETFD));
	if (!r)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(fcntl), 1,
				     SCMP_A1(SCMP_CMP_EQ, F_GETFL));
	if (!r)
		r = seccomp_load(ctx);
	seccomp_release(ctx);
	return r ? -1 : 0;
}

static int recv_fd(int sock)
{
	char byte, cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { &byte, 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c;
	ssize_t n;
	int fd;

	n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	if (n <= 0)
		return -2;	/* vigild is gone: exit */
	c = CMSG_FIRSTHDR(&msg);
	if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
	    c->cmsg_len != CMSG_LEN(sizeof(int)))
		return -1;
	memcpy(&fd, CMSG_DATA(c), sizeof(fd));
	return fd;
}

static void __attribute__((noreturn)) helper_main(int sock)
{
	struct reply r;
	int fd;

	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	prctl(PR_SET_NAME, "vigild-elf", 0, 0, 0);
	/* Nothing of vigild's but the socket and stdio stays open. */
	if (dup2(sock, 3) < 0 || close_range(4, ~0U, 0) < 0)
		_exit(1);
	sock = 3;
	elf_version(EV_CURRENT);
	if (sandbox() < 0)
		_exit(1);
	/* Only now may vigild hand it anything. */
	if (send(sock, "R", 1, MSG_NOSIGNAL) != 1)
		_exit(1);
	for (;;) {
		fd = recv_fd(sock);
		if (fd == -2)
			_exit(0);
		memset(&r, 0, sizeof(r));
		if (fd < 0) {
			r.rc = -1;
			r.err = EBADF;
		} else {
			r.rc = elf_analyze_fd(fd, &r.v);
			r.err = r.rc < 0 ? errno : 0;
			close(fd);
		}
		if (send(sock, &r, sizeof(r), MSG_NOSIGNAL) != sizeof(r))
			_exit(1);
	}
}

static int stop(struct elf_judge *j);

/* The helper says "R" once it is sandboxed, or dies trying. */
static int await_ready(int sock)
{
	struct pollfd pfd = { .fd = sock, .events = POLLIN };
	char c;
	int p;

	do
		p = poll(&pfd, 1, ELF_JUDGE_TIMEOUT_MS);
	while (p < 0 && errno == EINTR);
	if (p <= 0 || recv(sock, &c, 1, MSG_DONTWAIT) != 1 || c != 'R')
		return -1;
	return 0;
}

static int spawn(struct elf_judge *j)
{
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	if (pid == 0) {
		close(sv[0]);
		helper_main(sv[1]);
	}
	close(sv[1]);
	j->pid = pid;
	j->sock = sv[0];
	if (await_ready(j->sock) < 0) {
		stop(j);
		errno = EPERM;
		return -1;
	}
	return 0;
}

/* Kill and reap the helper; returns its wait status, or -1. */
static int stop(struct elf_judge *j)
{
	int status = -1, i;

	if (j->pid <= 0)
		return -1;
	/* Never block the loop on it: give up on reaping after 1 s. */
	if (kill(j->pid, SIGKILL) < 0)
		log_err("binaries: cannot stop the ELF analyser (pid %d): %s",
			(int)j->pid, strerror(errno));
	for (i = 0; i < 100; i++) {
		pid_t r = waitpid(j->pid, &status, WNOHANG);

		if (r == j->pid || (r < 0 && errno != EINTR))
			break;
		usleep(10000);
	}
	close(j->sock);
	j->pid = 0;
	j->sock = -1;
	return status;
}

struct elf_judge *elf_judge_new(uint64_t *crashes, uint64_t *timeouts)
{
	struct elf_judge *j = calloc(1, sizeof(*j));

	if (!j)
		return NULL;
	j->sock = -1;
	j->crashes = crashes;
	j->timeouts = timeouts;
	if (spawn(j) < 0) {
		free(j);
		return NULL;
	}
	return j;
}

void elf_judge_free(struct elf_judge *j)
{
	if (!j)
		return;
	stop(j);
	free(j);
}

pid_t elf_judge_pid(const struct elf_judge *j)
{
	return j->pid;
}

static int send_fd(int sock, int fd)
{
	char byte = 'J', cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { &byte, 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	memset(cbuf, 0, sizeof(cbuf));
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(fd));
	return sendmsg(sock, &msg, MSG_NOSIGNAL) == 1 ? 0 : -1;
}

/* The helper is less trusted than vigild: take only sane values. */
static int valid(const struct reply *r)
{
	const struct elf_verdict *v = &r->v;

	if (r->rc != 0)
		return r->rc == -1 && r->err > 0 && r->err < 4096;
	return (v->is_elf == 0 || v->is_elf == 1) && v->is_script == 0 &&
	       v->dep <= ELF_NO && v->stack_cookies <= ELF_NO &&
	       v->pie <= PIE_DSO && v->relro <= RELRO_FULL &&
	       memchr(v->interp, 0, sizeof(v->interp)) &&
	       memchr(v->dep_reason, 0, sizeof(v->dep_reason)) &&
	       memchr(v->cookie_reason, 0, sizeof(v->cookie_reason));
}

static void failed(struct elf_judge *j, int fd, int timed_out,
		   struct elf_verdict *v)
{
	int status = stop(j);
	struct stat st;
	char why[160];

	if (timed_out) {
		if (j->timeouts)
			(*j->timeouts)++;
		snprintf(why, sizeof(why),
			 "not judged: the ELF analyser took longer than %d ms",
			 ELF_JUDGE_TIMEOUT_MS);
	} else {
		if (j->crashes)
			(*j->crashes)++;
		if (status >= 0 && WIFSIGNALED(status))
			snprintf(why, sizeof(why),
				 "not judged: the ELF analyser died of signal %d on this file",
				 WTERMSIG(status));
		else
			snprintf(why, sizeof(why),
				 "not judged: the ELF analyser failed on this file");
	}
	if (fstat(fd, &st) == 0)
		log_warn("binaries: file dev %u:%u inode %llu: %s; analyser restarted",
			 major(st.st_dev), minor(st.st_dev),
			 (unsigned long long)st.st_ino, why);
	memset(v, 0, sizeof(*v));
	v->is_elf = 1;
	snprintf(v->dep_reason, sizeof(v->dep_reason), "%s", why);
	snprintf(v->cookie_reason, sizeof(v->cookie_reason), "%s", why);
}

int elf_judge_run(void *judge, int fd, struct elf_verdict *v)
{
	struct elf_judge *j = judge;
	struct pollfd pfd;
	struct reply r;
	ssize_t n;
	int tries;

	/* A helper that died while idle is replaced once, here. */
	for (tries = 0; tries < 2; tries++) {
		if (j->pid <= 0 && spawn(j) < 0) {
			errno = EAGAIN;
			return -1;
		}
		if (send_fd(j->sock, fd) == 0)
			break;
		stop(j);
	}
	if (tries == 2) {
		errno = EAGAIN;
		return -1;
	}
	pfd.fd = j->sock;
	pfd.events = POLLIN;
	for (;;) {
		int p = poll(&pfd, 1, ELF_JUDGE_TIMEOUT_MS);

		if (p < 0 && errno == EINTR)
			continue;
		if (p <= 0) {
			failed(j, fd, 1, v);
			return 0;
		}
		break;
	}
	n = recv(j->sock, &r, sizeof(r), MSG_DONTWAIT);
	if (n != (ssize_t)sizeof(r) || !valid(&r)) {
		failed(j, fd, 0, v);
		return 0;
	}
	if (r.rc < 0) {
		errno = r.err;
		return -1;
	}
	*v = r.v;
	return 0;
}
