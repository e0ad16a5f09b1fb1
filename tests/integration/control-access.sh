#!/bin/sh
# Who may use the control socket, and what hostile requests get back.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
need_root
need jq setpriv getent
setup_tmp
NOBODY=65534
getent group nogroup >/dev/null || skip "needs group nogroup"
GID=$(getent group nogroup | cut -d: -f3)
OTHER=$(getent group users | cut -d: -f3)
[ -n "$OTHER" ] || skip "needs group users"

as() {	# as UID GID GROUPS CMD...: run without any capability
	u=$1 g=$2 gs=$3
	shift 3
	if [ -n "$gs" ]; then
		setpriv --reuid="$u" --regid="$g" --groups="$gs" --inh-caps=-all "$@"
	else
		setpriv --reuid="$u" --regid="$g" --clear-groups --inh-caps=-all "$@"
	fi
}

# --- root only by default -------------------------------------------
write_conf 'audit = { mode = "off"; };'
start_vigild
chmod 0755 "$T/run"
as $NOBODY $GID "" "$VIGILCTL" -s "$T/run/control" status > "$T/out" 2>&1
st=$?
[ $st -eq 77 ] || fail "nobody got exit $st, expected 77"
grep -q "permission denied" "$T/out" || fail "nobody: $(cat "$T/out")"

# Even past the file mode, vigild checks the peer itself (SO_PEERCRED).
chmod 0666 "$T/run/control"
as $NOBODY $GID "" "$VIGILCTL" -s "$T/run/control" status > "$T/out" 2>&1
[ $? -eq 77 ] || fail "SO_PEERCRED check let nobody in"
grep -q "vigilctl: permission denied" "$T/out" || fail "peer check: $(cat "$T/out")"
ctl status --json | jq -e '.counters.vigild.control_refused == 1' >/dev/null ||
	fail "refusal not counted"
stop_vigild

# --- control_group may read, not change ------------------------------
write_conf 'audit = { mode = "off"; };' 'control_group = "nogroup";'
start_vigild
[ "$(stat -c '%a %g' "$T/run/control")" = "660 $GID" ] ||
	fail "socket is $(stat -c '%a %g' "$T/run/control"), expected 660 $GID"
as $NOBODY $GID "" "$VIGILCTL" -s "$T/run/control" status >/dev/null ||
	fail "group member (primary group) refused"
as $NOBODY "$OTHER" "$GID" "$VIGILCTL" -s "$T/run/control" findings >/dev/null ||
	fail "group member (supplementary group) refused"
as $NOBODY $GID "" "$VIGILCTL" -s "$T/run/control" run stop > "$T/out" 2>&1
[ $? -eq 77 ] || fail "group member could stop a run"
grep -q "'run-stop' needs root" "$T/out" || fail "run stop refusal: $(cat "$T/out")"
ctl status --json | jq -e '.run.state == "collecting"' >/dev/null ||
	fail "the run was stopped by a non-root user"
# reports are reading: allowed; accepting a risk is a change: root only
as $NOBODY $GID "" "$VIGILCTL" -s "$T/run/control" report > "$T/out" 2>&1
[ $? -eq 1 ] && grep -q "no run has completed yet" "$T/out" ||
	fail "group member: report: $(cat "$T/out")"
R=$(ctl status --json | jq -r .run.id)
as $NOBODY $GID "" "$VIGILCTL" -s "$T/run/control" report "$R" \
	--format html > "$T/out" 2>&1 || fail "group member: report of $R: $(head -3 "$T/out")"
grep -q "<h1>vigil report: " "$T/out" || fail "report of the collecting run"
as $NOBODY $GID "" "$VIGILCTL" -s "$T/run/control" findings accept 0123 \
	--reason x > "$T/out" 2>&1
[ $? -eq 77 ] && grep -q "'findings-accept' needs root" "$T/out" ||
	fail "group member could accept a finding: $(cat "$T/out")"
# report misuse: exit statuses of vigilctl(1)
ctl report nosuchrun > "$T/out" 2>&1
[ $? -eq 1 ] && grep -q "no run 'nosuchrun' is kept" "$T/out" ||
	fail "unknown run: $(cat "$T/out")"
ctl report --format pdf > "$T/out" 2>&1
[ $? -eq 64 ] && grep -q "'pdf' is not a report format" "$T/out" ||
	fail "bad format: $(cat "$T/out")"
ctl report "$R" -o /nonexistent/dir/r.txt > "$T/out" 2>&1
[ $? -eq 73 ] || fail "unwritable -o: $(cat "$T/out")"
ctl findings accept 0123 > "$T/out" 2>&1
[ $? -eq 64 ] || fail "accept without a reason: $(cat "$T/out")"
ctl findings accept 0123 --reason x --until tomorrow > "$T/out" 2>&1
[ $? -eq 64 ] && grep -q "'tomorrow' is not a date" "$T/out" ||
	fail "accept with a bad date: $(cat "$T/out")"
ctl findings accept 0123 --reason x > "$T/out" 2>&1
[ $? -eq 1 ] && grep -q "no finding has an id starting with '0123'" "$T/out" ||
	fail "accept of no finding: $(cat "$T/out")"
chmod 0666 "$T/run/control"
as $NOBODY "$OTHER" "" "$VIGILCTL" -s "$T/run/control" status > "$T/out" 2>&1
[ $? -eq 77 ] || fail "non-member let in"

# --- hostile requests ------------------------------------------------
raw() { printf '%s' "$1" | "$SOCKHELPER" send "$T/run/control"; }
expect_error() {
	raw "$1" > "$T/reply"
	jq -e --arg e "$2" '.ok == false and (.error | startswith($e))' \
		"$T/reply" >/dev/null || fail "request '$1': $(cat "$T/reply")"
}
expect_error 'not json
' "request is not valid JSON"
expect_error '[1,2]
' "request is not a JSON object"
expect_error '{"foo":1}
' 'request has no "cmd" string'
expect_error '{"cmd":5}
' 'request has no "cmd" string'
expect_error '{"cmd":"reboot"}
' "unknown command 'reboot'"
expect_error '{"cmd":"findings","rule":7}
' "rule, severity, since, until, program and container must be strings"
expect_error '{"cmd":"run-start","duration":"1s"}
' "duration '1s' must be between 10s and 24h"
expect_error '{"cmd":"findings-accept","id":"zz","reason":"x"}
' "'zz' is not a finding id"
expect_error '{"cmd":"findings-accept","id":"01","reason":""}
' "the reason must be 1 to 1000 bytes"
expect_error '{"cmd":"findings-accept","id":"01","reason":"x","until":"1999-01-01"}
' "until 1999-01-01 has already passed"
expect_error '{"cmd":"report","run":5}
' "run must be a string"
head -c 70000 /dev/zero | tr '\0' 'a' > "$T/big"
"$SOCKHELPER" send "$T/run/control" < "$T/big" > "$T/reply"
jq -e '.ok == false and (.error | test("larger than 65536"))' "$T/reply" \
	>/dev/null || fail "oversized request: $(cat "$T/reply")"
raw '{"cmd":"status"}
' | jq -e '.ok == true' >/dev/null || fail "status after hostile requests"
stop_vigild
echo "ok"
