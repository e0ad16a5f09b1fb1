// SPDX-License-Identifier: GPL-2.0-or-later
/* Tracepoint field offsets, and raw samples read by them: tpformat.h. */
#include "build.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "sources/tpformat.h"

struct want {
	const char *name;
	size_t *off;
	size_t size;
};

static int read_fields(const char *event, const struct want *w, size_t n)
{
	char format[PERFTP_FORMAT_MAX];
	size_t i, size;
	int off;

	if (perftp_format_read(event, format, sizeof(format)) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		off = perftp_format_field(format, w[i].name, &size);
		if (off < 0)
			return -1;
		if (size != w[i].size) {
			errno = EPROTO;
			return -1;
		}
		*w[i].off = (size_t)off;
	}
	return 0;
}

static int read_route(const char *event, size_t addr_size,
		      struct tp_route_fmt *rf)
{
	const struct want w[] = {
		{ "proto", &rf->proto, 1 },
		{ "src", &rf->src, addr_size },
		{ "dst", &rf->dst, addr_size },
		{ "sport", &rf->sport, 2 },
		{ "dport", &rf->dport, 2 },
	};

	return read_fields(event, w, sizeof(w) / sizeof(w[0]));
}

int tp_formats_read(struct tp_formats *f)
{
	const struct want sock[] = {
		{ "skaddr", &f->skaddr, 8 },
		{ "oldstate", &f->oldstate, 4 },
		{ "newstate", &f->newstate, 4 },
		{ "sport", &f->sport, 2 },
		{ "dport", &f->dport, 2 },
		{ "family", &f->family, 2 },
		{ "protocol", &f->protocol, 2 },
		{ "saddr", &f->saddr, 4 },
		{ "daddr", &f->daddr, 4 },
		{ "saddr_v6", &f->saddr_v6, 16 },
		{ "daddr_v6", &f->daddr_v6, 16 },
	};
	size_t size;
	int off;

	memset(f, 0, sizeof(*f));
	if (read_fields("sock/inet_sock_set_state", sock,
			sizeof(sock) / sizeof(sock[0])) < 0)
		return -1;
	off = perftp_field("sched/sched_process_exec", "filename", &size);
	if (off < 0)
		return -1;
	f->exec_name = (size_t)off;
	off = perftp_field("sched/sched_process_fork", "child_pid", &size);
	if (off < 0 || size != 4) {
		errno = off < 0 ? errno : EPROTO;
		return -1;
	}
	f->fork_child = (size_t)off;
	f->routes = read_route("fib/fib_table_lookup", 4, &f->route[0]) == 0 &&
		    read_route("fib6/fib6_table_lookup", 16, &f->route[1]) == 0;
	return 0;
}

static uint16_t u16_at(const uint8_t *raw, size_t off)
{
	uint16_t v;

	memcpy(&v, raw + off, 2);
	return v;
}

static int i32_at(const uint8_t *raw, size_t off)
{
	int32_t v;

	memcpy(&v, raw + off, 4);
	return v;
}

static bool parse_sock(const struct tp_formats *f, const uint8_t *raw,
		       uint32_t size, struct sock_sample *k)
{
	size_t need = f->daddr_v6 + 16;

	if (f->saddr_v6 + 16 > need)
		need = f->saddr_v6 + 16;
	if (size < need || size < f->skaddr + 8)
		return false;
	memcpy(&k->skaddr, raw + f->skaddr, 8);
	k->oldstate = i32_at(raw, f->oldstate);
	k->newstate = i32_at(raw, f->newstate);
	k->sport = u16_at(raw, f->sport);
	k->dport = u16_at(raw, f->dport);
	k->family = u16_at(raw, f->family);
	k->protocol = u16_at(raw, f->protocol);
	if (k->family == AF_INET6) {
		memcpy(k->saddr, raw + f->saddr_v6, 16);
		memcpy(k->daddr, raw + f->daddr_v6, 16);
	} else {
		memcpy(k->saddr, raw + f->saddr, 4);
		memcpy(k->daddr, raw + f->daddr, 4);
	}
	return true;
}

static bool parse_route(const struct tp_formats *f, bool v6,
			const uint8_t *raw, uint32_t size,
			struct route_sample *r)
{
	const struct tp_route_fmt *rf = &f->route[v6];
	size_t alen = v6 ? 16 : 4, end = 0, k;
	const size_t ends[] = { rf->proto + 1, rf->src + alen, rf->dst + alen,
				rf->sport + 2, rf->dport + 2 };

	for (k = 0; k < sizeof(ends) / sizeof(ends[0]); k++)
		if (ends[k] > end)
			end = ends[k];
	if (size < end)
		return false;
	r->family = v6 ? AF_INET6 : AF_INET;
	r->proto = raw[rf->proto];
	memcpy(r->src, raw + rf->src, alen);
	memcpy(r->dst, raw + rf->dst, alen);
	r->sport = u16_at(raw, rf->sport);
	r->dport = u16_at(raw, rf->dport);
	return true;
}

bool tp_sample_parse(const struct tp_formats *f, const struct perftp_sample *s,
		     struct sample *out)
{
	const char *name;
	size_t len;

	out->time = s->time;
	out->pid = s->pid;
	out->cgroup = s->cgroup;
	out->kind = (uint8_t)s->event;
	switch (s->event) {
	case SAMPLE_FORK:
		if (s->raw_size < f->fork_child + 4)
			return false;
		memcpy(&out->u.fork.child, s->raw + f->fork_child, 4);
		return true;
	case SAMPLE_EXEC:
		name = perftp_data_loc(s->raw, s->raw_size, f->exec_name, &len);
		if (name && len < sizeof(out->u.exec.name))
			memcpy(out->u.exec.name, name, len + 1);
		else
			out->u.exec.name[0] = '\0';
		return true;
	case SAMPLE_SOCK:
		return parse_sock(f, s->raw, s->raw_size, &out->u.sock);
	case SAMPLE_ROUTE:
	case SAMPLE_ROUTE6:
		out->kind = SAMPLE_ROUTE;
		return parse_route(f, s->event == SAMPLE_ROUTE6, s->raw,
				   s->raw_size, &out->u.route);
	default:
		return false;
	}
}
