#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The packages in a real Debian 12 system: install build/deb's two .debs into
# a debootstrap'd bookworm root with apt (which brings their dependencies),
# let DKMS build the module for the guest kernel (the first in
# build/kernels.txt), then boot that root in a TCG guest with systemd as init
# and check from inside (packaging/tests/boot-guest-check.sh) that
# modules-load.d loaded the module, udev made /dev/ptp_unified and
# phc-steer.service is active, sandboxed and steering. TAP on stdout.
#
# The bookworm root with systemd, udev, initramfs-tools and the guest kernel
# (image and headers; the kernel's own initrd is built in the chroot) is made
# once and cached in /var/cache/ptp-unified/ (outside the clone); dkms and
# the packages' other dependencies are downloaded into that root's apt cache
# but installed only by the test. Each run works on an overlay (or a copy) of
# it in build/deb-boot/; whatever an interrupted run left is cleaned first.
#
# Timing (2 cores): warm about 1 min (of it the guest: about 30 s from power
# on to power off); cold, when the cached root is made first, about 1.5 min
# more with a nearby mirror (debootstrap, systemd, the kernel and headers,
# ~250 MB of packages; a slow mirror makes it longer). Network: only the
# Debian mirror of this machine's apt sources, only while the cached root is
# made. The guest has no network.
#
# Environment: PTPU_BOOT_TIMEOUT (guest, default 300 s).
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
# guest_kernel_args; console_verdict (what on a console is a kernel complaint)
# shellcheck source=selftests/vm/kernel-args.sh
. "$top/selftests/vm/kernel-args.sh"
# shellcheck source=scripts/lib/guest-retry.sh
. "$top/scripts/lib/guest-retry.sh"
recipe=4 # bump when the cached root's recipe changes
kver=$(head -1 "$top/build/kernels.txt" 2>/dev/null)
ver=$(cat "$top/VERSION")
arch=$(dpkg --print-architecture)
cache=/var/cache/ptp-unified
base=$cache/bookworm-$kver
work=$top/build/deb-boot
root=$work/root
log=$work/log.txt
timeout=${PTPU_BOOT_TIMEOUT:-300}
t_start=$(date +%s)

n=0 failures=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failures=$((failures + 1)); echo "not ok $n - $*"; }
diag() { echo "# $*"; }
elapsed() { echo "$(($(date +%s) - t_start))s"; }
die() { # a setup step failed: report it as a failed test and stop
	not_ok "$*"
	[ -f "$log" ] && tail -n 25 "$log" | sed 's/^/#   /'
	echo "1..$n"
	exit 1
}
# Commands run with the lock's descriptor closed: a child that outlives an
# interrupted run must not hold the lock.
run() { echo "+ $*" >>"$log"; "$@" >>"$log" 2>&1 9>&-; }
in_root() { # in_root DIR COMMAND...: run in a chroot, no service starts
	local r=$1
	shift
	run chroot "$r" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 \
		DEBIAN_FRONTEND=noninteractive "$@"
}

mount_api() { # proc, sys, dev for a chroot
	local r=$1
	mount -t proc proc "$r/proc" && mount -t sysfs sys "$r/sys" &&
		mount --bind /dev "$r/dev" && mount --bind /dev/pts "$r/dev/pts"
}
# Mount points at or below a path; unmount them deepest first (leftovers of
# an interrupted run included).
mounts_below() { awk -v d="$1" '$2 == d || index($2, d "/") == 1 {print $2}' /proc/mounts | sort -r; }
umount_below() {
	local p
	mounts_below "$1" | while read -r p; do umount "$p" 2>/dev/null || umount -l "$p"; done
}
# rm -rf, but never through a mount (a bound /dev, the overlay).
safe_rm() {
	local d
	for d in "$@"; do
		if [ -n "$(mounts_below "$d")" ]; then
			echo "refusing to remove $d: still mounted" >&2
			return 1
		fi
		rm -rf "$d"
	done
}

echo "TAP version 13"
[ -n "$kver" ] || { printf "1..1\nnot ok 1 - build/kernels.txt is missing (scripts/deps.sh)\n"; exit 1; }
[ -r "/boot/vmlinuz-$kver" ] || { printf "1..1\nnot ok 1 - /boot/vmlinuz-$kver missing (scripts/deps.sh)\n"; exit 1; }

mkdir -p "$cache" "$work"
exec 9>"$cache/lock"
flock -w 1800 9 || die "another deb-boot-test holds $cache/lock"

