// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reading in batches, over real sockets: recvmmsg batches keep each
 * datagram whole or say that it was cut, and a busy socket's wakeups
 * are merged without ever leaving a datagram unread.
 */
#include "build.h"

#include <check.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "unit.h"

#include "lib/coalesce.h"
#include "lib/loop.h"
#include "lib/recvbatch.h"

START_TEST(batch_keeps_datagrams_whole)
{
	struct recvbatch *b = recvbatch_new(4, 16);
	char big[40];
	const char *d;
	size_t len;
	bool cut;
	int sv[2], i;

	ck_assert_ptr_nonnull(b);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
	ck_assert_int_eq(recvbatch_read(b, sv[0]), 0);	/* none waits */
	memset(big, 'x', sizeof(big));
	ck_assert_int_eq(send(sv[1], "one", 3, 0), 3);
	ck_assert_int_eq(send(sv[1], big, sizeof(big), 0), sizeof(big));
	for (i = 0; i < 4; i++)
		ck_assert_int_eq(send(sv[1], "more", 4, 0), 4);
	ck_assert_int_eq(recvbatch_read(b, sv[0]), 4);	/* at most n */
	d = recvbatch_get(b, 0, &len, &cut);
	ck_assert_uint_eq(len, 3);
	ck_assert(!cut);
	ck_assert(!memcmp(d, "one", 3));
	recvbatch_get(b, 1, &len, &cut);
	ck_assert_uint_eq(len, 16);
	ck_assert(cut);
	recvbatch_get(b, 2, &len, &cut);
	ck_assert(!cut);
	ck_assert_int_eq(recvbatch_read(b, sv[0]), 2);	/* the rest */
	d = recvbatch_get(b, 1, &len, &cut);
	ck_assert_uint_eq(len, 4);
	ck_assert(!memcmp(d, "more", 4));
	ck_assert_int_eq(recvbatch_read(b, sv[0]), 0);
	close(sv[0]);
	close(sv[1]);
	recvbatch_free(b);
}
END_TEST

static unsigned int taken;

static bool take_until_stop(void *data, const char *d, size_t len, bool cut)
{
	(void)data;
	(void)cut;
	taken++;
	return !(len == 4 && !memcmp(d, "stop", 4));
}

static void no_overrun(void *data)
{
	(void)data;
}

/* A turn: bounded by its rounds, ended by the taker, told apart. */
START_TEST(turn_says_what_it_found)
{
	struct recvbatch *b = recvbatch_new(2, 16);
	int sv[2], i;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
	ck_assert_int_eq(recvbatch_turn(b, sv[0], 4, 1000, take_until_stop,
					no_overrun, NULL), COALESCE_EMPTY);
	for (i = 0; i < 5; i++)
		ck_assert_int_eq(send(sv[1], "x", 1, 0), 1);
	/* two rounds of two: more waits */
	taken = 0;
	ck_assert_int_eq(recvbatch_turn(b, sv[0], 2, 1000, take_until_stop,
					no_overrun, NULL), COALESCE_MORE);
	ck_assert_uint_eq(taken, 4);
	/* the last one, a short batch: all read */
	ck_assert_int_eq(recvbatch_turn(b, sv[0], 2, 1000, take_until_stop,
					no_overrun, NULL), COALESCE_READ);
	ck_assert_uint_eq(taken, 5);
	/* the taker ends the turn after its batch, the rest waits */
	ck_assert_int_eq(send(sv[1], "stop", 4, 0), 4);
	ck_assert_int_eq(send(sv[1], "x", 1, 0), 1);
	ck_assert_int_eq(send(sv[1], "x", 1, 0), 1);
	ck_assert_int_eq(recvbatch_turn(b, sv[0], 4, 1000, take_until_stop,
					no_overrun, NULL), COALESCE_READ);
	ck_assert_uint_eq(taken, 7);
	ck_assert_int_eq(recvbatch_turn(b, sv[0], 4, 1000, take_until_stop,
					no_overrun, NULL), COALESCE_READ);
	ck_assert_uint_eq(taken, 8);
	close(sv[0]);
	close(sv[1]);
	recvbatch_free(b);
}
END_TEST

struct reader {
	int fd, writer;
	unsigned int reads, got, to_send;
	struct loop *loop;
	struct coalesce *c;
	bool free_in_read;
};

/* Reads one datagram a call, then writes another. */
static enum coalesce_read on_read(void *data)
{
	struct reader *r = data;
	enum coalesce_read took = COALESCE_EMPTY;
	char buf[8];

	r->reads++;
	if (recv(r->fd, buf, sizeof(buf), MSG_DONTWAIT) > 0) {
		r->got++;
		took = COALESCE_READ;
	}
	if (r->to_send) {
		r->to_send--;
		ck_assert_int_eq(send(r->writer, "x", 1, 0), 1);
	}
	if (r->free_in_read) {
		coalesce_free(r->c);
		r->c = NULL;
		loop_quit(r->loop);
	}
	return took;
}

static void on_quit(struct loop *loop, struct loop_timer *t, void *data)
{
	(void)t;
	(void)data;
	loop_quit(loop);
}

START_TEST(busy_socket_merges_wakeups)
{
	struct reader r = { 0 };
	struct loop_timer *t;
	uint64_t deferred = 0, t0;
	int sv[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
	r.fd = sv[0];
	r.writer = sv[1];
	r.to_send = 20;
	r.loop = loop_new();
	ck_assert_ptr_nonnull(r.loop);
	r.c = coalesce_new(r.loop, sv[0], 10, on_read, &r, &deferred);
	ck_assert_ptr_nonnull(r.c);
	t = loop_timer_new(r.loop, on_quit, NULL);
	ck_assert_int_eq(loop_timer_arm(t, 1000, 0), 0);
	ck_assert_int_eq(send(sv[1], "x", 1, 0), 1);
	t0 = loop_now_ms();
	ck_assert_int_eq(loop_run(r.loop), 0);
	/* every datagram read, however the wakeups went */
	ck_assert_uint_eq(r.got, 21);
	/*
	 * The first two at once (the second finds the socket busy); then
	 * one wakeup, one read per 10 ms, not one per datagram; and one
	 * read that finds nothing ends it.
	 */
	ck_assert_uint_ge(deferred, 19);
	ck_assert_uint_le(r.reads, 23);
	ck_assert_uint_ge(loop_now_ms() - t0, 180);
	coalesce_free(r.c);
	loop_timer_free(t);
	loop_free(r.loop);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

/* The audit sink lets go of its socket from within its read. */
START_TEST(free_from_read)
{
	struct reader r = { 0 };
	int sv[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
	r.fd = sv[0];
	r.free_in_read = true;
	r.loop = loop_new();
	r.c = coalesce_new(r.loop, sv[0], 10, on_read, &r, NULL);
	ck_assert_ptr_nonnull(r.c);
	ck_assert_int_eq(send(sv[1], "x", 1, 0), 1);
	ck_assert_int_eq(loop_run(r.loop), 0);
	ck_assert_uint_eq(r.reads, 1);
	ck_assert_ptr_null(r.c);
	loop_free(r.loop);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("batching");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, batch_keeps_datagrams_whole);
	tcase_add_test(tc, turn_says_what_it_found);
	tcase_add_test(tc, busy_socket_merges_wakeups);
	tcase_add_test(tc, free_from_read);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
