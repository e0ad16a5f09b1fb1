// SPDX-License-Identifier: GPL-2.0-or-later
/* What a tag's key and value may hold (tag.h). */
#include "build.h"

#include <string.h>

#include "lib/tag.h"
#include "lib/utf8.h"

bool tag_key_ok(const char *key)
{
	size_t i, n = strlen(key);

	if (!n || n > TAG_KEY_MAX ||
	    !((key[0] >= 'a' && key[0] <= 'z') ||
	      (key[0] >= 'A' && key[0] <= 'Z')))
		return false;
	for (i = 0; i < n; i++)
		if (!((key[i] >= 'a' && key[i] <= 'z') ||
		      (key[i] >= 'A' && key[i] <= 'Z') ||
		      (key[i] >= '0' && key[i] <= '9') ||
		      key[i] == '-' || key[i] == '_'))
			return false;
	return true;
}

bool tag_value_ok(const char *value)
{
	size_t i, n = strlen(value);

	if (n > TAG_VALUE_MAX || !utf8_valid(value, n))
		return false;
	for (i = 0; i < n; i++)
		if ((unsigned char)value[i] < 0x20 || value[i] == 0x7f ||
		    value[i] == '\\')
			return false;
	return true;
}
