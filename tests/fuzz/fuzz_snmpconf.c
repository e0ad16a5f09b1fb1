// SPDX-License-Identifier: GPL-2.0-or-later
/* An snmpd.conf, scanned for v1/v2c communities. */
#include "build.h"

#include <json-c/json.h>

#include "fuzz.h"
#include "sources/snmpconf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file(data, size);
	json_object *out = json_object_new_array();

	if (path && out)
		snmpconf_scan_file(path, out);
	json_object_put(out);
	return 0;
}
