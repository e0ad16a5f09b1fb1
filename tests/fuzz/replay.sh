#!/bin/sh
# Replay every seed and every crash reproducer of tests/fuzz/ through
# its harness, built with the normal compiler: what fuzzing once found
# stays fixed.  scripts/fuzz looks for new inputs.
set -u
S=${abs_top_srcdir:-.}/tests/fuzz
B=${abs_top_builddir:-.}/tests/fuzz
rc=0
for n in elf auditrec config catalog snmpconf state control fleet pkgindex \
	pdecode srvconf collect ctparse; do
	dirs="$S/corpus/$n"
	[ -d "$S/reproducers/$n" ] && dirs="$dirs $S/reproducers/$n"
	# shellcheck disable=SC2086
	"$B/replay_$n" $dirs || { echo "FAIL: replay_$n"; rc=1; }
done
exit $rc
