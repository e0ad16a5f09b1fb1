// SPDX-License-Identifier: GPL-2.0-or-later
/* libconfig errors as "file:line: message", for both parsers. */
#include "build.h"

#include <stdarg.h>

#include "config/confparse.h"

int config_error(struct sbuf *err, const char *source,
		 const config_setting_t *s, const char *fmt, ...)
{
	va_list ap;

	sbuf_reset(err);
	if (s && config_setting_source_line(s))
		sbuf_printf(err, "%s:%u: ", source,
			    config_setting_source_line(s));
	else
		sbuf_printf(err, "%s: ", source);
	va_start(ap, fmt);
	sbuf_vprintf(err, fmt, ap);
	va_end(ap);
	return -1;
}

int config_parse_text(config_t *lc, const char *text, const char *source,
		      struct sbuf *err)
{
	if (config_read_string(lc, text))
		return 0;
	sbuf_reset(err);
	sbuf_printf(err, "%s:%d: %s", source, config_error_line(lc),
		    config_error_text(lc));
	return -1;
}
