#!/bin/sh
# Conntrack without the table, and with too small a buffer:
# - vigild warns, naming vigil.nft, when table inet vigil is missing at
#   start, notices it loaded (SIGHUP) and warns again when it goes;
# - the socket buffer is network.conntrack_buffer_max from the start;
#   events lost when it is full (ENOBUFS) are counted, the table is
#   read again, and flows after the overrun are still seen;
# - restarted just after a burst, vigild takes the DESTROY events of
#   the table the burst left without overflowing its starting buffer;
# - a known insecure client program counts on a port the catalog does
#   not list (telnet to 2323), via the process table.
. "$(dirname "$0")/lib.sh"
need_root
need jq telnet socat
[ -x "$abs_top_builddir/tests/helpers/connhelper" ] || skip "needs connhelper"
CONN=$abs_top_builddir/tests/helpers/connhelper
setup_tmp
NFT=0 setup_netns

# A network.netns that is not one stops vigild with a clear error.
write_conf 'audit = { mode = "off"; };' \
	'network = { netns = "/run/netns/vigil-no-such-ns"; };'
"$VIGILD" -f -c "$T/vigil.conf" >"$T/bad.log" 2>&1 && fail "vigild started"
grep -q "network.netns: /run/netns/vigil-no-such-ns: No such file" \
	"$T/bad.log" || fail "no clear error for a bad netns: $(cat "$T/bad.log")"

write_conf 'audit = { mode = "off"; };' \
	'proc = { rescan = "10s"; };' \
	"network = { netns = \"/run/netns/$NS_C\"; conntrack_buffer_max = 1048576; };"
start_vigild

# --- the missing table ----------------------------------------------
grep -q "table inet vigil is not loaded in /run/netns/$NS_C.*nft -f .*vigil.nft" \
	"$T/vigild.log" || fail "no warning about the missing table"
[ "$(counter conntrack table_missing)" = 1 ] || fail "table_missing != 1"
ip netns exec "$NS_C" nft -f "$abs_top_srcdir/rules/nft/vigil.nft"
kill -HUP "$VIGILD_PID"
wait_until 5 grep -q "table inet vigil is loaded now" "$T/vigild.log" ||
	fail "vigild did not notice the table"
ip netns exec "$NS_C" nft delete table inet vigil
kill -HUP "$VIGILD_PID"
wait_until 5 grep -q "table inet vigil is gone in" "$T/vigild.log" ||
	fail "vigild did not warn that the table went away"
[ "$(counter conntrack table_missing)" = 2 ] || fail "table_missing != 2"
ip netns exec "$NS_C" nft -f "$abs_top_srcdir/rules/nft/vigil.nft"

# --- ENOBUFS: stop vigild, flood, continue ---------------------------
bg_in "$NS_S" socat TCP-LISTEN:2323,fork,reuseaddr EXEC:/bin/cat
bg_in "$NS_S" socat TCP-LISTEN:80,fork,reuseaddr EXEC:/bin/cat
wait_until 5 sh -c "ip netns exec $NS_S ss -ltn | grep -q ':2323 '" ||
	fail "listener did not start"
# one http connection that stays open across the overrun: the resync
# dump holds it again, and it must not count twice
(sleep 40) | ip netns exec "$NS_C" socat - "TCP:$S_ADDR:80" &
on_exit "kill $!"
http_conns() {
	ctl findings --json | jq -r '[.[] | select(.attributes.protocol ==
		"http")][0].attributes.connections'
}
http_one() { [ "$(http_conns)" = 1 ]; }
wait_until 10 http_one || fail "no http finding before the overrun"
before=$(counter conntrack rcvbuf_bytes)
# the whole of conntrack_buffer_max from the start
[ "$before" = 1048576 ] || fail "starting buffer is $before, not 1048576"
kill -STOP "$VIGILD_PID"
# refused connections still make NEW events: 4000 attempts (about a
# kilobyte of kernel memory each) overflow a 1 MiB buffer
ip netns exec "$NS_C" "$CONN" connect "$S_ADDR" 9 4000 2 30 >"$T/conn.out" ||
	{ kill -CONT "$VIGILD_PID"; fail "connhelper failed"; }
