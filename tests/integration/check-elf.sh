#!/bin/sh
# vigilctl check-elf against fixtures compiled here with gcc, one per
# verdict, plus a truncated ELF, scripts and a hostile file name.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
need gcc jq strip
setup_tmp
D=$abs_top_srcdir/tests/data
F=$T/fx
mkdir -p "$F"
cc() { gcc -O1 -o "$@" 2>"$T/cc.log" || fail "gcc $*: $(cat "$T/cc.log")"; }

cc "$F/prot" -fstack-protector-strong "$D/fixture.c"
cc "$F/noprot" -fno-stack-protector "$D/fixture.c"
cc "$F/execstack" -fstack-protector-strong -z execstack "$D/fixture.c"
cc "$F/nopie" -fno-stack-protector -no-pie -Wl,-z,norelro "$D/fixture.c"
cc "$F/fullrelro" -fstack-protector-strong -Wl,-z,relro,-z,now "$D/fixture.c"
cc "$F/empty" -fno-stack-protector "$D/fixture-empty.c"
cc "$F/libnoprot.so" -shared -fPIC -fno-stack-protector "$D/fixture-lib.c"
cc "$F/libprot.so" -shared -fPIC -fstack-protector-strong "$D/fixture-lib.c"
cc "$F/libexec.so" -shared -fPIC -fstack-protector-strong -z execstack "$D/fixture-lib.c"
cp "$F/noprot" "$F/noprot-stripped" && strip "$F/noprot-stripped"
gcc -c -o "$F/object.o" "$D/fixture.c" || fail "gcc -c"
if gcc -static -fno-stack-protector -o "$F/static" "$D/fixture.c" 2>/dev/null; then
	cp "$F/static" "$F/static-stripped" && strip "$F/static-stripped"
	HAVE_STATIC=1
fi
if gcc -m32 -fno-stack-protector -o "$F/m32" "$D/fixture.c" 2>/dev/null; then
	HAVE_M32=1
else
	echo "note: no 32-bit toolchain (gcc-multilib); 32-bit fixture left out" >&2
fi
head -c 3000 "$F/prot" > "$F/truncated"
head -c 100 "$F/prot" > "$F/truncated-early"
printf '#!/bin/sh\necho hi\n' > "$F/script.sh"
printf '#!/usr/bin/env sh\necho hi\n' > "$F/envscript"
printf 'plain text\n' > "$F/notes.txt"
cp "$F/noprot" "$F/evil
name"

"$VIGILCTL" check-elf --json "$F" > "$T/out.json" 2>"$T/err" ||
	fail "check-elf exited non-zero"
v() {	# v NAME FIELD: the verdict field of one fixture
	jq -r --arg p "$F/$1" --arg f "$2" '.[] | select(.path == $p) | .[$f]' \
		"$T/out.json"
}
expect() {	# expect NAME dep cookies pie relro
	got="$(v "$1" dep) $(v "$1" stack_cookies) $(v "$1" pie) $(v "$1" relro)"
	[ "$got" = "$2 $3 $4 $5" ] ||
		fail "$1: got '$got', expected '$2 $3 $4 $5' ($(v "$1" reason))"
}
expect prot yes yes yes partial
expect noprot yes no yes partial
expect execstack no yes yes partial
expect nopie yes no no none
expect fullrelro yes yes yes full
expect empty yes unknown yes partial
expect libnoprot.so yes no dso partial
expect libprot.so yes yes dso partial
expect libexec.so no yes dso partial
expect noprot-stripped yes no yes partial
expect truncated yes unknown yes unknown
expect truncated-early unknown unknown unknown unknown
v truncated reason | grep -q "unreadable (truncated or damaged file)" ||
	fail "truncated reason: $(v truncated reason)"
expect object.o unknown unknown unknown unknown
v object.o reason | grep -q "relocatable object" || fail "object reason"
v noprot reason | grep -q "no __stack_chk_fail although it calls" ||
	fail "noprot reason: $(v noprot reason)"
v execstack reason | grep -q "executable stack (RWX)" || fail "execstack reason"
v empty reason | grep -q "nothing to protect" || fail "empty reason"
if [ -n "${HAVE_STATIC:-}" ]; then
	expect static yes unknown no partial
	v static reason | grep -q "static binary" || fail "static reason"
	v static-stripped reason | grep -q "static and stripped" ||
		fail "static-stripped reason: $(v static-stripped reason)"
fi
if [ -n "${HAVE_M32:-}" ]; then
	expect m32 yes no yes partial
fi
# Scripts take their interpreter's verdict and name it.
[ "$(v script.sh interpreter)" = /bin/sh ] || fail "script interpreter: $(v script.sh interpreter)"
[ "$(v script.sh dep)" = yes ] || fail "script verdict"
v envscript interpreter | grep -q '/sh$' || fail "env script: $(v envscript interpreter)"
# Not ELF, not a script: left out of a tree walk.
[ -z "$(v notes.txt dep)" ] || fail "text file reported"
[ "$(v "evil
name" stack_cookies)" = no ] || fail "file with a newline in its name"
[ -s "$T/err" ] && fail "unexpected errors: $(cat "$T/err")"

# Plain output: one escaped line per file, exit 0 although unprotected.
"$VIGILCTL" check-elf "$F/evil
name" "$F/notes.txt" > "$T/out.txt" 2>"$T/err" || fail "plain exit status"
grep -q "^$F/evil\\\\x0aname: DEP yes, stack cookies no, PIE yes, RELRO partial$" \
	"$T/out.txt" || fail "plain line: $(cat "$T/out.txt")"
grep -q "notes.txt: not an ELF file or script" "$T/err" || fail "named non-ELF"
"$VIGILCTL" check-elf > /dev/null 2>&1
[ $? -eq 64 ] || fail "check-elf without a path is not a usage error"

# Only what is judged is read: a 900 MB ELF (a real one, made sparse at
# its end) costs a few MB, not a buffer of its size.
if [ -x /usr/bin/time ]; then
	cp /bin/ls "$T/big"
	truncate -s 900M "$T/big"
	/usr/bin/time -f '%M' -o "$T/rss" "$VIGILCTL" check-elf "$T/big" \
		> "$T/big.out" || fail "check-elf of a 900 MB file"
	grep -q "DEP yes, stack cookies yes" "$T/big.out" ||
		fail "900 MB file: $(cat "$T/big.out")"
	[ "$(cat "$T/rss")" -lt 16384 ] ||
		fail "check-elf of a 900 MB file took $(cat "$T/rss") KB"
fi
echo "ok"
