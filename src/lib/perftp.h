/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_LIB_PERFTP_H
#define VIGIL_LIB_PERFTP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * Kernel tracepoints read with perf_event_open(2), system-wide: one
 * ring buffer per CPU, which every event of the set writes into (the
 * others are redirected with PERF_EVENT_IOC_SET_OUTPUT).  A sample is
 * written by the kernel in the context of the tracepoint, so what it
 * says (pid, tuple, file name) is true at that instant, however late
 * the reader comes.  Needs CAP_PERFMON (CAP_SYS_ADMIN before 5.8) and
 * tracefs for the event ids.
 *
 * Functions returning int give 0 on success and -1 with errno set.
 */
struct perftp;

/* One tracepoint to open, with an optional kernel-side filter. */
struct perftp_event {
	const char *name;	/* "sched/sched_process_exec" */
	const char *filter;	/* NULL: every hit */
};

/* One sample as the ring holds it: valid only during the callback. */
struct perftp_sample {
	unsigned int event;	/* index into the events given to open */
	pid_t pid, tid;		/* of the task that hit the tracepoint */
	uint64_t time;		/* perf clock, ns */
	const uint8_t *raw;	/* the tracepoint's record, common header on */
	uint32_t raw_size;
	/* the task's cgroup (v2) id, its directory's inode; 0: not known */
	uint64_t cgroup;
};

/*
 * The directory tracefs is mounted on (/sys/kernel/tracing or the older
 * /sys/kernel/debug/tracing), mounting it on the first when neither is
 * there.  Returns a static string, or NULL with errno.
 */
const char *perftp_tracefs(void);
/* The samples' clock (CLOCK_MONOTONIC), now, in ns. */
uint64_t perftp_now(void);

/*
 * The byte offset of field name in tracepoint event's format (read from
 * tracefs), and its size in *size.  Returns -1 with errno (ENOENT: no
 * such field) on failure.
 */
int perftp_field(const char *event, const char *name, size_t *size);

/*
 * The same in two steps, for several fields of one event: the kernel
 * writes a format file out anew on each read.  perftp_format_read()
 * reads event's format into buf (len bytes, PERFTP_FORMAT_MAX will do,
 * NUL-ended); returns -1 with errno on failure.  perftp_format_field()
 * finds name in it, as perftp_field() does, leaving it unchanged.
 */
#define PERFTP_FORMAT_MAX 8192
int perftp_format_read(const char *event, char *buf, size_t len);
int perftp_format_field(const char *format, const char *name, size_t *size);

/*
 * Open every event in evs (n, at most 8) on every online CPU, each CPU
 * with a ring of pages pages (a power of two).  Returns NULL with errno;
 * errno EACCES or EPERM: not privileged, ENOENT: no such tracepoint or
 * no tracefs.
 */
struct perftp *perftp_open(const struct perftp_event *evs, size_t n,
			   size_t pages);
void perftp_close(struct perftp *p);

/* The rings, one fd per CPU, readable (EPOLLIN) when samples wait. */
size_t perftp_nfds(const struct perftp *p);
int perftp_fd(const struct perftp *p, size_t i);

/* Bytes waiting in ring i now, and the ring's size in *size. */
size_t perftp_pending(const struct perftp *p, size_t i, size_t *size);

/*
 * Hand the samples waiting in ring i to cb, oldest first, at most max
 * of them, and free their room.  Returns how many were read; *lost
 * grows by the samples the kernel dropped because the ring was full.
 */
size_t perftp_read(struct perftp *p, size_t i, size_t max,
		   void (*cb)(const struct perftp_sample *s, void *data),
		   void *data, uint64_t *lost);

/*
 * The string of a __data_loc field at off in raw (len bytes); NULL when
 * it does not lie within the record.  *len excludes the final NUL.
 */
const char *perftp_data_loc(const uint8_t *raw, uint32_t raw_size,
			    size_t off, size_t *len);

#endif
