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
' "rule and severity must be strings"
expect_error '{"cmd":"run-start","duration":"1s"}
' "duration '1s' must be between 10s and 24h"
head -c 70000 /dev/zero | tr '\0' 'a' > "$T/big"
"$SOCKHELPER" send "$T/run/control" < "$T/big" > "$T/reply"
jq -e '.ok == false and (.error | test("larger than 65536"))' "$T/reply" \
	>/dev/null || fail "oversized request: $(cat "$T/reply")"
raw '{"cmd":"status"}
' | jq -e '.ok == true' >/dev/null || fail "status after hostile requests"
stop_vigild
echo "ok"