kill -CONT "$VIGILD_PID"
wait_until 10 sh -c "[ \"\$($VIGILCTL -s $T/run/control status --json |
	jq -r .counters.conntrack.enobufs)\" -ge 1 ]" ||
	fail "no ENOBUFS counted after $(cat "$T/conn.out")"
[ "$(counter conntrack resyncs)" -ge 1 ] || fail "no resync after ENOBUFS"
after=$(counter conntrack rcvbuf_bytes)
[ "$after" = "$before" ] || fail "buffer $before -> $after, beyond the cap"
grep -q "conntrack: events lost" "$T/vigild.log" ||
	fail "the overrun was not logged"
[ "$(http_conns)" = 1 ] ||
	fail "the open http flow counted $(http_conns) times after the resync"
[ "$(counter conntrack repeats_skipped)" -ge 1 ] ||
	fail "the resync repeated no known flow"

# --- after the overrun: a known client program on an unlisted port ----
# With audit off the process table learns of telnet at the next /proc
# rescan (10 s): start telnet idle, and open the session after that.
(sleep 12; echo "open $S_ADDR 2323"; sleep 2; echo quit) |
	ip netns exec "$NS_C" timeout 30 telnet >/dev/null 2>&1
# (a flow goes on once its first packets are judged: a moment after)
wait_until 5 jqf '[.[] | select(.rule == "insecure-client-protocols-login" and
	.attributes.protocol == "telnet" and .attributes.remote_port == 2323
	and .attributes.matched_by == "program")] | length == 1' \
	>/dev/null || fail "telnet to 2323 not reported: $(ctl findings --json)"
stop_vigild

# --- vigild restarted just after a burst -------------------------------
# 20000 connections, ended by RST, while vigild runs; it is restarted at
# once.  Their entries (CLOSE, 10 s) are in the table the new vigild
# reads at start, and the kernel's garbage collector destroys them in a
# few sweeps after it.  (Only entries made while a listener was there
# send events: nf_conntrack_events = 2, the default, sends none for the
# others.)  Every one of those DESTROY events must fit the buffer the
# new vigild has then.
bg_in "$NS_S" "$CONN" serve 9
wait_until 5 sh -c "ip netns exec $NS_S ss -ltn | grep -q ':9 '" ||
	fail "connhelper serve did not start"
ip netns exec "$NS_C" sysctl -qw net.netfilter.nf_conntrack_tcp_timeout_close=10
write_conf 'audit = { mode = "off"; };' 'proc = { rescan = "1h"; };' \
	"network = { netns = \"/run/netns/$NS_C\"; };"
start_vigild
ip netns exec "$NS_C" "$CONN" connect "$S_ADDR" 9 20000 2 60 >"$T/burst.out" ||
	fail "connhelper failed"
stop_vigild
left=$(ip netns exec "$NS_C" conntrack -C)
start_vigild
wait_until 90 sh -c "[ \"\$(ip netns exec $NS_C conntrack -C)\" -lt 10 ]" ||
	fail "the burst's entries were not destroyed in 90 s"
sleep 2
echo "restart after a burst: $(cat "$T/burst.out"); $left entries at start; read: $(counter conntrack destroy) DESTROY, enobufs $(counter conntrack enobufs), buffer $(counter conntrack rcvbuf_bytes) bytes"
[ "$(counter conntrack enobufs)" = 0 ] ||
	fail "the DESTROY events of the table left by a burst overflowed the buffer"
[ "$(counter conntrack destroy)" -ge $((left / 2)) ] ||
	fail "only $(counter conntrack destroy) of $left DESTROY events read"
stop_vigild
echo "network-recovery: ok"
