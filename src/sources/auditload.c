// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vigil's audit rules into the kernel and out again, with libaudit:
 * the table of auditrules.c (made from rules/audit/50-vigil.rules),
 * each rule with the key "vigil".
 */
#include "build.h"

#include <errno.h>
#include <libaudit.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "sources/auditload.h"
#include "sources/auditrules.h"

/* libaudit writes into the "field=value" it is given: pass a copy. */
static int add_pair(struct audit_rule_data **r, const char *pair)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%s", pair);
	return audit_rule_fieldpair_data(r, buf, AUDIT_FILTER_EXIT);
}

/*
 * The key as a rule field, written per the kernel's struct
 * audit_rule_data: libaudit's parser only takes "key=" after its
 * private "syscall added" flag is set, which only auditctl sets.
 */
static int add_key(struct audit_rule_data **r, const char *key)
{
	size_t klen = strlen(key), n = (*r)->field_count;
	struct audit_rule_data *nr;

	if (n >= AUDIT_MAX_FIELDS || klen > AUDIT_MAX_KEY_LEN)
		return -EINVAL;
	nr = realloc(*r, sizeof(*nr) + (*r)->buflen + klen);
	if (!nr)
		return -ENOMEM;
	memcpy(nr->buf + nr->buflen, key, klen);
	nr->buflen += (uint32_t)klen;
	nr->fields[n] = AUDIT_FILTERKEY;
	nr->values[n] = (uint32_t)klen;
	nr->fieldflags[n] = AUDIT_EQUAL;
	nr->field_count++;
	*r = nr;
	return 0;
}

/* Add or delete one rule; returns 0, -EEXIST/-ENOENT, or -errno. */
static int rule_op(int fd, size_t i, int add)
{
	struct audit_rule_data *r = audit_rule_create_data();
	int rc, k;

	if (!r)
		return -ENOMEM;
	rc = add_pair(&r, audit_rule_set[i].arch);
	for (k = 0; rc == 0 && audit_rule_set[i].syscalls[k]; k++)
		rc = audit_rule_syscallbyname_data(r, audit_rule_set[i].syscalls[k]);
	for (k = 0; rc == 0 && audit_rule_set[i].filters[k]; k++)
		rc = add_pair(&r, audit_rule_set[i].filters[k]);
	if (rc == 0)
		rc = add_key(&r, "vigil");
	if (rc != 0) {
		/* An arch this kernel lacks (b32 without compat): skip. */
		audit_rule_free_data(r);
		return -EINVAL;
	}
	rc = add ? audit_add_rule_data(fd, r, AUDIT_FILTER_EXIT, AUDIT_ALWAYS) :
		   audit_delete_rule_data(fd, r, AUDIT_FILTER_EXIT, AUDIT_ALWAYS);
	audit_rule_free_data(r);
	return rc < 0 ? rc : 0;
}

static bool rule_has(size_t i, const char *syscall)
{
	int k;

	for (k = 0; audit_rule_set[i].syscalls[k]; k++)
		if (!strcmp(audit_rule_set[i].syscalls[k], syscall))
			return true;
	return false;
}

int auditload_install(int fd, bool connects, bool *connect_rules)
{
	int added = 0, ok = 0, rc;
	size_t i;

	for (i = 0; i < audit_rule_count; i++) {
		if (!connects && rule_has(i, "connect"))
			continue;
		rc = rule_op(fd, i, 1);
		if (rc == 0)
			added++;
		if ((rc == 0 || rc == -EEXIST) && rule_has(i, "connect"))
			*connect_rules = true;
		if (rc == 0 || rc == -EEXIST)
			ok++;
		else if (rc != -EINVAL)
			log_warn("audit: cannot add rule %zu: %s", i,
				 strerror(-rc));
	}
	return ok ? added : -1;
}

void auditload_remove(int fd)
{
	size_t i;

	for (i = 0; i < audit_rule_count; i++)
		rule_op(fd, i, 0);
}
