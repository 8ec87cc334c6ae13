#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Install, from Debian's packages, everything the build, the tests, the demo
# and the benchmarks need. Idempotent: a second run installs nothing and only
# prints the kernel versions in use. Debian 12 (bookworm), as root.
#
# Prints "kernel: <version>" for each guest kernel chosen; the rest of the
# tooling reads build/kernels.txt, which this script writes.
set -euo pipefail

cd "$(dirname "$0")/.."

PKGS=(
	build-essential bc flex bison libelf-dev kmod cpio
	qemu-system-x86 busybox-static
	chrony linuxptp
	libnl-3-dev libnl-genl-3-dev libjson-c-dev libcurl4-openssl-dev libyaml-dev pkg-config
	dkms sparse clang llvm libclang-rt-14-dev
	gnuplot-nox debootstrap python3 python3-yaml python3-jsonschema
	debhelper dh-dkms lintian fakeroot systemd e2fsprogs
	linux-source-6.1 linux-source-6.12
	linux-image-amd64 linux-headers-amd64
)

installed() {
	dpkg-query -W -f='${db:Status-Status}\n' "$1" 2>/dev/null | grep -qx installed
}

missing=()
for p in "${PKGS[@]}"; do
	installed "$p" || missing+=("$p")
done

# The 6.12 kernel: the newest installed one, else the newest Debian 12 offers
# (bookworm-security carries it). Looking that up needs fresh package lists,
# and so does installing anything: a machine that has everything needs no
# network at all.
k612=$(dpkg-query -W -f='${db:Status-Status} ${Package}\n' 'linux-image-6.12.*+deb12-amd64' 2>/dev/null |
	awk '$1 == "installed" {print $2}' | sed 's/^linux-image-//' | sort -V | tail -1 || true)
if [ -n "$k612" ] && ! installed "linux-headers-$k612"; then
	missing+=("linux-headers-$k612")
fi
if [ "${#missing[@]}" -gt 0 ] || [ -z "$k612" ]; then
	echo "deps: updating package lists"
	apt-get update -qq
fi
if [ -z "$k612" ]; then
	k612=$(apt-cache search --names-only '^linux-image-6\.12\.[0-9.]+\+deb12-amd64$' |
		awk '{print $1}' | sed 's/^linux-image-//' | sort -V | tail -1)
	if [ -z "$k612" ]; then
		echo "deps: no linux-image-6.12.*+deb12-amd64 in the apt sources" >&2
		exit 1
	fi
	missing+=("linux-image-$k612" "linux-headers-$k612")
fi

if [ "${#missing[@]}" -gt 0 ]; then
	echo "deps: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/tmp/ptp-unified-deps.log 2>&1 || {
		tail -30 /tmp/ptp-unified-deps.log >&2
		echo "deps: apt-get install failed (log: /tmp/ptp-unified-deps.log)" >&2
		exit 1
	}
fi

# linux-image-amd64 points at the current 6.1 ABI.
k61=$(dpkg-query -W -f='${Depends}' linux-image-amd64 | grep -o 'linux-image-6\.1\.[^ ,]*' | head -1 | sed 's/^linux-image-//')

mkdir -p build
: >build/kernels.txt
for k in "$k61" "$k612"; do
	if [ ! -r "/boot/vmlinuz-$k" ] || [ ! -d "/usr/src/linux-headers-$k" ]; then
		echo "deps: kernel $k is incomplete (image or headers missing)" >&2
		exit 1
	fi
	echo "kernel: $k"
	echo "$k" >>build/kernels.txt
done
