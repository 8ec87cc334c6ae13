#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The kernel modules of an initramfs for a kernel given by its build tree
# (the debug kernel of `make check-debug`), for mkinitramfs.sh:
#   tree-modules.sh TREE DEST MODULE...
# DEST is the initramfs's /lib/modules/RELEASE. It gets the tree's
# modules.builtin, modules.builtin.modinfo and modules.order, so depmod
# indexes the built-in modules and busybox modprobe of one (ptp_kvm, 9p,
# virtio_pci ...) succeeds without loading anything. A module the tree built
# as a .ko is copied with the .ko files it depends on; one the kernel has
# neither built in nor built (kvm_amd: only an L1 loads it, and L1 runs a
# Debian kernel) is skipped, and said so.
set -euo pipefail
tree=$1 dest=$2
shift 2
mkdir -p "$dest"
for f in modules.builtin modules.builtin.modinfo modules.order; do
	[ ! -f "$tree/$f" ] || cp "$tree/$f" "$dest/"
done

# ko_of NAME: the tree's .ko for a module name (- and _ are the same), or
# nothing.
ko_of() {
	find "$tree" \( -name "${1//-/_}.ko" -o -name "${1//_/-}.ko" \) \
		-not -path '*/.tmp*' -print -quit 2>/dev/null || true
}

copy_ko() {
	local f=$1 rel dep
	rel=kernel/${f#"$tree"/}
	[ ! -e "$dest/$rel" ] || return 0
	mkdir -p "$dest/$(dirname "$rel")"
	cp "$f" "$dest/$rel"
	for dep in $(modinfo -F depends "$f" | tr ',' ' '); do
		! is_builtin "$dep" || continue
		dep=$(ko_of "$dep")
		[ -z "$dep" ] || copy_ko "$dep"
	done
}

is_builtin() {
	local n=${1//-/_}
	awk -v n="$n" '{ sub(/.*\//, ""); sub(/\.ko$/, ""); gsub(/-/, "_") }
		$0 == n { f = 1 } END { exit !f }' "$tree/modules.builtin"
}

for m in "$@"; do
	if is_builtin "$m"; then
		continue
	fi
	f=$(ko_of "$m")
	if [ -n "$f" ]; then
		copy_ko "$f"
	else
		echo "tree-modules: $m is neither built in nor built in $tree: skipped" >&2
	fi
done
