// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The control socket's file: bound with no wider mode even for a
 * moment, never put over a live vigild's, and afterwards changed only
 * through a descriptor of the very file bound (a symlink put in its
 * place leads nowhere).
 */
#include "build.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "control/sockfile.h"

/* 1 if a server answers on path, 0 if not. */
static int socket_alive(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), r;

	if (fd < 0)
		return 0;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	r = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
	close(fd);
	return r;
}

static int prepare_path(const char *path, struct sbuf *err)
{
	char *copy = strdup(path), *dir;
	struct stat st;

	if (!copy) {
		sbuf_printf(err, "%s: out of memory", path);
		return -1;
	}
	dir = dirname(copy);
	if (mkdir(dir, 0755) == 0) {
		/* Not the umask's 0750: control_group members must reach it. */
		if (chmod(dir, 0755) < 0) {
			sbuf_printf(err, "%s: %s", dir, strerror(errno));
			free(copy);
			return -1;
		}
	} else if (errno != EEXIST) {
		sbuf_printf(err, "%s: %s", dir, strerror(errno));
		free(copy);
		return -1;
	}
	free(copy);
	if (lstat(path, &st) < 0)
		return 0;
	if (!S_ISSOCK(st.st_mode)) {
		sbuf_printf(err, "%s exists and is not a socket", path);
		return -1;
	}
	if (socket_alive(path)) {
		sbuf_printf(err, "%s: another vigild is answering there", path);
		return -1;
	}
	unlink(path);
	return 0;
}

int sockfile_bind(struct sockfile *sf, const char *path, struct sbuf *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	mode_t old;
	int r;

	sf->fd = -1;
	sf->bound = false;
	sf->path = strdup(path);
	if (!sf->path || strlen(path) >= sizeof(sa.sun_path)) {
		sbuf_printf(err, "%s: bad socket path", path);
		return -1;
	}
	if (prepare_path(path, err) < 0)
		return -1;
	sf->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			0);
	if (sf->fd < 0) {
		sbuf_printf(err, "socket: %s", strerror(errno));
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path));
	/* Never let the socket exist with a wider mode, even briefly. */
	old = umask(0177);
	r = bind(sf->fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (r < 0) {
		sbuf_printf(err, "%s: bind: %s", path, strerror(errno));
		return -1;
	}
	sf->bound = true;
	/* the file just bound: only it is ever given to a group */
	if (lstat(path, &st) < 0 || !S_ISSOCK(st.st_mode)) {
		sbuf_printf(err, "%s: not the socket just bound", path);
		return -1;
	}
	sf->dev = st.st_dev;
	sf->ino = st.st_ino;
	return 0;
}

void sockfile_close(struct sockfile *sf)
{
	struct stat st;

	if (sf->fd >= 0)
		close(sf->fd);
	sf->fd = -1;
	/* only the socket vigild made, not what may stand there now */
	if (sf->bound && lstat(sf->path, &st) == 0 && st.st_dev == sf->dev &&
	    st.st_ino == sf->ino)
		unlink(sf->path);
	sf->bound = false;
	free(sf->path);
	sf->path = NULL;
}

/*
 * Owner and mode of the socket file vigild bound, through a descriptor
 * of that very file (never a path that a symlink could lead elsewhere).
 * Returns 0, or -1 with errno.
 */
int sockfile_give(const struct sockfile *sf, gid_t gid, mode_t mode)
{
	char proc[64];
	struct stat st;
	int fd, r = -1, e;

	fd = open(sf->path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0)
		goto out;
	if (!S_ISSOCK(st.st_mode) || st.st_dev != sf->dev ||
	    st.st_ino != sf->ino) {
		errno = ESTALE;
		goto out;
	}
	/* chmod(2) of /proc/self/fd/N: what fchmod cannot do on O_PATH */
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if (fchownat(fd, "", 0, gid, AT_EMPTY_PATH) < 0 ||
	    chmod(proc, mode) < 0)
		goto out;
	r = 0;
out:
	e = errno;
	close(fd);
	errno = e;
	return r;
}
