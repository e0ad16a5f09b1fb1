#!/bin/sh
# A hostile local user against the real daemon: as nobody, run and map
# crafted files (the e_shoff wrap, truncated and garbage ELFs, a script
# whose interpreter is a FIFO), hide binaries that root runs under
# directories named " (deleted)" and with a literal backslash-012 in a
# 0777 tree, flood the control socket as a control_group member, and
# stop or kill the ELF analyser, swap the control socket for a symlink,
# fill the findings store with findings of its own, and hammer the
# control socket with requests for 10,000 findings.
# vigild must stay up, answer root, never open the FIFO, never change
# what a symlink leads to, refuse directories another user could change,
# and report what it should.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
need_root
need gcc jq setpriv getent truncate
setup_tmp
ATK=$abs_top_builddir/tests/helpers/attackhelper
AH=$abs_top_builddir/tests/helpers/audithelper
D=$abs_top_srcdir/tests/data
getent group nogroup >/dev/null || skip "needs group nogroup"
GID=$(getent group nogroup | cut -d: -f3)
as_nobody() {
	setpriv --reuid=65534 --regid="$GID" --clear-groups --inh-caps=-all "$@"
}

# With kernel audit to ourselves, exec events act at once; otherwise
# the ten-second rescans find everything.
MODE=off
if "$AH" status 2>/dev/null | grep -q '^pid=0 '; then
	MODE=auto
	ENABLED=$("$AH" status | sed 's/.*enabled=\([0-9]*\).*/\1/')
	on_exit "\"$AH\" set-enabled $ENABLED"
fi
write_conf "audit = { mode = \"$MODE\"; };" 'proc = { rescan = "10s"; };' \
	'control_group = "nogroup";'
start_vigild
mkdir -p "$T/run" && chmod 0755 "$T/run"
alive() {
	kill -0 "$VIGILD_PID" 2>/dev/null || fail "vigild died: $(tail -n 20 "$T/vigild.log")"
	ctl status >/dev/null || fail "vigild does not answer root"
}

# --- the ELF analyser is sandboxed -----------------------------------
HELPER=$(pgrep -P "$VIGILD_PID" -x vigild-elf) || fail "no ELF analyser process"
grep -q '^Seccomp:[[:space:]]*2' "/proc/$HELPER/status" || fail "analyser without seccomp"
grep -q '^NoNewPrivs:[[:space:]]*1' "/proc/$HELPER/status" || fail "analyser without no_new_privs"
grep -q '^CapEff:[[:space:]]*0000000000000000' "/proc/$HELPER/status" ||
	fail "analyser has capabilities"
grep -q '^Uid:[[:space:]]*0[[:space:]]*65534[[:space:]]*0' "/proc/$HELPER/status" ||
	fail "analyser does not act as nobody: $(grep Uid "/proc/$HELPER/status")"
# ...and nobody may not kill it to make verdicts "unknown".
as_nobody kill -KILL "$HELPER" 2>/dev/null && fail "nobody could kill the analyser"

