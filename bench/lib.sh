# shellcheck shell=sh
# Shared by the benches (sourced; POSIX sh).  The auditd helpers need AH
# to name tests/helpers/audithelper.

# bench_cpu_ms PID: its CPU in ms, from the scheduler's ns count of each
# thread (stat's clock ticks cut up to 10 ms off a start of 30).
bench_cpu_ms() {
	cat /proc/"$1"/task/*/schedstat |
		awk '{ s += $1 } END { printf "%d", s / 1e6 }'
}

# bench_mib KIB: in MiB, one decimal.
bench_mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

# Stops the bench when an audit daemon is registered already: the
# bench's own would not get the records.
bench_no_audit_daemon() {
	"$AH" status | grep -q '^pid=0 ' || {
		echo "an audit daemon is already registered; stop it first" >&2
		exit 1
	}
}

# auditd, installed if missing without letting the package start it.
bench_install_auditd() {
	if ! command -v auditd >/dev/null 2>&1; then
		printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
		chmod +x /usr/sbin/policy-rc.d
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq auditd \
			>/dev/null || true
		rm -f /usr/sbin/policy-rc.d
	fi
	command -v auditd >/dev/null || { echo "auditd not available" >&2; exit 1; }
}

# bench_start_auditd DIR: auditd writing DIR/audit.log, as a system's
# would (enriched, flushed asynchronously), started in the foreground;
# returns once it is the registered audit daemon, its pid in APID.
bench_start_auditd() {
	mkdir -p "$1/auditd"
	cat > "$1/auditd/auditd.conf" <<CONF
log_file = $1/audit.log
log_format = ENRICHED
flush = INCREMENTAL_ASYNC
freq = 50
max_log_file = 1024
max_log_file_action = ROTATE
space_left = 75
space_left_action = SYSLOG
admin_space_left = 50
admin_space_left_action = SUSPEND
disk_full_action = SUSPEND
disk_error_action = SUSPEND
CONF
	chmod 640 "$1/auditd/auditd.conf"
	auditd -n -c "$1/auditd" 2>>"$1/auditd.log" &
	# shellcheck disable=SC2034 # for the caller
	APID=$!
	i=0
	until "$AH" status | grep -qv '^pid=0 '; do
		i=$((i + 1)); [ $i -lt 100 ] || { cat "$1/auditd.log"; exit 1; }
		sleep 0.1
	done
}
