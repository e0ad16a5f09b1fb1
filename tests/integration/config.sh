#!/bin/sh
# vigild configuration handling as a user meets it: built-in default,
# --check-config, file:line errors with exit 78, unsafe files refused.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
setup_tmp

"$VIGILD" --print-default-config > "$T/default.conf" ||
	fail "--print-default-config failed"
cmp -s "$T/default.conf" "$abs_top_srcdir/conf/vigil.conf" ||
	fail "built-in default differs from conf/vigil.conf"

"$VIGILD" --check-config > "$T/out" 2>&1 || fail "built-in default invalid"
grep -q '<built-in>: configuration is valid' "$T/out" || fail "no ok message"

cp "$abs_top_srcdir/conf/vigil.conf" "$T/v.conf"
chmod 0644 "$T/v.conf"
"$VIGILD" --check-config -c "$T/v.conf" >/dev/null ||
	fail "conf/vigil.conf rejected"

printf 'syslog = {\n\tfacility = "daemon";\n\tformat = "xml";\n};\n' \
	> "$T/bad.conf"
chmod 0600 "$T/bad.conf"
"$VIGILD" --check-config -c "$T/bad.conf" > "$T/out" 2>&1
st=$?
[ "$st" -eq 78 ] || fail "bad config: exit $st, expected 78"
grep -qx "$T/bad.conf:3: syslog.format must be \"kv\", \"json\", \"ocsf\" or \"cef\"" "$T/out" ||
	fail "bad config message: $(cat "$T/out")"

# The daemon itself refuses to start on it, with the same message.
"$VIGILD" -f -c "$T/bad.conf" > "$T/out" 2>&1
[ $? -eq 78 ] || fail "vigild started on a bad config"
grep -q "$T/bad.conf:3:" "$T/out" || fail "no file:line from vigild"

chmod 0666 "$T/v.conf"
"$VIGILD" --check-config -c "$T/v.conf" > "$T/out" 2>&1
[ $? -eq 78 ] || fail "world-writable config accepted"
grep -q "writable by group or others (mode 0666), refusing it" "$T/out" ||
	fail "world-writable message: $(cat "$T/out")"

"$VIGILD" --check-config -c "$T/missing.conf" > "$T/out" 2>&1
[ $? -eq 78 ] || fail "missing config accepted"
grep -q "$T/missing.conf: No such file or directory" "$T/out" ||
	fail "missing config message"

"$VIGILD" --no-such-option > /dev/null 2>&1
[ $? -eq 64 ] || fail "unknown option not a usage error"
"$VIGILD" --version | grep -q '^vigild [0-9]' || fail "--version"
"$VIGILCTL" frobnicate > /dev/null 2>&1
[ $? -eq 64 ] || fail "vigilctl unknown command not a usage error"
"$VIGILCTL" run start --duration soon > /dev/null 2>&1
[ $? -eq 64 ] || fail "vigilctl bad duration not a usage error"
"$VIGILCTL" -s "$T/nothing-here" status > "$T/out" 2>&1
[ $? -eq 69 ] || fail "vigilctl without daemon: exit not 69"
grep -q "is vigild running?" "$T/out" || fail "vigilctl without daemon message"

# Usage errors are 64 everywhere, found before vigild is even asked.
for args in "findings --severity Critical" "findings --rule no-such-rule" \
	"findings --severity" "findings show" "findings show a b" \
	"run start --duration 5s" "audit" "run start --bogus"; do
	# shellcheck disable=SC2086
	"$VIGILCTL" -s "$T/nothing-here" $args > "$T/out" 2>&1
	[ $? -eq 64 ] || fail "vigilctl $args: exit not 64: $(cat "$T/out")"
	# the command's synopsis and a pointer to --help, not 40 lines
	[ "$(wc -l < "$T/out")" -le 9 ] && grep -q "^Try 'vigilctl --help'" "$T/out" ||
		fail "vigilctl $args: not a short usage error: $(cat "$T/out")"
done
"$VIGILCTL" status --bogus 2>&1 | grep -q '^Usage: vigilctl status \[--json\] \[-v\]$' ||
	fail "status misuse does not show its synopsis"
"$VIGILCTL" --help | grep -q '^Commands:' || fail "--help lost the command list"
grep -q "not a run duration" "$T/out" ||
	"$VIGILCTL" -s "$T/nothing-here" run start --duration 5s 2>&1 |
	grep -q "not a run duration" || fail "bad duration message"
"$VIGILCTL" check-elf "$T/does-not-exist" > "$T/out" 2>&1
[ $? -eq 66 ] || fail "check-elf of a missing file: exit not 66"
"$VIGILCTL" check-elf /bin/true > /dev/null 2>&1 || fail "check-elf /bin/true"
# -q: no word when vigild is not there, the status still says so.
"$VIGILCTL" -q -s "$T/nothing-here" audit yield > "$T/out" 2>&1
[ $? -eq 69 ] && [ ! -s "$T/out" ] || fail "vigilctl -q: $(cat "$T/out")"

# Every configuration example the README and vigil.conf(5) show is valid.
src=${abs_top_srcdir:-.}
awk '/^```conf$/ { n++; f = sprintf("'"$T"'/readme-%d.conf", n); next }
	/^```/ { f = ""; next } f { print > f }' "$src/README.md"
ls "$T"/readme-*.conf > /dev/null 2>&1 || fail "no config example in README"
sed -n '/^\.SH EXAMPLE/,/^\.fi/p' "$src/man/vigil.conf.5" |
	sed -e '/^\./d' -e 's/\\-/-/g' > "$T/man-example.conf"
for f in "$T"/readme-*.conf "$T/man-example.conf"; do
	chmod 600 "$f"
	"$VIGILD" --check-config -c "$f" > "$T/out" 2>&1 ||
		fail "example $f is not valid: $(cat "$T/out") -- $(cat "$f")"
done
echo "ok"
