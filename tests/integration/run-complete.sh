#!/bin/sh
# Assessment runs: a short run completes with its summary, the next one
# starts, and vigilctl stops and starts runs.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
need_root
need jq
setup_tmp
spawn_insecure_root run-target
write_conf 'audit = { mode = "off"; };' 'assessment = { duration = "10s"; repeat = true; };'
start_vigild
R1=$(ctl status --json | jq -r '.run.id')
[ -n "$R1" ] && [ "$R1" != null ] || fail "no run at start"
# its own: other programs of the host may make findings too
own_finding() {
	ctl findings --json | jq -e 'any(.[]; .rule ==
		"root-process-insecure-permissions" and
		(.asset_key | contains("run-target")))' >/dev/null
}
wait_until 5 own_finding || fail "no finding in the first run: $(ctl findings)"

done_r1() {
	ctl runs --json | jq -e --arg r "$R1" \
		'.[] | select(.id == $r and .state == "completed")'
}
wait_until 20 done_r1 || fail "run $R1 did not complete: $(ctl runs --json)"
ctl runs --json | jq -e --arg r "$R1" '
	(.[] | select(.id == $r) | .counts.High >= 1 and .duration == 10
		and .end != null) and
	(.[-1].id != $r and .[-1].state == "collecting")' >/dev/null ||
	fail "summary or next run wrong: $(ctl runs --json)"
ctl runs | grep -q "^$R1 *completed" || fail "runs table: $(ctl runs)"
jq -e --arg r "$R1" '.runs[] | select(.id == $r and .state == "completed")' \
	"$T/state/state.json" >/dev/null 2>&1 ||
	wait_until 3 jq -e --arg r "$R1" '.runs[] | select(.id == $r and .state == "completed")' \
		"$T/state/state.json" || fail "summary not in the state file"

ctl run stop > "$T/out" || fail "run stop failed"
grep -q canceled "$T/out" || fail "run stop: $(cat "$T/out")"
ctl runs --json | jq -e '.[-1].state == "canceled" and .[-1].reason == "stopped by vigilctl"' \
	>/dev/null || fail "stopped run not canceled"
ctl status --json | jq -e '.run == null' >/dev/null || fail "a run still collecting"
ctl run stop > "$T/out" 2>&1
[ $? -eq 1 ] && grep -q "no run is collecting" "$T/out" || fail "second stop"
ctl run start --duration 5s > "$T/out" 2>&1
[ $? -eq 64 ] && grep -q "is not a run duration (10s to 24h" "$T/out" ||
	fail "5s run accepted: $(cat "$T/out")"
ctl run start --duration 12s | grep -q collecting || fail "run start"
ctl status --json | jq -e '.run.duration == 12' >/dev/null || fail "duration"
stop_vigild
jq -e '.runs[-1].state == "canceled" and .runs[-1].reason == "vigild stopped"' \
	"$T/state/state.json" >/dev/null || fail "final run not closed"
echo "ok"
