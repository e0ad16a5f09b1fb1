#!/bin/sh
# vigild beside a real auditd (Debian's, run by hand here; the qemu
# script checks the same under systemd): auditd starts while vigild is
# registered, at its first try when "vigilctl audit yield" runs first
# (the package's drop-in for auditd.service), at its second when
# started bare (the kernel tells vigild, which lets go); beside it,
# vigil adds no line to audit.log by default and still catches a new
# third-party program; "rules" trades lines for precision; when auditd
# goes, vigild registers again and its rules come back; no record is
# lost when the records' way changes, under a storm of execs.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
need_root
need gcc jq auditd
setup_tmp
need_audit_alone
gcc -O1 -fno-stack-protector -o "$T/quick" "$abs_top_srcdir/tests/data/fixture.c" ||
	fail "gcc"

write_auditd_conf "$T"
APID=""
on_exit '[ -n "$APID" ] && kill "$APID" 2>/dev/null; wait "$APID" 2>/dev/null'
start_auditd() {
	auditd -n -c "$T/auditd" 2>>"$T/auditd.err" &
	APID=$!
}
# auditd registered and still running
auditd_in() {
	kill -0 "$APID" 2>/dev/null && "$AH" status | grep -q "^pid=$APID "
}
lines() { wc -l < "$T/audit.log" 2>/dev/null || echo 0; }
execs() {
	i=0
	while [ $i -lt 200 ]; do /bin/true; i=$((i + 1)); done
	sleep 1
}

write_conf 'proc = { rescan = "1h"; };'
start_vigild
[ "$(counter audit registered)" = 1 ] || fail "vigild did not register with no audit daemon"
[ "$(counter audit rules_active)" = 1 ] || fail "vigil's rules not in"

# 1. As the drop-in does it: yield, then auditd gets in at once.
ctl audit yield > /dev/null || fail "audit yield"
start_auditd
wait_until 5 auditd_in || fail "auditd did not register after yield: $(cat "$T/auditd.err")"
wait_until 5 counter_is audit rules_active 0 ||
	fail "vigil's rules still in beside auditd"
[ "$(counter audit registered)" = 0 ] || fail "vigild still registered"
[ "$("$AH" count vigil)" -eq 0 ] || fail "vigil rules left in the kernel"

# 2. No line in audit.log for vigil, and a new program is still seen.
sleep 1
before=$(lines)
execs
added=$(( $(lines) - before ))
echo "beside auditd (connector): $added audit.log lines for 200 execs"
[ "$added" -le 2 ] || fail "vigil added $added lines to audit.log"
tail -n "+$((before + 1))" "$T/audit.log" | grep -q 'key="vigil"' &&
	fail "a vigil-keyed record in audit.log beside auditd"
cp "$T/quick" "$T/quick-beside"
sleep 2 | "$T/quick-beside" > /dev/null
caught() {
	ctl findings --json | jq -e --arg p "$T/quick-beside" \
		'.[] | select(.attributes.path == $p)'
}
wait_until 5 caught || fail "new program not seen beside auditd: $(ctl status -v)"
[ "$(counter connector execs)" -ge 200 ] || fail "connector did not see the execs"

# 3. beside_auditd = "rules": precision, at a price in lines.
write_conf 'proc = { rescan = "1h"; };' 'audit = { beside_auditd = "rules"; };'
kill -HUP "$VIGILD_PID"
wait_until 5 sh -c "[ \"\$(\"$AH\" count vigil)\" -ge 4 ]" || fail "rules not put in on reload"
sleep 1
before=$(lines)
execs
added=$(( $(lines) - before ))
echo "beside auditd (rules): $added audit.log lines for 200 execs"
[ "$added" -ge 400 ] || fail "rules beside auditd: only $added lines"

# 4. auditd goes: vigild registers again (after its hold) and keeps rules.
# Programs keep starting throughout 4 and 5: registered, vigild reads
# the records on its own socket, else from the multicast group, and
# not one may fall between the two ways at a handover.
exec_storm 40
kill "$APID"; wait "$APID" 2>/dev/null; APID=""
wait_until 25 counter_is audit registered 1 ||
	fail "vigild did not register again after auditd stopped"

# 5. auditd started bare: refused once (vigild then lets go), in at the
# second try, as systemd's Restart= would do.
start_auditd
wait "$APID" 2>/dev/null
first=$?
APID=""
[ "$first" -ne 0 ] || fail "bare auditd: first start did not fail?"
wait_until 3 counter_is audit registered 0 ||
	fail "vigild did not let go on AUDIT_REPLACE"
grep -q "letting another audit daemon register" "$T/vigild.log" ||
	fail "letting go not logged"
start_auditd
wait_until 5 auditd_in || fail "bare auditd: second start failed: $(cat "$T/auditd.err")"

# Nothing lost on the way, nor a serial skipped at either handover.
kill "$STORM" 2>/dev/null
sleep 1
ctl status --json | jq -e '.counters.audit | .socket_overruns == 0 and .kernel_lost == 0 and .serial_gaps == 0 and .execs > 300' \
	>/dev/null || fail "audit events lost: $(ctl status --json | jq -c .counters.audit)"
stop_vigild
# vigild leaves auditing to auditd; auditd is stopped last.
"$AH" status | grep -q "^pid=$APID enabled=1" || fail "vigild's exit touched auditd's audit: $("$AH" status)"
kill "$APID"; wait "$APID" 2>/dev/null; APID=""
"$AH" delete-all
echo "ok"
