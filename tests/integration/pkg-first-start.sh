#!/bin/sh
# A first start (no pkg-index yet) against the real dpkg database:
# - vigild answers on its control socket while a child of its own
#   (vigild-pkgidx) still reads every list: the test stops that child
#   to hold the moment open;
# - a program without stack cookies that runs and exits meanwhile
#   (seen by audit), its file then replaced by a protected one under
#   the same name, is judged by the file it really ran once the index
#   is there: the finding carries the first file's inode;
# - the builder killed: vigild reads the lists itself, judges what it
#   held and writes pkg-index;
# - more programs than can be held while the builder is stopped: vigild
#   waits for it 10 s, stops it, reads the lists itself and judges all;
# - vigild stopped while the builder works: the builder goes with it,
#   and no pkg-index, whole or half-written, is left.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
need_root
need gcc jq dpkg
[ -d /var/lib/dpkg/info ] || skip "not a dpkg system"
setup_tmp
need_audit_alone
D=$abs_top_srcdir/tests/data
gcc -O1 -fno-stack-protector -o "$T/quick" "$D/fixture.c" || fail "gcc"
gcc -O1 -fstack-protector-strong -o "$T/prot" "$D/fixture.c" || fail "gcc"
# A rescan every hour: a program seen after the start came from audit.
write_conf 'audit = { mode = "unicast"; };' 'proc = { rescan = "1h"; };'
IDX=$T/state/pkg-index
lists_line() { grep 'pkg: .*lists read' "$T/vigild.log" | tail -1; }
held() { counter binaries held_for_index; }

# start_caught: vigild started without a pkg-index, its builder stopped
# (SIGSTOP) before it was done, its pid in BUILDER.  The builder reads
# for a quarter of a second; a start whose builder ends before it is
# caught is tried again.
start_caught() {
	tries=0
	while [ $tries -lt 8 ]; do
		tries=$((tries + 1))
		rm -f "$IDX"
		: > "$T/vigild.log"
		"$VIGILD" -f -c "$T/vigil.conf" >>"$T/vigild.log" 2>&1 &
		VIGILD_PID=$!
		BUILDER="" i=0
		while [ -z "$BUILDER" ] && [ $i -lt 500 ]; do
			BUILDER=$(pgrep -P "$VIGILD_PID" -x vigild-pkgidx) || true
			i=$((i + 1))
		done
		if [ -n "$BUILDER" ] && kill -STOP "$BUILDER" 2>/dev/null &&
		    [ "$(awk '{ print $3 }' "/proc/$BUILDER/stat" 2>/dev/null)" = T ] &&
		    ! lists_line | grep -q .; then
			wait_until 10 ctl status ||
				fail "vigild did not answer while its index was built"
			return 0
		fi
		[ -n "$BUILDER" ] && kill -CONT "$BUILDER" 2>/dev/null
		wait_until 10 ctl status || fail "vigild did not answer"
		stop_vigild
	done
	fail "the index builder was never caught at work in $tries starts: $(cat "$T/vigild.log")"
}

# run_held PROG: PROG runs while the builder is stopped and is held for
# the index (it waits on a FIFO until vigild has seen it), then ends.
mkfifo "$T/in"
run_held() {
	h0=$(held)
	"$1" < "$T/in" > /dev/null &
	qpid=$!
	exec 3> "$T/in"
	wait_until 10 sh -c "[ \$(\"$VIGILCTL\" -s \"$T/run/control\" status --json | jq .counters.binaries.held_for_index) -gt $h0 ]" ||
		fail "$1 was not held: $(ctl status --json | jq -c .counters)"
	sleep 1
	echo x >&3
	exec 3>&-
	wait "$qpid" || fail "$1 failed"
}

# --- answered before the index; a quick program judged once it is ----
start_caught
grep -q "pkg: reading /var/lib/dpkg/info in a child (pid $BUILDER)" \
	"$T/vigild.log" || fail "the child's work not logged: $(cat "$T/vigild.log")"
ctl status --json | jq -e '.counters.binaries.checked == 0 and
	.counters.binaries.packaged == 0 and
	.counters.binaries.held_for_index >= 1' >/dev/null ||
	fail "before the index: $(ctl status --json | jq -c .counters.binaries)"
ino=$(stat -c %i "$T/quick")
run_held "$T/quick"
# the name now leads to a protected program: the verdict must not follow it
cp "$T/prot" "$T/quick.new"
mv -f "$T/quick.new" "$T/quick"
sleep 0.5
lists_line | grep -q . && fail "the index was read with its builder stopped"
ctl findings --json | jq -e 'map(select(.rule | startswith("software-"))) |
	length == 0' >/dev/null || fail "judged before the index was there"
