// SPDX-License-Identifier: GPL-2.0-or-later
#include "build.h"

#include <cap-ng.h>
#include <linux/capability.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "lib/caps.h"

/* The highest capability this kernel knows (older ones lack some). */
static int last_cap(void)
{
	FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");
	int last = CAP_LAST_CAP;

	if (f) {
		if (fscanf(f, "%d", &last) != 1)
			last = CAP_LAST_CAP;
		fclose(f);
	}
	return last;
}

int caps_keep_only(const int *caps, size_t n, struct sbuf *err)
{
	int last = last_cap(), bounds;
	bool had[CAP_LAST_CAP + 1];
	size_t i;
	int c;

	if (capng_get_caps_process() < 0) {
		sbuf_printf(err, "cannot read the process capabilities");
		return -1;
	}
	if (capng_have_capabilities(CAPNG_SELECT_CAPS) == CAPNG_NONE)
		return 0;
	for (c = 0; c <= CAP_LAST_CAP; c++)
		had[c] = capng_have_capability(CAPNG_PERMITTED,
					       (unsigned int)c);
	/*
	 * The bounding set can only shrink with CAP_SETPCAP, which a
	 * container or systemd's CapabilityBoundingSet often leaves out;
	 * without it (and NoNewPrivileges, as the unit sets) the bounding
	 * set is left alone rather than failing.
	 */
	bounds = capng_have_capability(CAPNG_EFFECTIVE, CAP_SETPCAP);
	capng_clear(bounds ? CAPNG_SELECT_BOTH : CAPNG_SELECT_CAPS);
	for (i = 0; i < n; i++) {
		/*
		 * One the kernel lacks, or this process was never given:
		 * the module that wanted it has already said what it misses.
		 */
		if (caps[i] < 0 || caps[i] > last || caps[i] > CAP_LAST_CAP ||
		    !had[caps[i]])
			continue;
		if (capng_update(CAPNG_ADD,
				 CAPNG_EFFECTIVE | CAPNG_PERMITTED |
				 (bounds ? CAPNG_BOUNDING_SET : 0),
				 (unsigned int)caps[i]) < 0) {
			sbuf_printf(err, "capability %d: cannot keep it",
				    caps[i]);
			return -1;
		}
	}
	if (capng_apply(bounds ? CAPNG_SELECT_BOTH : CAPNG_SELECT_CAPS) < 0) {
		sbuf_printf(err, "cannot drop capabilities");
		return -1;
	}
	return 0;
}

void caps_describe(struct sbuf *out)
{
	char *s;

	if (capng_get_caps_process() < 0 ||
	    capng_have_capabilities(CAPNG_SELECT_CAPS) == CAPNG_NONE) {
		sbuf_adds(out, "none");
		return;
	}
	s = capng_print_caps_text(CAPNG_PRINT_BUFFER, CAPNG_EFFECTIVE);
	sbuf_adds(out, s ? s : "unknown");
	free(s);
}
