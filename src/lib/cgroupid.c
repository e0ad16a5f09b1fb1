// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Container identity from cgroup paths (lib/cgroupid.h).  Each runtime
 * names the cgroup of a container after its id:
 *   podman   .../libpod-<id>.scope, /libpod_parent/libpod-<id>
 *   docker   .../docker-<id>.scope, /docker/<id>
 *   containerd (CRI)  .../cri-containerd-<id>.scope
 *   CRI-O    .../crio-<id>.scope
 *   kubelet with cgroupfs  /kubepods/<qos>/pod<uid>/<id>
 *   systemd-nspawn  /machine.slice/machine-<name>.scope
 *   LXC      /lxc.payload.<name>, /lxc/<name>
 * The deepest component that matches wins: a container's own
 * sub-cgroups (".../libpod-<id>.scope/container") keep its id.
 */
#include "build.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/vfs.h>

#include "lib/cgroupid.h"

struct layout {
	const char *prefix;	/* of the component */
	const char *suffix;	/* "" or ".scope" (optional when "?") */
	bool hex;		/* the id is 64 hex digits */
	bool suffix_optional;
	const char *runtime;
};

static const struct layout layouts[] = {
	{ "libpod-conmon-", NULL, true, false, NULL },	/* not a container */
	{ "crio-conmon-", NULL, true, false, NULL },
	{ "libpod-", ".scope", true, true, "podman" },
	{ "docker-", ".scope", true, false, "docker" },
	{ "cri-containerd-", ".scope", true, false, "containerd" },
	{ "crio-", ".scope", true, false, "cri-o" },
	{ "machine-", ".scope", false, false, "nspawn" },
	{ "lxc.payload.", "", false, true, "lxc" },
};

static bool all_hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

/* A name in a cgroup path: printable, no '/', bounded. */
static bool plain_name(const char *s, size_t n)
{
	size_t i;

	if (!n || n > CGROUPID_ID_MAX)
		return false;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] >= 0x7f)
			return false;
	return true;
}

/*
 * systemd escapes '-' in a machine's unit name as "\x2d": the name the
 * machine was given.  Returns false when it does not fit.
 */
static bool unescape_machine(const char *s, size_t n, char *out)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		if (o >= CGROUPID_ID_MAX)
			return false;
		if (s[i] == '\\' && i + 3 < n && s[i + 1] == 'x' &&
		    !strncmp(s + i + 2, "2d", 2)) {
			out[o++] = '-';
			i += 3;
			continue;
		}
		out[o++] = s[i];
	}
	out[o] = '\0';
	return true;
}

/* Does component c (n bytes) name a container?  1, 0, or -1: a helper. */
static int match_component(const char *c, size_t n, const char *parent,
			   size_t plen, struct cgroup_ctr *out)
{
	const struct layout *l;
	size_t i, pl, sl, idl;

	for (i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++) {
		l = &layouts[i];
		pl = strlen(l->prefix);
		if (n <= pl || strncmp(c, l->prefix, pl))
			continue;
		if (!l->runtime)
			return -1;
		idl = n - pl;
		sl = l->suffix ? strlen(l->suffix) : 0;
		if (sl && idl > sl && !strncmp(c + n - sl, l->suffix, sl))
			idl -= sl;
		else if (sl && !l->suffix_optional)
			continue;
		if (l->hex ? idl != CGROUPID_ID_MAX || !all_hex(c + pl, idl) :
			     !plain_name(c + pl, idl))
			continue;
		out->runtime = l->runtime;
		if (!strcmp(l->runtime, "nspawn"))
			return unescape_machine(c + pl, idl, out->id) ? 1 : 0;
		memcpy(out->id, c + pl, idl);
		out->id[idl] = '\0';
		return 1;
	}
	/* the cgroupfs drivers: a bare id under a runtime's directory */
	if (n == CGROUPID_ID_MAX && all_hex(c, n) && parent) {
		if (plen == 6 && !strncmp(parent, "docker", 6))
			out->runtime = "docker";
		else if (plen > 3 && !strncmp(parent, "pod", 3))
			out->runtime = "kubernetes";
		else
			return 0;
		memcpy(out->id, c, n);
		out->id[n] = '\0';
		return 1;
	}
	if (parent && plen == 3 && !strncmp(parent, "lxc", 3) &&
	    plain_name(c, n)) {
		out->runtime = "lxc";
		memcpy(out->id, c, n);
		out->id[n] = '\0';
		return 1;
	}
	return 0;
}

/* The deepest container named by path (n bytes).  1, 0, or -1. */
static int match_path(const char *path, size_t n, struct cgroup_ctr *out)
{
	const char *c = path, *end = path + n, *slash, *parent = NULL;
	size_t cl, plen = 0;
	struct cgroup_ctr tmp;
	int r, found = 0;

	while (c < end) {
		slash = memchr(c, '/', (size_t)(end - c));
		cl = slash ? (size_t)(slash - c) : (size_t)(end - c);
		if (cl) {
			r = match_component(c, cl, parent, plen, &tmp);
			if (r < 0)
				return -1;
			if (r > 0) {
				*out = tmp;
				found = 1;
			}
			parent = c;
			plen = cl;
		}
		c += cl + 1;
	}
	return found;
}

int cgroupid_parse(const char *text, size_t len, struct cgroup_ctr *out)
{
	const char *line = text, *end = text + len, *nl, *c1, *c2;
	struct cgroup_ctr v1 = { NULL, "" }, v2 = { NULL, "" };
	bool have_v1 = false, have_v2 = false, any = false;
	int r;

	while (line < end) {
		nl = memchr(line, '\n', (size_t)(end - line));
		if (!nl)
			nl = end;
		/* "hierarchy-id:controllers:path" */
		c1 = memchr(line, ':', (size_t)(nl - line));
		c2 = c1 ? memchr(c1 + 1, ':', (size_t)(nl - c1 - 1)) : NULL;
		if (c2) {
			any = true;
			if (c1 - line == 1 && line[0] == '0' && c2 == c1 + 1) {
				r = match_path(c2 + 1, (size_t)(nl - c2 - 1),
					       &v2);
				if (r < 0)
					return 0;
				have_v2 = r > 0;
			} else if (!have_v1) {
				r = match_path(c2 + 1, (size_t)(nl - c2 - 1),
					       &v1);
				if (r < 0)
					return 0;
				have_v1 = r > 0;
			}
		}
		line = nl + 1;
	}
	if (!any) {
		errno = EINVAL;
		return -1;
	}
	if (have_v2 || have_v1) {
		*out = have_v2 ? v2 : v1;
		return 1;
	}
	return 0;
}

const char *cgroupid_v2_mount(void)
{
	static const char *const mounts[] = {
		"/sys/fs/cgroup", "/sys/fs/cgroup/unified",
	};
	struct statfs fs;
	size_t i;

	for (i = 0; i < sizeof(mounts) / sizeof(mounts[0]); i++)
		if (statfs(mounts[i], &fs) == 0 &&
		    fs.f_type == CGROUP2_SUPER_MAGIC)
			return mounts[i];
	return NULL;
}
