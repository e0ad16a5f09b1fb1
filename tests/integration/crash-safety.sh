#!/bin/sh
# kill -9 while vigild rewrites a large state file as fast as asked:
# every time, the file on disk is complete and holds every finding.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
need_root
need jq
setup_tmp
N=150
ROUNDS=25
mkdir -p "$T/ww"
chmod 0777 "$T/ww"
cp /bin/sleep "$T/ww/s0"
i=0
while [ $i -lt $N ]; do
	[ $i -gt 0 ] && ln "$T/ww/s0" "$T/ww/s$i"
	"$T/ww/s$i" 300 >/dev/null 2>&1 &
	on_exit "kill $!"
	i=$((i + 1))
done
write_conf 'audit = { mode = "off"; };'
start_vigild
# Only the test's own findings count: on a busy machine another
# program may be found meanwhile.
ours() {	# ours FILTER: how many of the test's findings FILTER lists
	jq "[$1 | select((.attributes.exe // \"\") | startswith(\"$T/ww/\"))] | length"
}
all_found() { [ "$(ctl findings --json | ours '.[]')" -eq "$N" ]; }
wait_until 20 all_found || fail "expected $N findings: $(ctl status -v)"
ctl save >/dev/null || fail "save"
[ "$(ours '.findings[]' < "$T/state/state.json")" -eq "$N" ] ||
	fail "state file does not hold $N findings"
kill -9 "$VIGILD_PID"
wait "$VIGILD_PID" 2>/dev/null
VIGILD_PID=""

r=0
while [ $r -lt $ROUNDS ]; do
	start_vigild
	( j=0; while [ $j -lt 500 ]; do ctl save >/dev/null 2>&1 || exit 0; j=$((j + 1)); done ) &
	SPAM=$!
	# 0 to 490 ms into the storm
	sleep "0.$(( (r * 7) % 50 ))"
	kill -9 "$VIGILD_PID"
	wait "$VIGILD_PID" 2>/dev/null
	VIGILD_PID=""
	wait $SPAM 2>/dev/null
	jq -e ".version == 1" "$T/state/state.json" >/dev/null &&
		[ "$(ours '.findings[]' < "$T/state/state.json")" -eq "$N" ] ||
		fail "round $r: state file damaged or incomplete"
	r=$((r + 1))
done
ls -a "$T/state" | grep -q corrupt && fail "a state file was found corrupt"
start_vigild
ls -a "$T/state" | grep -q '\.tmp\.' && fail "temporary files left after restart"
[ "$(ctl findings --json | ours '.[]')" -eq "$N" ] ||
	fail "findings lost across kills"
stop_vigild
echo "ok"
