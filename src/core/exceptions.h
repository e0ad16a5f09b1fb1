/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_EXCEPTIONS_H
#define VIGIL_EXCEPTIONS_H

#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>

#include "core/rulemeta.h"

/* At most this many exceptions in a configuration. */
#define EXCEPTIONS_MAX 1000
/* Longest pattern or reason accepted. */
#define EXCEPTION_TEXT_MAX 4096

/*
 * Why a finding is accepted (a known risk, not announced): given to one
 * finding by "vigilctl findings accept", or by a configured exception.
 * Texts are in the text form of lib/utf8.h.
 */
struct acceptance {
	char *reason;
	int64_t until;		/* unix time it ends; 0: no end */
	int64_t at;		/* when it was given; 0 for exceptions */
	char *by;		/* "vigilctl (uid 0)", "/etc/vigil/vigil.conf:12" */
};

/*
 * One configured exception: a finding of rule (any when NULL) whose
 * evidence matches every criterion given.  program and path are
 * fnmatch(3) patterns without FNM_PATHNAME ("*" also crosses "/"),
 * matched against the evidence in its text form.
 */
struct exception {
	const struct rule_meta *rule;
	char *program;		/* NULL: any */
	char *path;		/* NULL: any */
	int port;		/* 0: any */
	struct acceptance acc;
};

struct exceptions {
	struct exception *v;
	size_t n;
};

/*
 * Add one (program, path, reason and by are copied; reason and the
 * patterns are put in the text form).  Returns 0 or -ENOMEM.
 */
int exceptions_add(struct exceptions *ex, const struct rule_meta *rule,
		   const char *program, const char *path, int port,
		   const char *reason, int64_t until, const char *by);
void exceptions_clear(struct exceptions *ex);

/*
 * The first exception in force at now matching a finding of rule m with
 * evidence attrs, or NULL.  What each criterion is matched against:
 * program: "program", "exe" or any of "programs"; path: "path" or
 * "module"; port: "port" or "remote_port".  A finding without the
 * evidence a criterion names does not match it.
 */
const struct exception *exceptions_match(const struct exceptions *ex,
					 const struct rule_meta *m,
					 json_object *attrs, int64_t now);

/*
 * "2027-03-01" (the start of that day, UTC) or "2027-03-01T12:00:00Z".
 * Returns 0, or -1 if s is in neither form.
 */
int acceptance_parse_until(const char *s, int64_t *t);

void acceptance_free(struct acceptance *a);
/* {"reason", "until"?, "at"?, "by", "source"}; NULL on ENOMEM. */
json_object *acceptance_to_json(const struct acceptance *a,
				const char *source);

#endif
