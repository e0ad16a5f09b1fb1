/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_RULEMETA_H
#define VIGIL_RULEMETA_H

/* Numeric severities as Inspector used them. */
enum vigil_severity {
	SEV_INFORMATIONAL = 0,
	SEV_LOW = 3,
	SEV_MEDIUM = 6,
	SEV_HIGH = 9,
};

enum rule_id {
	RULE_CLIENT_LOGIN,
	RULE_CLIENT_GENERAL,
	RULE_UNUSED_PORTS,
	RULE_SERVER_PROTOCOLS,
	RULE_NO_DEP,
	RULE_NO_STACK_COOKIES,
	RULE_ROOT_PERMS,
	RULE_COUNT,
};

/*
 * An attribute the findings store accumulates over sightings instead
 * of replacing: with max > 0 a list of the newest max distinct values
 * (a report passes an array of new ones), with max == 0 a count (a
 * report passes how many to add).
 */
struct rule_evidence {
	const char *key;
	unsigned int max;
};

/* What a finding of each rule says; the single source of these texts. */
struct rule_meta {
	enum rule_id idx;
	const char *id;
	const char *title;
	enum vigil_severity severity;
	const char *description;
	const char *recommendation;
	/* journald MESSAGE_ID, matching conf/vigil.catalog */
	const char *message_id;
	/* accumulated attributes, ended by a NULL key; may be NULL */
	const struct rule_evidence *evidence;
	/*
	 * The attribute holding the uid of the process behind a
	 * sighting: whose doing a finding is, when the store is full.
	 */
	const char *cause;
	/*
	 * The few attributes that explain a finding, in the order a
	 * reader wants them (journal messages, reports); NULL-ended.
	 */
	const char *const *key_fields;
};

const struct rule_meta *rule_meta(enum rule_id idx);
/* NULL when no rule has that id. */
const struct rule_meta *rule_meta_by_name(const char *id);

/* "High", "Medium", "Low", "Informational". */
const char *severity_name(enum vigil_severity sev);
/* Case-insensitive name or number; 0 on success, -1 if unknown. */
int severity_parse(const char *s, enum vigil_severity *sev);
/* High->LOG_ERR, Medium->LOG_WARNING, Low->LOG_NOTICE, Info->LOG_INFO */
int severity_syslog_prio(enum vigil_severity sev);

#endif
