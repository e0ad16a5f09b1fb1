#!/bin/sh
# Not part of make check (TCG only here: a boot takes minutes).  Boots
# the package in a qemu VM with its own kernel and a real systemd, as a
# user's server: vigil installed and running with no audit daemon, then
# auditd installed from its .deb; tests/systemd/qemu-check runs inside
# and prints RESULT lines, which this script shows.  Needs root,
# qemu-system-x86_64, debootstrap and network for the first root.
#   tests/systemd/qemu.sh [TIMEOUT_SECONDS]   (default 2400)
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
limit=${1:-2400}
[ "$(id -u)" -eq 0 ] || { echo "qemu.sh: needs root" >&2; exit 77; }
command -v qemu-system-x86_64 > /dev/null ||
	{ echo "qemu.sh: apt-get install qemu-system-x86" >&2; exit 77; }
T=$(mktemp -d /var/tmp/vigil-qemu.XXXXXX)
trap 'rm -rf "$T"' EXIT

ROOT=$("$src/tests/systemd/mkroot" qemu)
DEB=$("$src/tests/systemd/builddeb" "$T/pkg")
cp -a "$ROOT" "$T/root"
cp "$DEB" "$T/root/var/tmp/vigil.deb"
systemd-nspawn -q -D "$T/root" --register=no --keep-unit \
	dpkg -i /var/tmp/vigil.deb > "$T/dpkg.log" 2>&1 ||
	{ cat "$T/dpkg.log"; exit 1; }
install -m 755 "$src/tests/systemd/qemu-check" "$T/root/usr/local/sbin/vigil-qemu-check"
cat > "$T/root/etc/systemd/system/vigil-qemu-check.service" <<UNIT
[Unit]
Description=vigil checks in the VM
After=multi-user.target vigild.service
[Service]
Type=oneshot
ExecStart=/usr/local/sbin/vigil-qemu-check
StandardOutput=journal+console
UNIT
mkdir -p "$T/root/etc/systemd/system/multi-user.target.wants"
ln -sf ../vigil-qemu-check.service \
	"$T/root/etc/systemd/system/multi-user.target.wants/vigil-qemu-check.service"
echo '/dev/vda / ext4 rw 0 1' > "$T/root/etc/fstab"
cp "$T"/root/boot/vmlinuz-* "$T/vmlinuz"
cp "$T"/root/boot/initrd.img-* "$T/initrd"
truncate -s 3G "$T/disk.img"
mkfs.ext4 -q -F -d "$T/root" "$T/disk.img"

echo "qemu.sh: booting (TCG, no KVM: several minutes)" >&2
timeout "$limit" qemu-system-x86_64 -m 2048 -smp 2 -nographic -no-reboot \
	-kernel "$T/vmlinuz" -initrd "$T/initrd" \
	-append "root=/dev/vda rw console=ttyS0 audit=1 panic=-1" \
	-drive "file=$T/disk.img,format=raw,if=virtio" -nic none \
	> "$T/console.log" 2>&1 || true
# Each line reaches the console twice (echo, and the unit's output).
grep -a 'RESULT' "$T/console.log" | sed 's/.*RESULT /RESULT /' | tr -d '\r' |
	awk '!seen[$0]++' | tee "${VIGIL_QEMU_LOG:-/dev/null}"
grep -qa 'RESULT FAIL' "$T/console.log" && exit 1
grep -qa 'RESULT DONE' "$T/console.log" || {
	echo "qemu.sh: the checks did not finish; console tail:" >&2
	tail -n 40 "$T/console.log" >&2
	exit 1
}