kill -CONT "$BUILDER"
wait_until 30 sh -c "grep -q 'pkg: .*lists read' \"$T/vigild.log\"" ||
	fail "the builder's index never came"
echo "built by the child: $(lists_line | sed 's/.*vigild: info: //')"
got_quick() {
	ctl findings --json | jq -e --arg p "$T/quick" --arg i "$ino" \
		'.[] | select(.rule == "software-without-stack-cookies" and
			.attributes.path == $p and .attributes.inode == $i)'
}
wait_until 10 got_quick ||
	fail "the quick program not judged by the file it ran: $(ctl status --json | jq -c .counters.binaries) $(ctl findings --json)"
ctl status --json | jq -e '.counters.binaries.checked >= 1 and
	.counters.binaries.packaged >= 1' >/dev/null ||
	fail "after the index: $(ctl status --json | jq -c .counters.binaries)"
[ -f "$IDX" ] && [ ! -e "$IDX.new" ] || fail "the child's pkg-index not in place"
echo "held before the index: $(held), $(ctl status --json | jq -c .counters.binaries)"
stop_vigild

# --- the builder killed: vigild reads the lists itself ---------------
rm -f "$T/quick"
gcc -O1 -fno-stack-protector -o "$T/quick2" "$D/fixture.c" || fail "gcc"
start_caught
run_held "$T/quick2"
kill -KILL "$BUILDER"
wait_until 10 grep -q "pkg: the index builder was killed by signal 9; reading the lists here" \
	"$T/vigild.log" || fail "the builder's death not seen: $(cat "$T/vigild.log")"
wait_until 30 sh -c "grep -q 'pkg: .*lists read' \"$T/vigild.log\"" ||
	fail "vigild did not read the lists itself"
wait_until 10 sh -c "\"$VIGILCTL\" -s \"$T/run/control\" findings --json | jq -e '.[] | select(.attributes.path == \"$T/quick2\")'" ||
	fail "quick2 not judged after the builder died"
[ -f "$IDX" ] && [ ! -e "$IDX.new" ] || fail "pkg-index not written by vigild"
ctl status >/dev/null || fail "vigild does not answer"
stop_vigild

# --- more files than can be held: vigild waits, then reads itself ----
# The builder stays stopped: after PKG_WAIT_MS (10 s) vigild stops it
# and reads the lists itself; the programs held before and the one that
# found no room are all judged.
mkdir -p "$T/many"
for i in $(seq 1 140); do cp "$T/prot" "$T/many/p$i"; done
cp "$T/quick2" "$T/many/p5"
cp "$T/quick2" "$T/many/p140"
start_caught
for i in $(seq 1 140); do "$T/many/p$i" < /dev/null > /dev/null; done
wait_until 60 grep -q "binaries: no room to hold what runs until the package index is built" \
	"$T/vigild.log" || fail "140 files held: $(ctl status --json | jq -c .counters.binaries)"
wait_until 60 grep -q "pkg: the index builder (pid $BUILDER) has not finished in 10 s; stopped, reading the lists here" \
	"$T/vigild.log" || fail "the stopped builder was waited for without end"
wait_until 30 sh -c "grep -q 'pkg: .*lists read' \"$T/vigild.log\"" ||
	fail "vigild did not read the lists after giving up on the builder"
for p in p5 p140; do
	wait_until 10 sh -c "\"$VIGILCTL\" -s \"$T/run/control\" findings --json | jq -e '.[] | select(.attributes.path == \"$T/many/$p\")'" ||
		fail "$p not judged after the wait"
done
[ ! -d "/proc/$BUILDER" ] || fail "the stopped builder is still there"
echo "queue full: $(ctl status --json | jq -c .counters.binaries)"
stop_vigild

# --- vigild stopped while the builder works ---------------------------
start_caught
stop_vigild
[ -d "/proc/$BUILDER" ] && fail "the builder (pid $BUILDER) outlived vigild"
[ ! -e "$IDX" ] && [ ! -e "$IDX.new" ] ||
	fail "a pkg-index left by a builder that never finished: $(ls -l "$T/state")"
[ "$("$AH" status)" = "$BEFORE" ] ||
	fail "audit status not restored: $("$AH" status), was $BEFORE"
echo "pkg-first-start: ok"