# --- crafted files, run and mapped by nobody --------------------------
E=$T/evil
mkdir -m 0755 "$E"
# The e_shoff wrap: a runnable program (sleep) whose section header
# offset is 2^64-64 with e_shnum 0, padded past glibc's largest mmap
# threshold (32 MiB) so a file-sized buffer is mmap'd.  Once SIGSEGV.
cp /bin/sleep "$E/wrap"
truncate -s 64M "$E/wrap"
printf '\300\377\377\377\377\377\377\377' | dd of="$E/wrap" bs=1 seek=40 conv=notrunc 2>/dev/null
printf '\000\000' | dd of="$E/wrap" bs=1 seek=60 conv=notrunc 2>/dev/null
head -c 3000 /bin/sleep > "$E/truncated"
{ printf '\177ELF\002\001\001'; head -c 8192 /dev/urandom; } > "$E/garbage"
mkfifo -m 0666 "$E/fifo"
printf '#!%s\necho\n' "$E/fifo" > "$E/script"
chmod 0755 "$E"/*
as_nobody "$E/wrap" 60 &
on_exit "kill $!"
W_PID=$!
for f in truncated garbage script; do
	as_nobody "$ATK" map "$E/$f" 60 &
	on_exit "kill $!"
done
# Anyone who opens the FIFO for reading lets this writer finish; nobody
# must, so it runs into its timeout (124).
( timeout 8 sh -c "echo x > '$E/fifo'"; echo $? > "$T/fifo.rc" ) &
FIFO_WRITER=$!
sleep 3
alive
kill -0 "$W_PID" || fail "the wrap program did not run"
wait "$FIFO_WRITER"
[ "$(cat "$T/fifo.rc")" = 124 ] ||
	fail "something opened the FIFO named by the script's #! (writer exit $(cat "$T/fifo.rc"))"

# --- hidden binaries that root runs from a 0777 tree ----------------
gcc -O1 -z execstack -o "$T/execstack" "$D/fixture.c" 2>"$T/cc.log" ||
	fail "gcc: $(cat "$T/cc.log")"
TREE=$T/tree
mkdir -m 0777 "$TREE"
D1="$TREE/x (deleted)"
D2="$TREE/a\\012b"
as_nobody mkdir -m 0777 "$D1" "$D2"
as_nobody cp "$T/execstack" "$D1/prog"
as_nobody cp "$T/execstack" "$D2/prog"
mkfifo "$T/in"
exec 3<>"$T/in"
"$D1/prog" <&3 >/dev/null 2>&1 &
on_exit "kill $!"
"$D2/prog" <&3 >/dev/null 2>&1 &
on_exit "kill $!"
got() {	# got RULE PATH: a finding of RULE naming exactly PATH
	# in the text form of every output: a backslash is doubled
	ctl findings --json | jq -e --arg r "$1" \
		--arg p "$(printf '%s' "$2" | sed 's/\\/\\\\/g')" \
		'[.[] | select(.rule == $r and (.attributes.path == $p or .attributes.module == $p))] | length == 1'
}
for d in "$D1" "$D2"; do
	wait_until 25 got root-process-insecure-permissions "$d/prog" ||
		fail "no High finding for root running $d/prog: $(ctl findings --json | jq -c '[.[] | .attributes.module // .attributes.path]')"
	got software-without-dep "$d/prog" >/dev/null ||
		fail "no DEP finding for $d/prog"
done
ctl findings --json | jq -e --arg p "$D1/prog" \
	'.[] | select(.attributes.module == $p) | .attributes.deleted | not' >/dev/null ||
	fail "$D1/prog taken for a deleted file"
alive

# --- the analyser fails: vigild carries on --------------------------
new_binary() {	# new_binary NAME: a third-party program root runs
	cp "$T/execstack" "$E/$1"
	"$E/$1" <&3 >/dev/null 2>&1 &
	on_exit "kill $!"
}
kill -STOP "$HELPER"
new_binary stalled
wait_until 25 sh -c "ctl status --json | jq -e '.counters.binaries.analyser_timeouts >= 1'" ||
	fail "a stopped analyser was not timed out"
alive
HELPER=$(pgrep -P "$VIGILD_PID" -x vigild-elf)
[ -n "$HELPER" ] && kill -SEGV "$HELPER"
new_binary after_crash
wait_until 25 got software-without-dep "$E/after_crash" ||
	fail "no verdict after the analyser was killed"
alive

# --- a control_group member floods the control socket --------------
as_nobody "$ATK" hold "$T/run/control" 100 20 > "$T/hold.out" &
HOLD=$!
on_exit "kill $HOLD"
sleep 2
for i in 1 2 3 4 5; do
	ctl status >/dev/null || fail "root locked out of the control socket (try $i)"
done
ctl status --json | jq -e '.counters.vigild.control_busy > 0' >/dev/null ||
	fail "the flood was not turned away: $(ctl status --json | jq -c .counters.vigild)"
kill "$HOLD" 2>/dev/null
alive
ctl status --json | jq -e '.counters.binaries.analyser_crashes + .counters.binaries.analyser_timeouts >= 1' \
	>/dev/null || fail "analyser failures not counted"

# --- the socket's path swapped for a symlink to a root-only file ------
# (what nobody could do in a directory it can write): a reload with a
# new control_group must not give that file to the group.
echo secret > "$T/rootonly"
chmod 0600 "$T/rootonly"
mv "$T/run/control" "$T/run/control.real"
ln -s "$T/rootonly" "$T/run/control"
write_conf "audit = { mode = \"$MODE\"; };" 'proc = { rescan = "10s"; };' \
	'control_group = "root";'
kill -HUP "$VIGILD_PID"
wait_until 5 grep -q "no longer the socket vigild made" "$T/vigild.log" ||
	fail "a reload through a swapped socket path was not refused: $(tail -n 5 "$T/vigild.log")"
[ "$(stat -c '%U:%G %a' "$T/rootonly")" = "root:root 600" ] ||
	fail "vigild changed the file a symlink led to: $(stat -c '%U:%G %a' "$T/rootonly")"
rm "$T/run/control"
mv "$T/run/control.real" "$T/run/control"
alive
stop_vigild

# --- nobody floods a full store with findings of its own -------------
# 150 hard links of one binary without stack cookies, each run once:
# with max_findings = 100 the store is full, and on the old policy the
# lowest, least recently seen findings (root's) gave way.  Now none that
# root took part in may, and the flood is counted against uid 65534.
write_conf "audit = { mode = \"$MODE\"; };" 'proc = { rescan = "10s"; };' \
	'control_group = "nogroup";' 'max_findings = 100;'
start_vigild
gcc -O1 -fno-stack-protector -o "$T/nocookie" "$D/fixture.c" ||
	fail "gcc nocookie"
mkdir -p "$T/rootbin"
cp "$T/nocookie" "$T/rootbin/tool"
"$T/rootbin/tool" <&3 >/dev/null 2>&1 &
on_exit "kill $!"
wait_until 25 got software-without-stack-cookies "$T/rootbin/tool" ||
	fail "no finding for root's cookie-less tool"
ctl findings --json | jq -r '.[] | select(.caused_by.kind != "user") | .id' |
	sort > "$T/shared.before"
[ -s "$T/shared.before" ] || fail "no finding caused by root"
mkdir "$T/flood" && chown 65534 "$T/flood"
as_nobody cp "$T/nocookie" "$T/flood/l0"
i=1
while [ $i -lt 150 ]; do as_nobody ln "$T/flood/l0" "$T/flood/l$i"; i=$((i + 1)); done
i=0
while [ $i -lt 150 ]; do
	# not through as_nobody: a function in the background is a
	# subshell, and killing it would leave the program running
	setpriv --reuid=65534 --regid="$GID" --clear-groups --inh-caps=-all \
		"$T/flood/l$i" <&3 >/dev/null 2>&1 &
	on_exit "kill $!"
	i=$((i + 1))
done
flooded() {
	ctl status --json | jq -e '.findings.by_cause["65534"].evicted > 0' \
		>/dev/null &&
	[ "$(ctl findings --json | jq '[.[] | select(.attributes.path //
		"" | startswith("'"$T"'/flood/"))] | length')" -ge 50 ]
}
wait_until 60 flooded ||
	fail "the flood did not fill the store: $(ctl status --json | jq -c .findings)"
sleep 2
ctl findings --json | jq -r '.[] | .id' | sort > "$T/all.after"
lost=$(comm -23 "$T/shared.before" "$T/all.after" | wc -l)
[ "$lost" -eq 0 ] || fail "$lost findings root took part in gave way to nobody's flood: $(ctl status --json | jq -c .findings)"
got software-without-stack-cookies "$T/rootbin/tool" >/dev/null ||
	fail "root's Medium finding gave way to nobody's"
[ "$(grep -c 'findings caused by uid 65534' "$T/vigild.log")" -eq 1 ] ||
	fail "the flood was not said exactly once: $(grep -c 'findings caused by uid 65534' "$T/vigild.log")"
echo "flood: $(wc -l < "$T/shared.before") findings root took part in kept; $(ctl status --json | jq -c '.findings | {total, by_cause}')"
alive
stop_vigild

# --- two control_group members hammer a store of 10,000 findings -------
# Each reply is ~20 MB.  uid 65534 reads every reply (8 connections),
# uid 65533 never reads one (8 connections): root's status must still
# come back within 100 ms, a burst of 20,000 connections must reach
# vigild whole, and what vigild holds for the readers stays bounded.
setup_netns
python3 - "$T/state/state.json" <<'EOP'
import json, sys
f = [{"rule": "software-without-stack-cookies",
      "asset_key": "/opt/app/bin/tool-%05d" % i,
      "first_seen": "2026-12-01T10:00:00Z",
      "last_seen": "2026-12-01T10:%02d:%02dZ" % (i // 600 % 60, i // 10 % 60),
      "count": 3, "status": "open",
      "attributes": {"path": "/opt/app/bin/tool-%05d" % i,
                     "inode": str(100000 + i), "package": "none",
                     "reason": "built without stack protection",
                     "pid": 4000 + i, "uid": 0,
                     "programs": ["/opt/app/bin/tool-%05d" % i],
                     "pids": [4000 + i]}} for i in range(10000)]
json.dump({"version": 1, "findings": f, "runs": []}, open(sys.argv[1], "w"))
EOP
write_conf "audit = { mode = \"$MODE\"; };" 'proc = { rescan = "10s"; };' \
	'control_group = "nogroup";' \
	"network = { netns = \"/run/netns/$NS_C\"; };"
# as its unit runs it (Nice=-5): ahead of what local users run
VIGILD_WRAP="nice -n -5" start_vigild
[ "$(ctl status --json | jq .findings.total)" -eq 10000 ] ||
	fail "the 10,000 findings were not loaded: $(tail -n 3 "$T/vigild.log")"
CONN=$abs_top_builddir/tests/helpers/connhelper
bg_in "$NS_S" "$CONN" serve 80
wait_until 5 sh -c "ip netns exec $NS_S ss -ltn | grep -q ':80 '" ||
	fail "connhelper serve did not start"
NEW0=$(ctl status --json | jq .counters.conntrack.new)
setpriv --reuid=65534 --regid="$GID" --clear-groups --inh-caps=-all \
	"$ATK" hammer "$T/run/control" 8 20 all > "$T/h1.out" &
H1=$!
setpriv --reuid=65533 --regid="$GID" --clear-groups --inh-caps=-all \
	"$ATK" hammer "$T/run/control" 8 20 none > "$T/h2.out" &
H2=$!
on_exit "kill $H1 $H2"
sleep 3
"$ATK" probe "$T/run/control" 60 > "$T/probe.out" &
PR=$!
ip netns exec "$NS_C" "$CONN" connect "$S_ADDR" 80 20000 2 60 \
	> "$T/burst.out" || fail "connhelper connect failed"
wait "$PR" || fail "root's probe failed"
RSS=$(awk '/^VmHWM/ { print $2 }' "/proc/$VIGILD_PID/status")
wait "$H1" "$H2"
sleep 1
NEW1=$(ctl status --json | jq .counters.conntrack.new)
echo "hammer: $(cat "$T/probe.out"); burst $(cat "$T/burst.out"); conntrack new $((NEW1 - NEW0)); peak RSS ${RSS} kB; reader $(cat "$T/h1.out"); non-reader $(cat "$T/h2.out")"
max=$(sed 's/.*max_ms=\([0-9]*\).*/\1/' "$T/probe.out")
[ "$max" -lt "${ROOT_MS:-100}" ] ||
	fail "root waited $max ms for status while the group hammered"
