// SPDX-License-Identifier: GPL-2.0-or-later
#include "build.h"

#include <cap-ng.h>
#include <linux/capability.h>
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
	int last = last_cap();
	size_t i;

	if (capng_get_caps_process() < 0) {
		sbuf_printf(err, "cannot read the process capabilities");
		return -1;
	}
	if (capng_have_capabilities(CAPNG_SELECT_CAPS) == CAPNG_NONE)
		return 0;
	capng_clear(CAPNG_SELECT_BOTH);
	for (i = 0; i < n; i++) {
		/* One the kernel lacks: its users fall back (proc.c). */
		if (caps[i] > last)
			continue;
		if (capng_update(CAPNG_ADD,
				 CAPNG_EFFECTIVE | CAPNG_PERMITTED |
				 CAPNG_BOUNDING_SET, (unsigned int)caps[i]) < 0) {
			sbuf_printf(err, "capability %d: cannot keep it",
				    caps[i]);
			return -1;
		}
	}
	if (capng_apply(CAPNG_SELECT_BOTH) < 0) {
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
