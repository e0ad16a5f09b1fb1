/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_LIB_CGROUPID_H
#define VIGIL_LIB_CGROUPID_H

#include <stddef.h>

/*
 * Which container a process is in, from the text of /proc/PID/cgroup:
 * the layouts container runtimes give their cgroups, under cgroup v1,
 * v2 and the hybrid of both.  Nothing a runtime's API says is needed,
 * and nothing is trusted for a verdict: this only names where a
 * finding happened.
 */
#define CGROUPID_ID_MAX 64

struct cgroup_ctr {
	const char *runtime;		/* "podman", "docker", ...; static */
	char id[CGROUPID_ID_MAX + 1];	/* 64 hex; a machine's name */
};

/*
 * Parse len bytes of /proc/PID/cgroup.  The unified (v2) line is
 * preferred, then the first v1 line that names a container.  Returns 1
 * and fills out, 0 when the process is in no container this knows (the
 * host, a systemd service, a conmon or runtime helper), -1 (EINVAL)
 * when text is not cgroup lines at all.
 */
int cgroupid_parse(const char *text, size_t len, struct cgroup_ctr *out);

/*
 * Where the cgroup v2 hierarchy is mounted: /sys/fs/cgroup (v2 alone)
 * or /sys/fs/cgroup/unified (the hybrid layout); NULL when neither.  A
 * static string.
 */
const char *cgroupid_v2_mount(void);

#endif
