// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Kernel audit settings that vigild changed (auditing switched on, the
 * backlog limit raised) are put back at exit.  A marker beside the
 * control socket (under /run, so a reboot, which also resets auditing,
 * clears it) keeps what to put back across a crash of vigild: the next
 * vigild reads it and restores at its own exit.  Its text is
 * "enabled=0|1 backlog=N" (N: the limit before vigild, 0 if untouched).
 */
#include "build.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lib/log.h"
#include "sources/auditmarker.h"

static void marker_path(const char *control_socket, char *buf, size_t len)
{
	const char *slash = strrchr(control_socket, '/');

	snprintf(buf, len, "%.*s/audit-enabled-by-vigild",
		 (int)(slash ? slash - control_socket : 0), control_socket);
}

void auditmarker_write(const char *control_socket, bool enabled_by_us,
		       uint32_t old_backlog)
{
	char path[PATH_MAX], text[64];
	int fd, n;

	marker_path(control_socket, path, sizeof(path));
	if (!enabled_by_us && !old_backlog) {
		unlink(path);
		return;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
		  0600);
	if (fd < 0)
		return;
	n = snprintf(text, sizeof(text), "enabled=%d backlog=%u\n",
		     enabled_by_us ? 1 : 0, old_backlog);
	if (write(fd, text, (size_t)n) != n)
		log_warn("audit: %s: cannot record what to restore", path);
	close(fd);
}

bool auditmarker_read(const char *control_socket, bool *enabled,
		      uint32_t *backlog)
{
	char path[PATH_MAX], text[64];
	unsigned int b = 0;
	ssize_t n;
	int fd, e = 1;

	*enabled = false;
	*backlog = 0;
	marker_path(control_socket, path, sizeof(path));
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return false;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	text[n > 0 ? n : 0] = '\0';
	/* An empty marker is an older vigild's: auditing was enabled. */
	if (n > 0 && sscanf(text, "enabled=%d backlog=%u", &e, &b) != 2)
		return false;
	*enabled = e == 1;
	*backlog = b;
	return true;
}
