// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Run a harness over files and directories of inputs without libFuzzer:
 * the regression half of fuzzing, for "make check" on any compiler.
 * Exit 0 when every input ran (a crash kills the process instead).
 */
#include "build.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/fileio.h"
#include "fuzz.h"

static int run_file(const char *path)
{
	struct stat st;
	size_t got;
	char *buf;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		perror(path);
		return -1;
	}
	buf = fileio_read(fd, (size_t)st.st_size, &got);
	close(fd);
	if (!buf) {
		perror(path);
		return -1;
	}
	LLVMFuzzerTestOneInput((const uint8_t *)buf,
			       got > FUZZ_MAX_INPUT ? FUZZ_MAX_INPUT : got);
	free(buf);
	return 0;
}

static int run(const char *path, unsigned int *n)
{
	struct dirent **list;
	struct stat st;
	int i, k, r = 0;

	if (stat(path, &st) < 0) {
		perror(path);
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		(*n)++;
		return run_file(path);
	}
	k = scandir(path, &list, NULL, alphasort);
	if (k < 0) {
		perror(path);
		return -1;
	}
	for (i = 0; i < k; i++) {
		char sub[4096];

		if (list[i]->d_name[0] != '.') {
			snprintf(sub, sizeof(sub), "%s/%s", path,
				 list[i]->d_name);
			if (run(sub, n) < 0)
				r = -1;
		}
		free(list[i]);
	}
	free(list);
	return r;
}

int main(int argc, char **argv)
{
	unsigned int n = 0;
	int i, r = 0;

	for (i = 1; i < argc; i++)
		if (run(argv[i], &n) < 0)
			r = 1;
	printf("%s: %u inputs replayed\n", argv[0], n);
	return r;
}
