#!/bin/sh
# The daemon life cycle against real processes: built-in default, a real
# finding reaching the control socket and syslog exactly once with its
# hostile name escaped, SIGHUP reload (good and bad), SIGTERM writing the
# state file, and a restart that reloads findings without re-announcing.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
need_root
need jq unshare nsenter
setup_tmp

# --- the built-in default, with /run and /var/lib private to it -----
unshare --mount --propagation private sh -c \
	'mount -t tmpfs tmpfs /run && mount -t tmpfs tmpfs /var/lib && exec "$0" -f' \
	"$VIGILD" > "$T/builtin.log" 2>&1 &
BPID=$!
on_exit "kill -9 $BPID"
in_ns() { nsenter -t "$BPID" -m "$@"; }
wait_until 10 in_ns "$VIGILCTL" status ||
	{ cat "$T/builtin.log"; fail "built-in default: no answer on /run/vigil/control"; }
in_ns "$VIGILCTL" status --json > "$T/st.json"
jq -e '.config == "<built-in>" and .run.state == "collecting" and .run.duration == 3600' \
	"$T/st.json" >/dev/null || fail "built-in status: $(cat "$T/st.json")"
in_ns test -S /run/vigil/control || fail "no socket at /run/vigil/control"
[ "$(in_ns stat -c %a /run/vigil/control)" = 600 ] || fail "socket mode not 0600"
kill -TERM "$BPID"
wait "$BPID" || fail "built-in vigild: bad exit status"

# --- syslog: catch what vigild sends to /dev/log, if nobody else does -
SYSLOG=""
if [ ! -e /dev/log ]; then
	"$SOCKHELPER" sink /dev/log "$T/syslog.out" &
	SINK=$!
	on_exit "kill $SINK; rm -f /dev/log"
	wait_until 5 test -S /dev/log || fail "syslog sink did not start"
	SYSLOG="$T/syslog.out"
else
	echo "note: /dev/log exists (a real syslog); syslog lines not checked" >&2
fi

# --- a real finding -------------------------------------------------
NAME='evil
name" x=1'
spawn_insecure_root "$NAME"
VPID=$SPAWNED
MOD="$T/ww/$NAME"
# As every output carries it: a newline is \x0a (src/lib/utf8.h).
MOD_ESC="$T/ww/evil\\x0aname\" x=1"
write_conf 'audit = { mode = "off"; };' 'proc = { rescan = "10s"; };'
start_vigild
HAVE() {
	ctl findings --json | jq -e --arg m "$MOD_ESC" "$@" >/dev/null
}
wait_until 15 HAVE '.[] | select(.attributes.module == $m)' ||
	fail "no finding for the root process in a world-writable directory"
HAVE --arg d "$T/ww" --argjson p "$VPID" '.[] | select(.attributes.module == $m)
	| select(.rule == "root-process-insecure-permissions"
		and .severity == "High" and .numeric_severity == 9
		and .attributes.directory == $d and .attributes.exe == $m
		and .attributes.pid == $p and .attributes.uid == 0
		and (.attributes.reason | test("world-writable"))
		and (.runs | length) == 1 and .host.hostname != null)' ||
	fail "finding fields: $(ctl findings --json)"
ID=$(ctl findings --json | jq -r --arg m "$MOD_ESC" '.[] | select(.attributes.module == $m) | .id')
# The table shows the first 8 characters of an ID.
ctl findings --rule root-process-insecure-permissions --severity High |
	grep -q "^$(echo "$ID" | cut -c1-8) " || fail "table does not list $ID"
ctl findings --severity Low --json | jq -e 'length == 0' >/dev/null ||
	fail "--severity filter"
# A bad filter is a usage error (64), as in ss and systemctl.
ctl findings --rule nonsense > "$T/out" 2>&1
[ $? -eq 64 ] && grep -q "'nonsense' is not a rule" "$T/out" ||
	fail "bad --rule: $(cat "$T/out")"
ctl findings --severity Critical > "$T/out" 2>&1
[ $? -eq 64 ] && grep -q "'Critical' is not a severity" "$T/out" ||
	fail "bad --severity: $(cat "$T/out")"

# One line on stderr, escaped: the newline in the name forges nothing.
grep -c "event=new .* id=$ID " "$T/vigild.log" | grep -qx 1 ||
	fail "finding not logged exactly once"
grep -q '^name' "$T/vigild.log" && fail "a log line was split by the file name"
grep -q 'attr.module=".*/evil\\x0aname\\" x=1"' "$T/vigild.log" ||
	fail "escaped module missing from the log line"
if [ -n "$SYSLOG" ]; then
	wait_until 5 grep -q "id=$ID" "$SYSLOG" || fail "nothing reached syslog"
	[ "$(grep -c "event=new .* id=$ID " "$SYSLOG")" -eq 1 ] ||
		fail "syslog: not exactly one line for the finding"
	# <27>: facility daemon (3<<3) | LOG_ERR (3) for a High finding.
	grep -q "^<27>.*vigild\[$VIGILD_PID\]: event=new host=[^ ]* machine_id=[0-9a-f]* product=vigil version=[^ ]* id=$ID fingerprint=[0-9a-f]* rule=root-process-insecure-permissions severity=High" \
		"$SYSLOG" || fail "syslog line: $(cat "$SYSLOG")"
	grep -q '^name' "$SYSLOG" && fail "a syslog line was split"
	LC_ALL=C grep -q '[[:cntrl:]]' "$SYSLOG" && fail "control byte in syslog"
