#!/bin/sh
# The dpkg index against the real dpkg database and real dpkg:
# - a first start reads every list (in a child: pkg-first-start.sh) and
#   writes pkg-index beside the state file; a later start reads that
#   file and no list;
# - a package installed, then removed, with dpkg: vigild reads the one
#   list that changed, then none, and its count of packages follows;
# - a pkg-index that another user could write, one damaged in its head
#   or packages and a FIFO in its place are refused without blocking,
#   and the lists read;
# - one damaged in its index (mapped, each segment checked when first
#   read) is used until a lookup reads a damaged segment: then the lists
#   are read, the answer comes from them, the file is written anew.
. "$(dirname "$0")/lib.sh"
need_root
need dpkg dpkg-deb jq
[ -d /var/lib/dpkg/info ] || skip "not a dpkg system"
PKG=vigil-it-pkgindex
dpkg -s "$PKG" >/dev/null 2>&1 && fail "$PKG is installed already"
setup_tmp
on_exit "dpkg -P $PKG >/dev/null 2>&1"
write_conf 'audit = { mode = "off"; };' 'proc = { rescan = "10s"; };'
IDX=$T/state/pkg-index
lists_line() { grep 'pkg: .*lists read' "$T/vigild.log" | tail -1; }
nlines() { grep -c 'pkg: .*lists read' "$T/vigild.log" || true; }
# read_all: a start without a sound pkg-index has a child read every
# list (pkg-first-start.sh); vigild answers before that is done
read_all() {
	wait_until 30 sh -c "grep -q 'pkg: .*lists read' \"$T/vigild.log\""
}

# --- first start, then a start from the file --------------------------
start_vigild
read_all
lists_line | grep -q "packages known from /var/lib/dpkg/info ([1-9][0-9]* lists read" ||
	fail "no full reading at the first start"
npk=$(lists_line | sed 's/.* files of \([0-9]*\) packages.*/\1/')
[ -f "$IDX" ] || fail "no $IDX written"
[ "$(stat -c %a "$IDX")" = 600 ] || fail "$IDX is mode $(stat -c %a "$IDX")"
echo "first start: $(lists_line | sed 's/.*vigild: info: //')"
stop_vigild
: > "$T/vigild.log"
start_vigild
grep -q "pkg: [0-9]* files of $npk packages read from $IDX" "$T/vigild.log" ||
	fail "the start did not read $IDX"
[ "$(nlines)" = 0 ] || fail "a start with a sound index read lists: $(lists_line)"
echo "later start: $(grep -o 'pkg: .*read from.*' "$T/vigild.log")"

# --- dpkg installs a package, then removes it ------------------------
mkdir -p "$T/deb/DEBIAN" "$T/deb/usr/lib/$PKG"
printf 'Package: %s\nVersion: 1\nArchitecture: all\nMaintainer: vigil tests <root@localhost>\nDescription: vigil test package\n' \
	"$PKG" > "$T/deb/DEBIAN/control"
cp /bin/sleep "$T/deb/usr/lib/$PKG/idle"
dpkg-deb -b -Zgzip "$T/deb" "$T/$PKG.deb" >/dev/null || fail "dpkg-deb failed"
n0=$(nlines)
dpkg -i "$T/$PKG.deb" >/dev/null || fail "dpkg -i failed"
# its program runs: the /proc rescans look it up, and vigild looks at
# the database again (at most every 30 s)
"/usr/lib/$PKG/idle" 120 &
on_exit "kill $!"
wait_until 60 sh -c "[ \$(grep -c 'pkg: .*lists read' $T/vigild.log) -gt $n0 ]" ||
	fail "vigild did not see the package installed"
echo "installed: $(lists_line | sed 's/.*vigild: info: //')"
lists_line | grep -q "of $((npk + 1)) packages .*(1 lists read" ||
	fail "installing one package: $(lists_line)"
n0=$(nlines)
dpkg -P "$PKG" >/dev/null || fail "dpkg -P failed"
wait_until 60 sh -c "[ \$(grep -c 'pkg: .*lists read' $T/vigild.log) -gt $n0 ]" ||
	fail "vigild did not see the package removed"
echo "removed: $(lists_line | sed 's/.*vigild: info: //')"
lists_line | grep -q "of $npk packages .*(0 lists read" ||
	fail "removing one package: $(lists_line)"
stop_vigild

# --- an index file not to be trusted ----------------------------------
refused() {	# refused WHAT: the next start reads the lists again
	: > "$T/vigild.log"
	start_vigild
	grep -q "pkg: $IDX: .*reading the lists again" "$T/vigild.log" ||
		fail "$1: not refused"
	read_all
	lists_line | grep -q "($npk lists read" || fail "$1: $(lists_line)"
	[ -f "$IDX" ] && [ "$(stat -c %a "$IDX")" = 600 ] ||
		fail "$1: $IDX not written again"
	stop_vigild
}
chmod 0666 "$IDX"
refused "writable by others"
size=$(stat -c %s "$IDX")
truncate -s $((size / 2)) "$IDX"
refused "cut in half"
# the start reads this part whole: a byte among the packages' names
printf 'X' | dd of="$IDX" bs=1 seek=200 conv=notrunc 2>/dev/null
refused "one byte changed in the packages"
# a byte changed in every segment of the index: the first lookup finds it
python3 - "$IDX" <<'PY' || fail "cannot damage $IDX"
import struct, sys
d = bytearray(open(sys.argv[1], 'rb').read())
h = struct.unpack_from('<8sII7Qqq', d)
dir_len, pkgs_len, index_len, npkgs, npaths, nblocks, nsegs = h[3:10]
pad8 = lambda n: (n + 7) & ~7
blocks = pad8(96 + dir_len + pkgs_len)
index = pad8(blocks + nblocks * 4) + nsegs * 8
for s in range(nsegs):
    b = struct.unpack_from('<I', d, blocks + s * 64 * 4)[0]
    d[index + b + 6] ^= 0x20
open(sys.argv[1], 'wb').write(d)
PY
: > "$T/vigild.log"
start_vigild
grep -q "pkg: [0-9]* files of $npk packages read from $IDX" "$T/vigild.log" ||
	fail "damaged index: the start did not map $IDX"
wait_until 30 grep -q "pkg: $IDX: damaged; reading every list again" \
	"$T/vigild.log" || fail "damaged index: not found by a lookup"
lists_line | grep -q "($npk lists read" ||
	fail "damaged index: $(lists_line)"
ctl status >/dev/null ||
	fail "damaged index: vigild does not answer"
stop_vigild
: > "$T/vigild.log"
start_vigild
grep -q "pkg: [0-9]* files of $npk packages read from $IDX" "$T/vigild.log" &&
	[ "$(nlines)" = 0 ] || fail "damaged index: not written anew"
stop_vigild
rm -f "$IDX"
mkfifo "$IDX"
refused "a FIFO"
echo "pkg-index: ok"
