// SPDX-License-Identifier: GPL-2.0-or-later
/* vigil.conf text, as vigild --check-config and SIGHUP read it. */
#include "build.h"

#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "fuzz.h"
#include "lib/sbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vigil_config *cfg = NULL;
	struct sbuf err;
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	sbuf_init(&err);
	if (config_load_string(text, "fuzz.conf", &cfg, &err) == 0)
		config_free(cfg);
	sbuf_free(&err);
	free(text);
	return 0;
}