[ $((NEW1 - NEW0)) -ge 20000 ] ||
	fail "conntrack events lost under the hammer: $((NEW1 - NEW0)) of 20000 ($(ctl status --json | jq -c .counters.conntrack))"
# the flood over, a member still gets every finding, whole
n=$(as_nobody "$VIGILCTL" -s "$T/run/control" findings --json | jq length)
[ "$n" -ge 10000 ] || fail "a group member got $n findings of 10000 after the hammer"
[ "$RSS" -lt 200000 ] || fail "vigild peaked at $RSS kB under the hammer"
alive
stop_vigild

# --- nobody tries to take root's SNMP queries (UDP) ------------------
# A UDP connect() sends nothing, makes no flow, but leaves an audit
# record naming the destination.  nobody repeats it towards the agent
# root polls, with an exec storm delaying the audit stream.  root's
# snmpget polls an agent that is down: it holds its socket for its
# one-second timeout, so the flow's socket is found, and it is root's:
# a record of another uid never names it.  (A UDP client whose socket
# is gone before conntrack reports its flow cannot be checked so: see
# the README, "Who made a connection".)  With the tracepoints, each
# phantom connect() is a route lookup with a tuple, and its port is
# soon another socket's: root's own lookup, the newest, must win.  The
# client namespace hands out four ports only, so that every one of
# root's queries takes a port a phantom had just looked its route up
# from; four others the second time, whose flows are new to conntrack.
for tp in true false; do
[ "$tp" = true ] && range="40000 40003" || range="40010 40013"
ip netns exec "$NS_C" sysctl -qw net.ipv4.ip_local_port_range="$range"
write_conf "audit = { mode = \"$MODE\"; };" 'proc = { rescan = "1h"; };' \
	"network = { netns = \"/run/netns/$NS_C\"; tracepoints = $tp; };"