qemu_pid=
cleanup() {
	[ -n "$qemu_pid" ] && kill "$qemu_pid" 2>/dev/null
	umount_below "$root"
	umount_below "$base.tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
cleanup
safe_rm "$root" "$work/upper" "$work/ovl" "$work/root.img" || die "cleaning $work"
: >"$log"
diag "guest kernel $kver; cached root $base; log $log"

# --- the cached bookworm root ----------------------------------------------
# The mirrors: this machine's Debian sources (deb822 or one-line format).
mirrors() {
	cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
		awk '/^URIs:/ {u=$2} /^Suites:/ {for (i=2; i<=NF; i++) print u, $i}'
	cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
		awk '$1 == "deb" && $2 !~ /^\[/ {print $2, $3}'
}
mirror=$(mirrors | awk '$2 == "bookworm" {print $1; exit}')
security=$(mirrors | awk '$2 == "bookworm-security" {print $1; exit}')
guest_pkgs="systemd systemd-sysv udev dbus kmod initramfs-tools e2fsprogs man-db
	linux-image-$kver linux-headers-$kver"
later_pkgs="dkms libjson-c5 libnl-3-200 libnl-genl-3-200 libcurl4 libyaml-0-2"
stamp="recipe $recipe; $mirror $security; $guest_pkgs; $later_pkgs"

make_base() {
	local t=$base.tmp
	safe_rm "$t" || return 1
	[ -n "$mirror" ] || { echo "no bookworm mirror in the apt sources" >>"$log"; return 1; }
	run debootstrap --variant=minbase bookworm "$t" "$mirror" || return 1
	{
		echo "deb $mirror bookworm main"
		echo "deb $mirror bookworm-updates main"
		[ -n "$security" ] && echo "deb $security bookworm-security main"
	} >"$t/etc/apt/sources.list"
	# No service starts in the chroot.
	printf '#!/bin/sh\nexit 101\n' >"$t/usr/sbin/policy-rc.d"
	chmod +x "$t/usr/sbin/policy-rc.d"
	# The guest kernel's packages may already be in this machine's apt cache.
	cp /var/cache/apt/archives/linux-*"${kver%-amd64}"*.deb /var/cache/apt/archives/linux-kbuild-*.deb \
		"$t/var/cache/apt/archives/" 2>/dev/null
	mkdir -p "$t/etc/initramfs-tools/conf.d"
	echo 'RESUME=none' >"$t/etc/initramfs-tools/conf.d/resume"
	mount_api "$t" || return 1
	# shellcheck disable=SC2086
	in_root "$t" apt-get update -q &&
		in_root "$t" apt-get install -y -q --no-install-recommends $guest_pkgs &&
		in_root "$t" apt-get install -y -q --no-install-recommends --download-only $later_pkgs ||
		return 1
	[ -r "$t/boot/initrd.img-$kver" ] || in_root "$t" update-initramfs -c -k "$kver" || return 1
	umount_below "$t"
	# A bootable guest: root on the virtio disk, quiet timers, a hostname.
	echo '/dev/vda / ext4 rw,errors=remount-ro 0 0' >"$t/etc/fstab"
	echo ptpu-guest >"$t/etc/hostname"
	local u
	for u in apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer e2scrub_reap.service \
		fstrim.timer man-db.timer getty@tty1.service; do
		ln -sf /dev/null "$t/etc/systemd/system/$u"
	done
	echo "$stamp" >"$t/.ptpu-recipe"
	safe_rm "$base" || return 1
	mv "$t" "$base"
}

if [ "$(cat "$base/.ptpu-recipe" 2>/dev/null)" = "$stamp" ]; then
	diag "cached root: $base"
else
	diag "making the cached root (debootstrap, once; a few minutes)"
	make_base || die "cached bookworm root (debootstrap) failed ($(elapsed))"
	diag "cached root made in $(elapsed)"
fi

# --- this run's root: the cached one plus the packages ---------------------
run make -s -C "$top" deb || die "make deb"
debs=("$top/build/deb/ptp-unified-dkms_${ver}_all.deb" "$top/build/deb/phc-steer_${ver}_${arch}.deb")

mkdir -p "$root" "$work/upper" "$work/ovl"
if ! mount -t overlay overlay -o "lowerdir=$base,upperdir=$work/upper,workdir=$work/ovl" "$root" 2>>"$log"; then
	diag "no overlayfs: copying the cached root"
	cp -a "$base/." "$root/" || die "copy of the cached root"
fi
mount_api "$root" || die "mounting /proc, /sys, /dev in the root"
mkdir -p "$root/tmp/debs"
cp "${debs[@]}" "$root/tmp/debs/"

t0=$(date +%s)
if in_root "$root" apt-get install -y -q --no-install-recommends \
	"/tmp/debs/${debs[0]##*/}" "/tmp/debs/${debs[1]##*/}"; then
	ok "apt-get install ptp-unified-dkms phc-steer (with dkms and their dependencies) ($(($(date +%s) - t0))s)"
else
	not_ok "apt-get install ptp-unified-dkms phc-steer"
	tail -n 25 "$log" | sed 's/^/#   /'
fi

t0=$(date +%s)
if in_root "$root" dkms autoinstall -k "$kver" &&
	[ "$(chroot "$root" modinfo -k "$kver" -F vermagic ptp_unified 2>/dev/null | awk '{print $1}')" = "$kver" ]; then
	ok "dkms autoinstall -k $kver in the root: ptp_unified.ko installed ($(($(date +%s) - t0))s)"
else
	not_ok "dkms autoinstall -k $kver in the root"
	tail -n 25 "$log" | sed 's/^/#   /'
fi
chroot "$root" dkms status 2>&1 | sed 's/^/# dkms status: /'

if chroot "$root" systemd-analyze verify /lib/systemd/system/phc-steer.service >"$work/verify.txt" 2>&1 &&
	! [ -s "$work/verify.txt" ]; then
	ok "systemd-analyze verify phc-steer.service (no warnings)"
else
	not_ok "systemd-analyze verify phc-steer.service"
	sed 's/^/#   /' "$work/verify.txt"
fi
if chroot "$root" systemctl is-enabled phc-steer.service >/dev/null 2>&1; then
	ok "phc-steer.service is enabled by the package"
else
	not_ok "phc-steer.service is enabled by the package"
fi

# The test harness (not part of the packages): a oneshot unit that runs the
# checks and powers off, and a drop-in for a summary line every 5 polls
# (the packaged config writes one a minute).
install -D -m755 "$top/packaging/tests/boot-guest-check.sh" "$root/usr/local/libexec/ptpu-boot-check"
install -D -m644 "$top/packaging/tests/ptpu-boot-check.service" "$root/etc/systemd/system/ptpu-boot-check.service"
ln -sf /etc/systemd/system/ptpu-boot-check.service "$root/etc/systemd/system/multi-user.target.wants/ptpu-boot-check.service"
mkdir -p "$root/etc/systemd/system/phc-steer.service.d"
printf '[Service]\nExecStart=\nExecStart=/usr/sbin/phc-steer -f /etc/phc-steer.conf -u 5\n' \
	>"$root/etc/systemd/system/phc-steer.service.d/ptpu-boot-test.conf"
rm -f "$root/usr/sbin/policy-rc.d"
rm -rf "$root/tmp/debs"
cp "$root/boot/initrd.img-$kver" "$work/initrd.img"
umount_below "$root/proc"; umount_below "$root/sys"; umount_below "$root/dev"

# The root as an ext4 image.
t0=$(date +%s)
kb=$(du -sxk "$root" | awk '{print $1}')
size=$(((kb * 13 / 10 + 262144) / 1024))M
run mke2fs -q -t ext4 -L ptpu-root -d "$root" "$work/root.img" "$size" || die "mke2fs -d of the root"
umount_below "$root"
diag "root image: $size, made in $(($(date +%s) - t0))s"

# --- boot it ---------------------------------------------------------------
# New files (not truncated ones): a guest left over from an interrupted run
# may still write to the old ones.
rm -f "$work/console.log" "$work/results.txt"
: >"$work/console.log"
: >"$work/results.txt"
t0=$(date +%s)
# No network device, on purpose: phc-steer discovers NTP servers by itself,
# also from the metadata address 169.254.169.254, which a user-mode network
# would forward off this machine.
timeout -k 10 "$timeout" qemu-system-x86_64 -accel tcg,thread=multi -cpu max -smp 2 -m 1024 \
	-display none -vga none -monitor none -no-reboot -nic none \
	-kernel "/boot/vmlinuz-$kver" -initrd "$work/initrd.img" \
	-append "root=/dev/vda rootfstype=ext4 rw $guest_kernel_args systemd.show_status=auto" \
	-drive "file=$work/root.img,format=raw,if=virtio,cache=unsafe" \
	-serial "file:$work/console.log" -serial "file:$work/results.txt" 9>&- &
qemu_pid=$!
wait "$qemu_pid"
rc=$?
qemu_pid=
secs=$(($(date +%s) - t0))

if grep -q '^# ptpu-boot: done' "$work/results.txt"; then
	ok "the image booted with systemd and ran its checks (${secs}s)"
else
	not_ok "the image booted with systemd and ran its checks (qemu exit $rc after ${secs}s)"
	tail -n 40 "$work/console.log" | sed 's/^/#   console: /'
fi
tr -d '\r' <"$work/results.txt" | while IFS= read -r l; do
	case $l in
	"ok - "*) echo "ok - ${l#ok - }" ;;
	"not ok - "*) echo "not ok - ${l#not ok - }" ;;
	*) echo "$l" ;;
	esac
done >"$work/guest.tap"
while IFS= read -r l; do
	case $l in
	"ok - "*) ok "guest: ${l#ok - }" ;;
	"not ok - "*) not_ok "guest: ${l#not ok - }" ;;
	*) echo "$l" ;;
	esac
done <"$work/guest.tap"
# The kernel's console, as make check reads its guests' (loglevel 5: a
# WARNING, a hung task or an RCU stall of the booted system shows there).
verdict=$(console_verdict "$work/console.log")
sed -n 's/^excused: /# known emulator warning at boot, excused: /p' <<<"$verdict"
if grep -q '^complaint: ' <<<"$verdict"; then
	not_ok "no kernel complaint on the guest's console"
	sed -n 's/^complaint: /#   /p' <<<"$verdict" | head -n 20
else
	ok "no kernel complaint on the guest's console"
fi
diag "deb-boot-test took $(elapsed) (console: $work/console.log)"
echo "1..$n"
[ "$failures" = 0 ]