fi

# --- SIGHUP: a good reload moves the socket and switches to JSON -----
OLD_SOCK=$T/run/control
write_conf 'audit = { mode = "off"; };' 'proc = { rescan = "10s"; };' 'syslog = { format = "json"; };'
sed -i "s|$T/run/control|$T/run/control2|" "$T/vigil.conf"
kill -HUP "$VIGILD_PID"
wait_until 5 "$VIGILCTL" -s "$T/run/control2" status ||
	fail "reload did not move the control socket"
[ -e "$OLD_SOCK" ] && fail "old control socket left behind"
"$VIGILCTL" -s "$T/run/control2" status --json |
	jq -e '.counters.vigild.reloads == 1' >/dev/null || fail "reload not counted"

# A second finding after the reload is announced as JSON.
NAME2=second
spawn_insecure_root "$NAME2"
json_line() {
	grep '^vigild: finding: {' "$T/vigild.log" |
		grep -F "\"module\":\"$T/ww/$NAME2\"" | grep -q '"event":"new"'
}
wait_until 15 json_line ||
	fail "no JSON line for the finding after reload"

# A bad reload keeps the running configuration.
echo 'syslog = { format = "xml"; };' >> "$T/vigil.conf"
kill -HUP "$VIGILD_PID"
wait_until 5 grep -q "keeping the running configuration" "$T/vigild.log" ||
	fail "bad reload not reported"
"$VIGILCTL" -s "$T/run/control2" status >/dev/null || fail "dead after bad reload"
sed -i '$d' "$T/vigil.conf"

# --- SIGTERM writes the state file ----------------------------------
COUNT=$("$VIGILCTL" -s "$T/run/control2" findings --json |
	jq --arg i "$ID" '.[] | select(.id == $i) | .count')
# what a reader is told of it, apart from what the run changes
told() {
	jq -S --arg i "$ID" '.[] | select(.id == $i) | {id, fingerprint,
		rule, title, severity, numeric_severity, description,
		recommendation, asset_key, host}'
}
"$VIGILCTL" -s "$T/run/control2" findings --json | told > "$T/told.before"
jq -e '.host.hostname != null' "$T/told.before" >/dev/null ||
	fail "no host in the finding: $(cat "$T/told.before")"
stop_vigild
ST=$T/state/state.json
jq -e --arg i "$ID" '.version == 1 and (.findings | map(select(.id == $i)) | length) == 1' \
	"$ST" >/dev/null || fail "finding missing from the state file"
# stored without what loading derives again: the rule's text, the host
jq -e --arg i "$ID" '.findings[] | select(.id == $i) |
	has("title") or has("description") or has("fingerprint") or
	has("host") | not' "$ST" >/dev/null ||
	fail "the state file repeats the rule's text or the host"
jq -e '.runs[-1].state == "canceled" and .runs[-1].reason == "vigild stopped"' \
	"$ST" >/dev/null || fail "run not closed in the state file"
[ "$(stat -c %a "$ST")" = 640 ] || fail "state file mode not 0640"
[ -e "$T/run/control2" ] && fail "control socket left after exit"

# --- restart: findings come back, and are not announced again -------
sed -i "s|$T/run/control2|$T/run/control|" "$T/vigil.conf"
: > "$T/vigild.log"
start_vigild
ctl findings --json | jq -e --arg i "$ID" --argjson c "$COUNT" \
	'.[] | select(.id == $i and .count >= $c)' >/dev/null ||
	fail "finding not restored with its count"
ctl findings --json | told > "$T/told.after"
cmp -s "$T/told.before" "$T/told.after" ||
	fail "restored finding told otherwise: $(diff "$T/told.before" "$T/told.after")"
ctl runs --json | jq -e 'length == 2 and .[0].state == "canceled" and .[1].state == "collecting"' \
	>/dev/null || fail "runs after restart: $(ctl runs --json)"
sleep 11	# one rescan: the process is seen again
ctl findings --json | jq -e --arg i "$ID" --argjson c "$COUNT" \
	'.[] | select(.id == $i and .count > $c and (.runs | length) == 2)' >/dev/null ||
	fail "finding not updated after restart"
grep -q "event=new .* id=$ID" "$T/vigild.log" && fail "restored finding announced again"
if [ -n "$SYSLOG" ]; then
	[ "$(grep -c "event=new .* id=$ID " "$SYSLOG")" -eq 1 ] ||
		fail "syslog: finding announced again after restart"
fi
stop_vigild

# --- daemon mode with a relative -c: SIGHUP still finds the file -----
write_conf 'audit = { mode = "off"; };'
rm -f "$T/run/control"
(cd "$T" && "$VIGILD" -c vigil.conf) || fail "daemon mode did not start"
wait_until 10 ctl status || fail "daemon mode: no answer"
DPID=$(ctl status --json | jq -r .pid)
on_exit "kill -9 $DPID"
kill -HUP "$DPID"
wait_until 10 sh -c "\"$VIGILCTL\" -s \"$T/run/control\" status --json | jq -e '.counters.vigild.reloads == 1'" ||
	fail "daemon mode with a relative -c: SIGHUP reload failed"
ctl status --json | jq -e --arg c "$T/vigil.conf" '.config == $c' >/dev/null ||
	fail "config path not made absolute: $(ctl status --json | jq -r .config)"
kill -TERM "$DPID"
wait_until 10 sh -c "! kill -0 $DPID" || fail "daemon mode: no exit on SIGTERM"
echo "ok"
