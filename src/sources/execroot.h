/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_SOURCES_EXECROOT_H
#define VIGIL_SOURCES_EXECROOT_H

#include <stdint.h>

/*
 * The file an exec ran, named for a process that was gone before
 * /proc could tell (a millisecond client on a loaded machine).  The
 * name it was run by means something only in its own root: a
 * container's /bin/sh is busybox where the host's is dash.  The exec
 * sample carries the task's cgroup (v2) id, and a container's cgroup
 * outlives its short processes: the name is resolved in the root of a
 * live member of that cgroup (openat2 RESOLVE_IN_ROOT, as /proc/PID/exe
 * would show it).  In vigild's own root only when the cgroup is no
 * container's (or the kernel gives no cgroup ids); never a guess in
 * the wrong root.  Like any name of a process, it says where a finding
 * happened; the file's own verdicts come from what processes map.
 */
#define EXECROOT_SLOTS 64

struct execroot;

/*
 * Open the cgroup v2 hierarchy (needs CAP_DAC_READ_SEARCH later, for
 * open_by_handle_at).  NULL on ENOMEM; without a cgroup v2 mount it
 * still works, naming in vigild's own root.
 */
struct execroot *execroot_new(void);
void execroot_free(struct execroot *x);

/* How a name was found. */
enum execroot_how {
	EXECROOT_NONE,		/* not an absolute name, or no such file */
	EXECROOT_MEMBER,	/* in a live member's root */
	EXECROOT_OWN,		/* in vigild's root: no container's cgroup */
	EXECROOT_REFUSED,	/* a container's cgroup, no member left */
};

/*
 * filename (as the exec sample gives it) resolved for a process of
 * cgroup cgid (0: not known) that is gone; *how says how.  Returns a
 * malloc'ed path, or NULL: not an absolute name (relative, under /proc
 * or /dev/fd: EINVAL), no such file, no live process of a container's
 * cgroup to resolve it through (ESRCH), ENOMEM.
 */
char *execroot_name(struct execroot *x, uint64_t cgid, const char *filename,
		    enum execroot_how *how);

#endif
