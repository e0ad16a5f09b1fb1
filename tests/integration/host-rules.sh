#!/bin/sh
# The host rules against real running programs built here: missing
# stack cookies, executable stacks (program and shared object), root
# loading a library from a world-writable directory; nothing for
# protected or packaged programs.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
need_root
need gcc jq
setup_tmp
D=$abs_top_srcdir/tests/data
B=$T/bin
mkdir -p "$B" "$T/ww"
chmod 0755 "$B"
chmod 0777 "$T/ww"
cc() { gcc -O1 -o "$@" 2>"$T/cc.log" || fail "gcc $*: $(cat "$T/cc.log")"; }
cc "$B/prot" -fstack-protector-strong "$D/fixture.c"
cc "$B/noprot" -fno-stack-protector "$D/fixture.c"
cc "$B/execstack" -fstack-protector-strong -z execstack "$D/fixture.c"
cc "$B/libexec.so" -shared -fPIC -fstack-protector-strong -z execstack "$D/fixture-lib.c"
cc "$T/ww/libprot.so" -shared -fPIC -fstack-protector-strong "$D/fixture-lib.c"

# The fixtures block reading a FIFO that this shell holds open.
mkfifo "$T/in"
exec 3<>"$T/in"
run() {	# run VAR CMD...: start CMD in the background, its pid in VAR
	var=$1
	shift
	"$@" <&3 >/dev/null 2>&1 &
	eval "$var=$!"
	on_exit "kill $!"
}
run P_PROT "$B/prot"
run P_NOPROT "$B/noprot"
run P_EXEC "$B/execstack"
run P_LIBEXEC env LD_PRELOAD="$B/libexec.so" "$B/prot"
run P_WW env LD_PRELOAD="$T/ww/libprot.so" "$B/prot"
run P_SLEEP sleep 300

write_conf
start_vigild
got() {	# got RULE PATH [JQ-CONDITION]
	ctl findings --json | jq -e --arg r "$1" --arg p "$2" \
		".[] | select(.rule == \$r and (.attributes.path == \$p or .attributes.module == \$p)) ${3:+| select($3)}"
}
wait_until 10 got software-without-stack-cookies "$B/noprot" ||
	fail "no stack cookie finding for $B/noprot"
got software-without-stack-cookies "$B/noprot" \
	".severity == \"Medium\" and .attributes.package == \"none\"
	 and (.attributes.reason | test(\"no __stack_chk_fail although it calls\"))
	 and (.attributes.pids | index($P_NOPROT)) != null
	 and (.attributes.programs | index(\"$B/noprot\")) != null" >/dev/null ||
	fail "stack cookie finding fields: $(ctl findings --json --rule software-without-stack-cookies)"
got software-without-dep "$B/execstack" \
	'.severity == "Medium" and (.attributes.reason | test("RWX"))' >/dev/null ||
	fail "no DEP finding for $B/execstack"
got software-without-dep "$B/libexec.so" \
	"(.attributes.programs | index(\"$B/prot\")) != null" >/dev/null ||
	fail "no DEP finding for the preloaded $B/libexec.so"
got root-process-insecure-permissions "$T/ww/libprot.so" \
	".severity == \"High\" and .attributes.directory == \"$T/ww\"
	 and .attributes.exe == \"$B/prot\" and .attributes.pid == $P_WW" \
	>/dev/null || fail "no High finding for the library in $T/ww"

# Nothing for the protected program, nor for packaged ones.
ctl findings --json | jq -e --arg p "$B/prot" \
	'[.[] | select(.attributes.path == $p)] | length == 0' >/dev/null ||
	fail "finding for the protected program"
ctl findings --json | jq -e '[.[] | select(.rule | startswith("software-"))
	| select(.attributes.path | startswith("/usr/"))] | length == 0' \
	>/dev/null || fail "packaged program reported with scope third-party"
ctl status --json | jq -e '.counters.binaries.packaged > 0' >/dev/null ||
	fail "packaged binaries not recognised"
stop_vigild

# A rule switched off reports nothing.
write_conf 'rules = { software-without-dep = { enabled = false; }; };'
rm -f "$T/state/state.json"
start_vigild
wait_until 10 got software-without-stack-cookies "$B/noprot" ||
	fail "cookie rule silent"
ctl findings --json --rule software-without-dep | jq -e 'length == 0' \
	>/dev/null || fail "disabled rule reported"
stop_vigild
echo "ok"
