// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A path to judge (elfscan.h): an ELF file is judged by elfscan.c; a
 * script by the interpreter its "#!" names, followed as the kernel
 * would, at most ELF_MAX_INTERP_DEPTH deep, and "env NAME" looked up
 * where a root shell would.
 */
#include "build.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/fileio.h"
#include "sources/elfscan.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char *const env_path[] = {
	"/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin",
	"/sbin", "/bin",
};

/* From "#!/path arg" get the program to analyse; 0 or -1/ENOEXEC. */
static int shebang(int fd, char *out, size_t len)
{
	char line[256], *p, *end, *arg;
	ssize_t n = pread(fd, line, sizeof(line) - 1, 0);
	size_t i;

	if (n < 3 || line[0] != '#' || line[1] != '!')
		goto noexec;
	line[n] = '\0';
	end = strchr(line, '\n');
	if (!end)
		goto noexec;	/* longer than the kernel would take */
	*end = '\0';
	for (p = line + 2; *p == ' ' || *p == '\t'; p++)
		;
	arg = p + strcspn(p, " \t");
	if (*arg) {
		*arg++ = '\0';
		arg += strspn(arg, " \t");
		arg[strcspn(arg, " \t")] = '\0';
	}
	if (*p != '/')
		goto noexec;
	if (strcmp(p, "/usr/bin/env") && strcmp(p, "/bin/env")) {
		snprintf(out, len, "%s", p);
		return 0;
	}
	/* env NAME: look NAME up where a root shell would. */
	if (!*arg || strchr(arg, '/') || *arg == '-')
		goto noexec;
	for (i = 0; i < N(env_path); i++) {
		snprintf(out, len, "%s/%s", env_path[i], arg);
		if (access(out, X_OK) == 0)
			return 0;
	}
noexec:
	errno = ENOEXEC;
	return -1;
}

int elf_analyze_path(const char *path, struct elf_verdict *v)
{
	char cur[PATH_MAX], next[PATH_MAX];
	struct stat st;
	int depth, fd, r;

	snprintf(cur, sizeof(cur), "%s", path);
	for (depth = 0; depth <= ELF_MAX_INTERP_DEPTH; depth++) {
		fd = fileio_open_regular(cur, &st);
		if (fd < 0)
			return -1;
		r = elf_analyze_fd(fd, v);
		if (r == 0 || errno != ENOEXEC) {
			close(fd);
			if (r == 0 && depth) {
				v->is_script = 1;
				snprintf(v->interp, sizeof(v->interp), "%s",
					 cur);
			}
			return r;
		}
		r = shebang(fd, next, sizeof(next));
		close(fd);
		if (r < 0)
			return -1;
		memcpy(cur, next, sizeof(cur));
	}
	errno = ELOOP;
	return -1;
}
