/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_LOG_H
#define VIGIL_LOG_H

#include <syslog.h>

/*
 * Diagnostics of the daemon itself (not findings): stderr in the
 * foreground, syslog otherwise.  The sink is process-wide, like
 * syslog(3) underneath it, so it is the one piece of state that is not
 * passed around in the context struct.
 */
void log_open(int to_stderr, int facility);
/*
 * The one openlog() of vigild (ident "vigild", with pid): findings go
 * to syslog with facility even when messages go to stderr.
 */
void log_syslog_open(int facility);
void log_close(void);
/*
 * 1 if messages go to stderr and stderr is systemd's journal stream:
 * they then carry their priority, and nothing else should echo there.
 */
int log_to_journal(void);
void log_msg(int prio, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_err(...)	log_msg(LOG_ERR, __VA_ARGS__)
#define log_warn(...)	log_msg(LOG_WARNING, __VA_ARGS__)
#define log_notice(...)	log_msg(LOG_NOTICE, __VA_ARGS__)
#define log_info(...)	log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...)	log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