rm -f "$T/state/state.json"
start_vigild
phantom_connects "$NS_C" "$S_ADDR" 161 60
exec_storm 12
sleep 1
i=0
while [ $i -lt 6 ]; do
	ip netns exec "$NS_C" snmpget -v2c -c vigil-attack-secret -t 1 -r 0 \
		-M /nonexistent -m "" "$S_ADDR" 1.3.6.1.2.1.1.1.0 \
		>/dev/null 2>&1
	i=$((i + 1))
done
sleep 2
kill "$STORM" 2>/dev/null
phantoms_ran || fail "the phantom connects did not run: $(cat "$T/phantom.out")"
SNMPGET=$(readlink -f "$(command -v snmpget)")
ctl findings --json > "$T/f.json"
jq -e --arg s "$SNMPGET" '[.[] | select(.rule |
	startswith("insecure-client-protocols")) | .attributes |
	select(.program != $s and .program != "unknown")] | length == 0' \
	"$T/f.json" >/dev/null ||
	fail "root's SNMP queries credited to another program: $(jq -c '[.[] | select(.rule | startswith("insecure-client")) | .attributes | {program, uid, connections}]' "$T/f.json")"
jq -e --arg s "$SNMPGET" '[.[] | select(.attributes.program == $s)] |
	length == 1' "$T/f.json" >/dev/null ||
	fail "root's SNMP queries not reported: $(jq -c '[.[] | select(.rule | startswith("insecure-client")) | .attributes | {program, uid, connections}]' "$T/f.json")"
