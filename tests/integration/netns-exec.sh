#!/bin/sh
# A network namespace is watched from the exec of the first program in
# it, not at the next 5-s rescan: each of three namespaces made with
# unshare -n lives 0.3 s (a rescan would see one by chance 6% of the
# time).  Told by the exec tracepoint's sample (sockconn reads where the
# program runs) while tracepoints are on; by audit's exec when they are
# off; with neither, only rescans see them (the check has teeth).
. "$(dirname "$0")/lib.sh"
need_root
need jq unshare
setup_tmp
added() { ctl status --json | jq '.counters.netns.added'; }
three() {	# three WHAT EXPECT: namespaces added while 3 lived briefly
	a0=$(added)
	for i in 1 2 3; do
		unshare -n sleep 0.3 || fail "unshare -n failed"
		sleep 1
	done
	a1=$(added)
	echo "$1: $((a1 - a0)) of 3 namespaces watched"
	[ "$2" = any ] || [ $((a1 - a0)) -ge "$2" ] ||
		fail "$1: $((a1 - a0)) of 3 namespaces watched"
	[ "$2" != any ] || [ $((a1 - a0)) -lt 3 ] ||
		fail "$1: all 3 seen without an exec source: the check cannot tell"
}
for mode in tracepoints audit none; do
	case $mode in
	tracepoints) write_conf 'audit = { mode = "off"; };' ;;
	audit) write_conf 'network = { tracepoints = false; };' ;;
	none) write_conf 'network = { tracepoints = false; };' \
		'audit = { mode = "off"; };' ;;
	esac
	start_vigild
	sleep 1
	if [ $mode = none ]; then
		three "$mode" any
	else
		three "$mode" 3
	fi
	stop_vigild
done
echo "netns-exec: ok"
