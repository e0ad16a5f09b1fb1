// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Tracepoints through perf_event_open(2): see perftp.h.  The rings are
 * read in place (mmap), so a sample costs the kernel one copy and
 * vigild none but for a record that wraps the ring's end.
 */
#include "build.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "lib/perftp.h"

#define PERFTP_MAX_EVENTS 8
#define PERFTP_MAX_CPUS 1024
/* a perf record's size is a u16 */
#define PERFTP_REC_MAX 65536

struct perftp_ring {
	int fd;
	int cpu;
	struct perf_event_mmap_page *meta;
	uint8_t *data;
	size_t size;		/* of data: a power of two */
	size_t map_len;
};

struct perftp {
	uint16_t ids[PERFTP_MAX_EVENTS];
	size_t nevents;
	struct perftp_ring *rings;
	size_t nrings;
	int *extra_fds;		/* the redirected events, to close */
	size_t nextra;
	uint8_t *scratch;	/* a record that wraps, put together */
	bool cgroup;		/* samples carry the task's cgroup id */
};

/* Read up to len bytes of fd (a small kernel file). */
static ssize_t read_small(int fd, char *buf, size_t len)
{
	size_t got = 0;
	ssize_t r;

	while (got < len) {
		r = read(fd, buf + got, len - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

static const char *const tracefs_dirs[] = {
	"/sys/kernel/tracing",
	"/sys/kernel/debug/tracing",
};

/*
 * Whether a seccomp filter holds this process: one (a systemd unit's
 * SystemCallFilter=) may kill it for a mount(2) it does not allow.
 */
static bool seccomp_filtered(void)
{
	char buf[4096], *p;
	ssize_t n;
	int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return true;
	n = read_small(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return true;
	buf[n] = '\0';
	p = strstr(buf, "\nSeccomp:");
	return !p || strtol(p + 9, NULL, 10) != 0;
}

uint64_t perftp_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

const char *perftp_tracefs(void)
{
	char path[64];
	size_t i;

	for (i = 0; i < sizeof(tracefs_dirs) / sizeof(tracefs_dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/events", tracefs_dirs[i]);
		if (access(path, R_OK | X_OK) == 0)
			return tracefs_dirs[i];
	}
	/* systemd mounts it at boot; a bare host may not have */
	if (seccomp_filtered()) {
		errno = ENOENT;
		return NULL;
	}
	if (mount("nodev", tracefs_dirs[0], "tracefs", MS_NOSUID | MS_NODEV |
		  MS_NOEXEC, "mode=700") < 0)
		return NULL;
	return tracefs_dirs[0];
}

/* Read tracefs file events/EVENT/WHAT into buf (NUL-terminated). */
static int read_event_file(const char *event, const char *what, char *buf,
			   size_t len)
{
	const char *dir = perftp_tracefs();
	char path[256];
	ssize_t r;
	int fd;

	if (!dir)
		return -1;
	if (strstr(event, "..")) {
		errno = EINVAL;
		return -1;
	}
	snprintf(path, sizeof(path), "%s/events/%s/%s", dir, event, what);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	r = read_small(fd, buf, len - 1);
	close(fd);
	if (r < 0)
		return -1;
	buf[r] = '\0';
	return 0;
}

int perftp_format_read(const char *event, char *buf, size_t len)
{
	return read_event_file(event, "format", buf, len);
}

int perftp_format_field(const char *format, const char *name, size_t *size)
{
	char buf[PERFTP_FORMAT_MAX], *line, *save = NULL;
	size_t nlen = strlen(name), flen = strnlen(format, sizeof(buf) - 1);

	/* strtok_r cuts the lines: a copy, so one read serves many fields */
	memcpy(buf, format, flen);
	buf[flen] = '\0';
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *decl = strstr(line, "field:"), *end, *p;
		unsigned int off, sz;

		if (!decl || !(end = strchr(decl, ';')))
			continue;
		/* the name is the last word of the declaration, before [N] */
		p = end;
		while (p > decl && p[-1] == ']')
			while (p > decl && *--p != '[')
				;
		if ((size_t)(p - decl) <= nlen || memcmp(p - nlen, name, nlen) ||
		    (p[-(ptrdiff_t)nlen - 1] != ' ' &&
		     p[-(ptrdiff_t)nlen - 1] != '*'))
			continue;
		p = strstr(end, "offset:");
		if (!p || sscanf(p, "offset:%u;\tsize:%u;", &off, &sz) != 2)
			break;
		*size = sz;
		return (int)off;
	}
	errno = ENOENT;
	return -1;
}

int perftp_field(const char *event, const char *name, size_t *size)
{
	char buf[PERFTP_FORMAT_MAX];

	if (perftp_format_read(event, buf, sizeof(buf)) < 0)
		return -1;
	return perftp_format_field(buf, name, size);
}

static int event_id(const char *event, uint16_t *id)
{
	char buf[32];
	char *end;
	unsigned long v;

	if (read_event_file(event, "id", buf, sizeof(buf)) < 0)
		return -1;
	errno = 0;
	v = strtoul(buf, &end, 10);
	if (errno || end == buf || v > UINT16_MAX) {
		errno = EINVAL;
		return -1;
	}
	*id = (uint16_t)v;
	return 0;
}

/* The online CPUs, from "0-3,6" in sysfs.  Returns how many, or -1. */
static int online_cpus(int *cpus, size_t max)
{
	char buf[512], *p, *end;
	size_t n = 0;
	long a, b;
	ssize_t r;
	int fd = open("/sys/devices/system/cpu/online", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	r = read_small(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (r <= 0)
		return -1;
	buf[r] = '\0';
	for (p = buf; *p && *p != '\n';) {
		a = strtol(p, &end, 10);
		if (end == p || a < 0)
			goto bad;
		b = a;
		if (*end == '-') {
			p = end + 1;
			b = strtol(p, &end, 10);
			if (end == p || b < a)
				goto bad;
		}
		for (; a <= b && n < max; a++)
			cpus[n++] = (int)a;
		p = *end == ',' ? end + 1 : end;
	}
	return (int)n;
bad:
	errno = EINVAL;
	return -1;
}

static int open_one(const struct perftp *p, uint16_t id, int cpu,
		    const char *filter)
{
	struct perf_event_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_TRACEPOINT;
	attr.config = id;
	attr.sample_period = 1;
	attr.sample_type = PERF_SAMPLE_TID | PERF_SAMPLE_TIME |
			   PERF_SAMPLE_RAW;
	if (p->cgroup)
		attr.sample_type |= PERF_SAMPLE_CGROUP;
	/* one clock for every CPU, so rings merge in order */
	attr.use_clockid = 1;
	attr.clockid = CLOCK_MONOTONIC;
	attr.wakeup_events = 1;
	fd = (int)syscall(SYS_perf_event_open, &attr, -1, cpu, -1,
			  PERF_FLAG_FD_CLOEXEC);
	if (fd < 0)
		return -1;
	if (filter && ioctl(fd, PERF_EVENT_IOC_SET_FILTER, filter) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

void perftp_close(struct perftp *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->nextra; i++)
		close(p->extra_fds[i]);
	for (i = 0; i < p->nrings; i++) {
		if (p->rings[i].meta)
			munmap(p->rings[i].meta, p->rings[i].map_len);
		if (p->rings[i].fd >= 0)
			close(p->rings[i].fd);
	}
	free(p->extra_fds);
	free(p->rings);
	free(p->scratch);
	free(p);
}

static int open_ring(struct perftp *p, struct perftp_ring *r, int cpu,
		     const struct perftp_event *evs, size_t pages)
{
	long psz = sysconf(_SC_PAGESIZE);
	size_t i;
	int fd;

	r->cpu = cpu;
	r->fd = open_one(p, p->ids[0], cpu, evs[0].filter);
	/* PERF_SAMPLE_CGROUP is Linux 5.7's: without, samples say none */
	if (r->fd < 0 && errno == EINVAL && p->cgroup && !p->nextra &&
	    r == p->rings) {
		p->cgroup = false;
		r->fd = open_one(p, p->ids[0], cpu, evs[0].filter);
	}
	if (r->fd < 0)
		return -1;
	r->map_len = (pages + 1) * (size_t)psz;
	r->meta = mmap(NULL, r->map_len, PROT_READ | PROT_WRITE, MAP_SHARED,
		       r->fd, 0);
	if (r->meta == MAP_FAILED) {
		r->meta = NULL;
		return -1;
	}
	r->data = (uint8_t *)r->meta + psz;
	r->size = pages * (size_t)psz;
	for (i = 1; i < p->nevents; i++) {
		fd = open_one(p, p->ids[i], cpu, evs[i].filter);
		if (fd < 0)
			return -1;
		p->extra_fds[p->nextra++] = fd;
		if (ioctl(fd, PERF_EVENT_IOC_SET_OUTPUT, r->fd) < 0)
			return -1;
	}
	return 0;
}

struct perftp *perftp_open(const struct perftp_event *evs, size_t n,
			   size_t pages)
{
	int cpus[PERFTP_MAX_CPUS], ncpu, saved;
	struct perftp *p;
	size_t i;

	if (!n || n > PERFTP_MAX_EVENTS || !pages || (pages & (pages - 1))) {
		errno = EINVAL;
		return NULL;
	}
	ncpu = online_cpus(cpus, PERFTP_MAX_CPUS);
	if (ncpu <= 0)
		return NULL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->nevents = n;
	p->cgroup = true;
	p->rings = calloc((size_t)ncpu, sizeof(*p->rings));
	p->extra_fds = calloc((size_t)ncpu * n, sizeof(int));
	p->scratch = malloc(PERFTP_REC_MAX);
	if (!p->rings || !p->extra_fds || !p->scratch)
		goto fail;
	for (i = 0; i < n; i++)
		if (event_id(evs[i].name, &p->ids[i]) < 0)
			goto fail;
	for (i = 0; i < (size_t)ncpu; i++) {
		p->rings[i].fd = -1;
		p->nrings++;
		if (open_ring(p, &p->rings[i], cpus[i], evs, pages) < 0)
			goto fail;
	}
	return p;
fail:
	saved = errno;
	perftp_close(p);
	errno = saved;
	return NULL;
}

size_t perftp_nfds(const struct perftp *p)
{
	return p->nrings;
}

int perftp_fd(const struct perftp *p, size_t i)
{
	return i < p->nrings ? p->rings[i].fd : -1;
}

/* A sample record: pid, tid, time, then the raw record with its size. */
static void deliver(struct perftp *p, const uint8_t *rec, size_t len,
		    void (*cb)(const struct perftp_sample *s, void *data),
		    void *data, size_t *n)
{
	struct perftp_sample s;
	uint32_t pid, tid, size;
	uint16_t type;
	size_t i;

	if (len < sizeof(struct perf_event_header) + 20)
		return;
	rec += sizeof(struct perf_event_header);
	len -= sizeof(struct perf_event_header);
	memcpy(&pid, rec, 4);
	memcpy(&tid, rec + 4, 4);
	memcpy(&s.time, rec + 8, 8);
	memcpy(&size, rec + 16, 4);
	if (size > len - 20 || size < 8)
		return;
	s.pid = (pid_t)pid;
	s.tid = (pid_t)tid;
	s.raw = rec + 20;
	s.raw_size = size;
	/* the cgroup id follows the raw record (its size keeps u64 order) */
	s.cgroup = 0;
	if (p->cgroup && len - 20 - size >= 8)
		memcpy(&s.cgroup, rec + 20 + size, 8);
	memcpy(&type, s.raw, 2);
	for (i = 0; i < p->nevents; i++) {
		if (p->ids[i] == type) {
			s.event = (unsigned int)i;
			(*n)++;
			cb(&s, data);
			return;
		}
	}
}

size_t perftp_pending(const struct perftp *p, size_t i, size_t *size)
{
	const struct perftp_ring *r;
	uint64_t head;

	if (i >= p->nrings)
		return 0;
	r = &p->rings[i];
	head = __atomic_load_n(&r->meta->data_head, __ATOMIC_ACQUIRE);
	*size = r->size;
	return (size_t)(head - r->meta->data_tail);
}

size_t perftp_read(struct perftp *p, size_t i, size_t max,
		   void (*cb)(const struct perftp_sample *s, void *data),
		   void *data, uint64_t *lost)
{
	struct perftp_ring *r;
	struct perf_event_header h;
	uint64_t head, tail, v;
	size_t n = 0, off, first;
	const uint8_t *rec;

	if (i >= p->nrings)
		return 0;
	r = &p->rings[i];
	head = __atomic_load_n(&r->meta->data_head, __ATOMIC_ACQUIRE);
	tail = r->meta->data_tail;
	while (n < max && tail + sizeof(h) <= head) {
		off = tail & (r->size - 1);
		first = r->size - off;
		if (first >= sizeof(h)) {
			memcpy(&h, r->data + off, sizeof(h));
		} else {
			memcpy(&h, r->data + off, first);
			memcpy((uint8_t *)&h + first, r->data,
			       sizeof(h) - first);
		}
		if (h.size < sizeof(h) || tail + h.size > head)
			break;	/* a broken ring: stop, do not loop */
		if (first >= h.size) {
			rec = r->data + off;
		} else {
			memcpy(p->scratch, r->data + off, first);
			memcpy(p->scratch + first, r->data, h.size - first);
			rec = p->scratch;
		}
		if (h.type == PERF_RECORD_SAMPLE) {
			deliver(p, rec, h.size, cb, data, &n);
		} else if (h.type == PERF_RECORD_LOST &&
			   h.size >= sizeof(h) + 16) {
			memcpy(&v, rec + sizeof(h) + 8, 8);
			if (lost)
				*lost += v;
		}
		tail += h.size;
	}
	__atomic_store_n(&r->meta->data_tail, tail, __ATOMIC_RELEASE);
	return n;
}

const char *perftp_data_loc(const uint8_t *raw, uint32_t raw_size,
			    size_t off, size_t *len)
{
	uint32_t loc, start, l;

	if (off + 4 > raw_size)
		return NULL;
	memcpy(&loc, raw + off, 4);
	start = loc & 0xffff;
	l = loc >> 16;
	if (!l || start > raw_size || l > raw_size - start ||
	    raw[start + l - 1] != '\0')
		return NULL;
	*len = l - 1;
	return (const char *)raw + start;
}