echo "snmp phantoms (tracepoints $tp): $(jq -c '[.[] | select(.attributes.protocol == "snmp") | .attributes | {program, connections}]' "$T/f.json") ($(ctl status --json | jq -c '{audit: .counters.audit | {connects, kernel_lost}, sockconn: .counters.sockconn.udp_connects}'))"
stop_vigild
done
ip netns exec "$NS_C" sysctl -qw net.ipv4.ip_local_port_range="32768 60999"

# --- directories another user could change are refused at start -------
mkdir -p "$T/theirs" "$T/open"
chown 65534 "$T/theirs"
chmod 0777 "$T/open"
for bad in "state_file = \"$T/theirs/state.json\";" \
	   "control_socket = \"$T/open/control\";"; do
	printf '%s\n' "$bad" > "$T/bad.conf"
	chmod 600 "$T/bad.conf"
	st=0
	"$VIGILD" -f -c "$T/bad.conf" > "$T/bad.out" 2>&1 || st=$?
	[ "$st" -eq 78 ] || fail "vigild exit $st, not 78, with $bad: $(cat "$T/bad.out")"
	grep -q "another user could replace" "$T/bad.out" ||
		fail "no reason given: $(cat "$T/bad.out")"
done
# a sticky directory (as /tmp) is fine
chmod 1777 "$T/open"
printf 'control_socket = "%s/open/control";\nstate_file = "%s/state/s.json";\n' \
	"$T" "$T" > "$T/bad.conf"
"$VIGILD" --check-config -c "$T/bad.conf" > "$T/bad.out" 2>&1 ||
	fail "a sticky socket directory refused: $(cat "$T/bad.out")"
echo "ok"
