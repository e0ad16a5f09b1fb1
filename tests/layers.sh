#!/bin/sh
# The sources follow the data flow: no include reaches a layer above
# its own, and no two files of libvigil.a call each other, directly or
# round a loop (scripts/check-layers; the calls are read from the
# objects this build made).
set -u
top=${abs_top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
build=${abs_top_builddir:-$top}
command -v python3 > /dev/null || { echo "SKIP: no python3"; exit 77; }
command -v nm > /dev/null || { echo "SKIP: no nm"; exit 77; }
ls "$build"/src/*/libvigil_a-*.o > /dev/null 2>&1 ||
	{ echo "no objects in $build/src: build first" >&2; exit 99; }
python3 "$top/scripts/check-layers" "$top/src" "$build" || {
	echo "FAIL: includes or calls run against the data flow (above)"
	exit 1
}
echo "layers: includes follow the data flow, no circle of calls"
