#!/bin/sh
# The audit source, without auditd: a program that runs and exits at
# once is still caught (no /proc rescan could see it); rules deleted
# under vigild's feet come back; at exit the rules, the audit pid and
# the enabled flag are as before.  Then the same in multicast mode.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
need_root
need gcc jq
setup_tmp
need_audit_alone
gcc -O1 -fno-stack-protector -o "$T/quick" "$abs_top_srcdir/tests/data/fixture.c" ||
	fail "gcc"

for MODE in unicast multicast; do
	rm -rf "$T/state"
	# A rescan every hour: whatever is found quickly came from audit.
	write_conf "audit = { mode = \"$MODE\"; };" 'proc = { rescan = "1h"; };'
	: > "$T/vigild.log"
	start_vigild
	ctl status --json | jq -e --argjson u "$([ $MODE = unicast ] && echo 1 || echo 0)" \
		'.counters.audit.registered == $u' >/dev/null || fail "$MODE: wrong mode"
	[ "$("$AH" count vigil)" -ge 4 ] || fail "$MODE: rules not installed"
	if [ $MODE = unicast ]; then
		"$AH" status | grep -q "backlog_limit=8192" ||
			fail "backlog limit not raised: $("$AH" status)"
	fi
	cp "$T/quick" "$T/quick-$MODE"
	echo x | "$T/quick-$MODE" > /dev/null
	caught() {
		ctl findings --json | jq -e --arg p "$T/quick-$MODE" \
			'.[] | select(.rule == "software-without-stack-cookies" and .attributes.path == $p)'
	}
	wait_until 5 caught || fail "$MODE: short-lived program not caught: $(ctl status -v)"
	ctl status --json | jq -e '.counters.audit.execs >= 1 and .counters.audit.malformed == 0' \
		>/dev/null || fail "$MODE: audit counters: $(ctl status --json | jq .counters.audit)"

	# auditctl -D: vigild puts its rules back and says so.
	"$AH" delete-all
	[ "$("$AH" count vigil)" -eq 0 ] || fail "delete-all left rules"
	wait_until 15 sh -c "[ \$(\"$AH\" count vigil) -ge 4 ]" ||
		fail "$MODE: rules not re-added after deletion"
	wait_until 5 grep -q "added them again" "$T/vigild.log" ||
		fail "$MODE: re-adding not logged"
	ctl status --json | jq -e '.counters.audit.rules_readded >= 1' >/dev/null ||
		fail "$MODE: re-adding not counted"
	# ... and still works.
	cp "$T/quick" "$T/again-$MODE"
	echo x | "$T/again-$MODE" > /dev/null
	wait_until 5 sh -c "\"$VIGILCTL\" -s \"$T/run/control\" findings --json | jq -e '.[] | select(.attributes.path == \"$T/again-$MODE\")'" ||
		fail "$MODE: nothing caught after re-adding"
	stop_vigild
	[ "$("$AH" count vigil)" -eq 0 ] || fail "$MODE: rules left after exit"
	[ "$("$AH" status)" = "$BEFORE" ] ||
		fail "$MODE: audit status not restored: $("$AH" status), was $BEFORE"
done

# A vigild killed in unicast mode leaves auditing on and the backlog
# raised; the next vigild puts both back when it stops.
rm -rf "$T/state"
write_conf 'audit = { mode = "unicast"; };' 'proc = { rescan = "1h"; };'
start_vigild
"$AH" status | grep -q "backlog_limit=8192" || fail "crash case: backlog not raised"
kill -9 "$VIGILD_PID"
wait "$VIGILD_PID" 2>/dev/null
VIGILD_PID=""
"$AH" delete-all
rm -f "$T/run/control"
start_vigild
grep -q "backlog limit was raised by an earlier vigild" "$T/vigild.log" ||
	fail "crash case: the earlier backlog was not remembered"
stop_vigild
[ "$("$AH" status)" = "$BEFORE" ] ||
	fail "after a crash: audit status not restored: $("$AH" status), was $BEFORE"
echo "ok"
