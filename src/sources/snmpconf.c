// SPDX-License-Identifier: GPL-2.0-or-later
/* Find v1/v2c community directives in snmpd's configuration. */
#include "build.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/escape.h"
#include "sources/proc.h"
#include "sources/snmpconf.h"

#define SNMPD_DEFAULT_CONF "/etc/snmp/snmpd.conf"

static const char *const directives[] = {
	"rocommunity", "rwcommunity", "rocommunity6", "rwcommunity6",
	"com2sec", "com2sec6", "com2secunix", NULL
};

/* path's directives, from the root rootfd is open on. */
static int scan_in(int rootfd, const char *path, json_object *out)
{
	char *text, *line, *save = NULL;
	unsigned int lineno = 0;
	size_t got;
	int hits = 0;

	text = proc_read_in_root(rootfd, path, SNMPCONF_MAX_SIZE, &got);
	if (!text)
		return -1;
	/* strtok_r would skip empty lines and so miscount them */
	for (line = text; line; line = save) {
		char word[32];
		size_t i, n;

		save = strchr(line, '\n');
		if (save)
			*save++ = '\0';
		lineno++;
		while (*line == ' ' || *line == '\t')
			line++;
		for (n = 0; line[n] && !isspace((unsigned char)line[n]); n++)
			;
		if (n == 0 || n >= sizeof(word))
			continue;
		memcpy(word, line, n);
		word[n] = '\0';
		for (i = 0; directives[i]; i++) {
			char buf[PATH_MAX + 64];
			struct sbuf esc;

			if (strcmp(word, directives[i]))
				continue;
			if (hits < SNMPCONF_MAX_HITS) {
				sbuf_init(&esc);
				escape_text(&esc, path);
				snprintf(buf, sizeof(buf), "%s:%u: %s",
					 sbuf_str(&esc), lineno, word);
				sbuf_free(&esc);
				json_object_array_add(out,
					json_object_new_string(buf));
			}
			hits++;
		}
	}
	free(text);
	return hits;
}

int snmpconf_scan_file(const char *path, json_object *out)
{
	int rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC), r;

	if (rootfd < 0)
		return -1;
	r = scan_in(rootfd, path, out);
	close(rootfd);
	return r;
}

int snmpconf_communities(pid_t pid, json_object *out)
{
	char path[64], *cmd, *files[SNMPCONF_MAX_FILES];
	size_t got, off, nfiles = 0, i;
	int use_default = 1, hits = 0, read_any = 0, r, rootfd;

	cmd = proc_read_file(pid, "cmdline", 65536, &got);
	if (!cmd)
		return -1;
	/* its files as it sees them: a container's, not the host's */
	snprintf(path, sizeof(path), "/proc/%d/root", (int)pid);
	rootfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0) {
		free(cmd);
		return -1;
	}
	/* argv is NUL-separated; "-c FILE[,FILE]" or "-cFILE", "-C" */
	for (off = 0; off < got; off += strlen(cmd + off) + 1) {
		const char *arg = cmd + off, *val = NULL;

		if (!strcmp(arg, "-C"))
			use_default = 0;
		else if (!strcmp(arg, "-c") && off + 3 < got)
			val = cmd + off + 3;
		else if (!strncmp(arg, "-c", 2) && arg[2])
			val = arg + 2;
		while (val && *val && nfiles < SNMPCONF_MAX_FILES) {
			size_t n = strcspn(val, ",");

			files[nfiles] = strndup(val, n);
			if (files[nfiles])
				nfiles++;
			val += n;
			if (*val == ',')
				val++;
		}
	}
	free(cmd);
	if (use_default) {
		r = scan_in(rootfd, SNMPD_DEFAULT_CONF, out);
		if (r >= 0) {
			read_any = 1;
			hits += r;
		}
	}
	for (i = 0; i < nfiles; i++) {
		r = scan_in(rootfd, files[i], out);
		if (r >= 0) {
			read_any = 1;
			hits += r;
		}
		free(files[i]);
	}
	close(rootfd);
	if (!read_any) {
		errno = ENOENT;
		return -1;
	}
	return hits;
}
