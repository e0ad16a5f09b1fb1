#!/bin/sh
# Replay every rule case under tests/rules/ (see README.md there) with
# the real engine and rules, no kernel and no root.  Fails when one does.
set -u
here=$(cd "$(dirname "$0")" && pwd)
replay=${REPLAY:-tests/rules/replay}
[ -x "$replay" ] || { echo "no $replay: build with make check" >&2; exit 99; }
pass=0 fail=0
for d in "$here"/cases/[0-9][0-9][0-9][0-9]-*/; do
	d=${d%/}
	name=$(basename "$d")
	if out=$("$replay" "$d" 2>"${TMPDIR:-/tmp}/replay.$$.err"); then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: $name"
		printf '%s\n' "$out" | sed 's/^/    /'
		sed 's/^/    stderr: /' "${TMPDIR:-/tmp}/replay.$$.err"
	fi
done
rm -f "${TMPDIR:-/tmp}/replay.$$.err"
echo "rule cases: $pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
