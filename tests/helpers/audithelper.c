// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Test helper speaking to the kernel audit subsystem with libaudit, so
 * the tests need no auditd/auditctl:
 *   audithelper count KEY     number of loaded rules with that key
 *   audithelper delete-all    delete every rule (what auditctl -D does)
 *   audithelper status        "pid=N enabled=N backlog_limit=N"
 *   audithelper set-enabled N turn kernel auditing off (0) or on (1)
 *   audithelper lost          the kernel's count of lost records
 */
#include <errno.h>
#include <libaudit.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int reply(int fd, struct audit_reply *rep)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (poll(&p, 1, 1000) <= 0)
		return -1;
	return audit_get_reply(fd, rep, GET_REPLY_NONBLOCKING, 0);
}

static const char *rule_key(const struct audit_rule_data *r, char *buf,
			    size_t len)
{
	unsigned int i, off = 0;

	for (i = 0; i < r->field_count; i++) {
		unsigned int f = r->fields[i] & ~AUDIT_OPERATORS;

		if (f == AUDIT_FILTERKEY) {
			snprintf(buf, len, "%.*s", (int)r->values[i],
				 r->buf + off);
			return buf;
		}
		if (f == AUDIT_WATCH || f == AUDIT_DIR || f == AUDIT_SUBJ_USER ||
		    f == AUDIT_SUBJ_ROLE || f == AUDIT_SUBJ_TYPE ||
		    f == AUDIT_SUBJ_SEN || f == AUDIT_SUBJ_CLR ||
		    f == AUDIT_OBJ_USER || f == AUDIT_OBJ_ROLE ||
		    f == AUDIT_OBJ_TYPE || f == AUDIT_OBJ_LEV_LOW ||
		    f == AUDIT_OBJ_LEV_HIGH || f == AUDIT_EXE)
			off += r->values[i];
	}
	return "";
}

/* Calls fn for each rule; returns how many there were, -1 on error. */
static int each_rule(int fd, void (*fn)(int, struct audit_rule_data *,
					void *), void *data)
{
	struct audit_rule_data *rules[4096];
	struct audit_reply rep;
	int n = 0, i;

	if (audit_request_rules_list_data(fd) <= 0)
		return -1;
	for (;;) {
		if (reply(fd, &rep) <= 0)
			return -1;
		if (rep.type == NLMSG_DONE)
			break;
		if (rep.type == NLMSG_ERROR && rep.error->error)
			return -1;
		if (rep.type != AUDIT_LIST_RULES || n >= 4096)
			continue;
		rules[n] = malloc(sizeof(*rep.ruledata) + rep.ruledata->buflen);
		memcpy(rules[n], rep.ruledata,
		       sizeof(*rep.ruledata) + rep.ruledata->buflen);
		n++;
	}
	/* Act only after the dump: the socket is free for requests again. */
	for (i = 0; i < n; i++) {
		fn(fd, rules[i], data);
		free(rules[i]);
	}
	return n;
}

static void count_key(int fd, struct audit_rule_data *r, void *data)
{
	char buf[256];

	if (!strcmp(rule_key(r, buf, sizeof(buf)), ((char **)data)[0]))
		(*(int *)((char **)data)[1])++;
}

static void delete_rule(int fd, struct audit_rule_data *r, void *data)
{
	audit_delete_rule_data(fd, r, r->flags, r->action);
}

int main(int argc, char **argv)
{
	int fd = audit_open(), n = 0;
	struct audit_reply rep;

	set_aumessage_mode(MSG_QUIET, DBG_NO);
	if (fd < 0) {
		perror("audit_open");
		return 1;
	}
	if (argc == 3 && !strcmp(argv[1], "count")) {
		char *data[2] = { argv[2], (char *)&n };

		if (each_rule(fd, count_key, data) < 0)
			return 1;
		printf("%d\n", n);
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "delete-all"))
		return each_rule(fd, delete_rule, NULL) < 0;
	if (argc == 2 && (!strcmp(argv[1], "status") ||
			  !strcmp(argv[1], "lost"))) {
		if (audit_request_status(fd) <= 0)
			return 1;
		while (reply(fd, &rep) > 0) {
			if (rep.type != AUDIT_GET)
				continue;
			if (!strcmp(argv[1], "lost"))
				printf("%u\n", rep.status->lost);
			else
				printf("pid=%u enabled=%u backlog_limit=%u\n",
				       rep.status->pid, rep.status->enabled,
				       rep.status->backlog_limit);
			return 0;
		}
		return 1;
	}
	if (argc == 3 && !strcmp(argv[1], "set-enabled"))
		return audit_set_enabled(fd, (uint32_t)atoi(argv[2])) <= 0;
	if (argc == 3 && !strcmp(argv[1], "set-backlog"))
		return audit_set_backlog_limit(fd, (uint32_t)atoi(argv[2])) <= 0;
	fprintf(stderr, "usage: audithelper count KEY | delete-all | status | set-enabled N | set-backlog N\n");
	return 2;
}
