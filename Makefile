# SPDX-License-Identifier: GPL-2.0-only
#
# ptp_unified: the kernel module, phc-steer, their tests.
#
#   make                 module (for every kernel with headers) and userspace
#   make check           every test (installs its dependencies first)
#   make fuzz            longer fuzzing (FUZZ_MINUTES, default 10), not in check
#   make check-debug     guest tests on a KASAN/lockdep/kmemleak kernel
#   make demo            the product end to end in a nested-KVM guest
#   make bench           phc-steer against phc2sys and chronyd (build/bench/)
#   make KVER=<version> modules  one kernel only (or KDIR=/path); the
#                        versions in use are in build/kernels.txt
#
# When kbuild reads this directory (make -C $KDIR M=$PWD, as DKMS does) it
# uses the Kbuild file, not this Makefile.

BUILD   := $(CURDIR)/build
CC      ?= gcc
USER_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror

# Kernels to build against: KVER, else KDIR, else every kernel whose headers
# are installed. Never `uname -r`: the build machine's kernel has no headers.
ifneq ($(KDIR),)
KERNELS := $(or $(KVER),custom)
kdir_of = $(KDIR)
else
KERNELS := $(or $(KVER),$(patsubst /lib/modules/%/build,%,$(wildcard /lib/modules/*/build)))
kdir_of = /lib/modules/$(1)/build
endif

KMOD_SRCS := Kbuild $(wildcard kmod/*.c kmod/*.h kmod/uapi/linux/*.h)
KOS := $(foreach k,$(KERNELS),$(BUILD)/kmod/$(k)/ptp_unified.ko)

SELFTEST_BINS := ptp_unified_test ptp_hold phc_pair pause_watch
# The netlink tests link the userspace library over libnl-genl.
NL_SELFTEST_BINS := ptpu_nl_test nl_fuzz event_listen
# Issue 8: everything at once under load and module reloads (stress),
# every write path without CAP_SYS_TIME (unpriv).
NL_SELFTEST_BINS += stress unpriv
# Issue 15: the clock read against ptp_kvm while lying NTP servers feed it.
NL_SELFTEST_BINS += trust_watch
SELFTEST_BINS += $(NL_SELFTEST_BINS)
# phc-steer's guest checks: clock_nudge puts CLOCK_REALTIME into a known
# error; status_json_test checks `phc-steer status -j` (json-c) with sysfs.
SELFTEST_BINS += clock_nudge status_json_test
# make demo's sampler of the offsets to the host's clock.
SELFTEST_BINS += offset_log
# The ClockBound segment read against the host's time (clockbound-tests.sh).
SELFTEST_BINS += clockbound_watch
# make bench's guest programs (selftests/bench/, see docs/benchmarks.md).
SELFTEST_BINS += truth_log read_cost
# The guest suite's window on the kernel log, by record sequence number.
SELFTEST_BINS += kmsg_since
SELFTEST_OUT := $(addprefix $(BUILD)/selftests/bin/,$(SELFTEST_BINS))

LINUX_SRC_612 := /usr/src/linux-source-6.12.tar.xz

.PHONY: all modules userspace selftests vm-images deps check demo lint linux-src clean

all: modules userspace

deps:
	@scripts/deps.sh

modules: $(KOS)

# Each kernel gets its own copy of the sources: kbuild writes its objects next
# to them, and two kernels' objects must not mix.
$(BUILD)/kmod/%/ptp_unified.ko: $(KMOD_SRCS)
	@rm -rf $(BUILD)/kmod/$*
	@mkdir -p $(BUILD)/kmod/$*
	@cp -r Kbuild kmod $(BUILD)/kmod/$*/
	$(MAKE) -C $(call kdir_of,$*) M=$(BUILD)/kmod/$* W=1 modules

# The fault checks' test-only RTC (selftests/rtc_fault/), per kernel like the
# module; it goes into the test initramfs only, never into a package.
TEST_RTC_KOS := $(foreach k,$(KERNELS),$(BUILD)/rtc_fault/$(k)/ptpu_test_rtc.ko)
$(BUILD)/rtc_fault/%/ptpu_test_rtc.ko: selftests/rtc_fault/Kbuild selftests/rtc_fault/ptpu_test_rtc.c
	@rm -rf $(BUILD)/rtc_fault/$*
	@mkdir -p $(BUILD)/rtc_fault/$*
	@cp selftests/rtc_fault/Kbuild selftests/rtc_fault/ptpu_test_rtc.c $(BUILD)/rtc_fault/$*/
	$(MAKE) -C $(call kdir_of,$*) M=$(BUILD)/rtc_fault/$* W=1 modules

userspace: $(BUILD)/userspace/phc-steer

# The userspace Makefile decides what is out of date; make reads the
# binary's time again afterwards, so the initramfs follows a new phc-steer.
.PHONY: FORCE
FORCE:
$(BUILD)/userspace/phc-steer: FORCE
	@if [ -f userspace/Makefile ]; then $(MAKE) -C userspace O=$(BUILD)/userspace; fi

# What the tests and lint take from the kernel's own tree (kselftest headers,
# checkpatch, the netlink spec tools) comes from Debian's linux-source at build
# time, extracted under build/; none of it is part of this tree.
LSRC := $(BUILD)/linux-src
$(LSRC)/.stamp: | $(LINUX_SRC_612)
	@mkdir -p $(LSRC)
	tar -xJf $(LINUX_SRC_612) -C $(LSRC) --strip-components=1 --wildcards \
		'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
		'*/scripts/const_structs.checkpatch' \
		'*/tools/testing/selftests/kselftest.h' \
		'*/tools/testing/selftests/kselftest_harness.h' \
		'*/tools/net/ynl/*' '*/Documentation/netlink/*.yaml'
	@touch $@

selftests: $(SELFTEST_OUT)

$(BUILD)/selftests/bin/%: selftests/%.c selftests/phc_util.h $(LSRC)/.stamp
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -isystem $(LSRC)/tools/testing/selftests -pthread $< -o $@

$(BUILD)/selftests/bin/%: selftests/bench/%.c
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) $< -o $@

NL_LIB := $(BUILD)/userspace/libptpu_nl.a
# Recursive (=): pkg-config is only there once scripts/deps.sh has run.
NL_CFLAGS = -Iuserspace/lib -Ikmod/uapi $(shell pkg-config --cflags libnl-genl-3.0)
NL_LIBS = $(shell pkg-config --libs libnl-genl-3.0)

# Normally built by the userspace target: this only fills in when it is not.
$(NL_LIB): userspace/lib/ptpu_nl.c userspace/lib/ptpu_nl.h kmod/uapi/linux/ptp_unified.h | userspace
	$(MAKE) -C userspace O=$(BUILD)/userspace lib

$(addprefix $(BUILD)/selftests/bin/,$(NL_SELFTEST_BINS)): $(BUILD)/selftests/bin/%: \
		selftests/%.c selftests/phc_util.h $(NL_LIB) $(LSRC)/.stamp
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -isystem $(LSRC)/tools/testing/selftests $(NL_CFLAGS) -pthread \
		$< $(NL_LIB) $(NL_LIBS) -o $@

# Programs that read the ClockBound segment, with phc-steer's one-header
# reader (userspace/clockbound/clockbound_shm.h).
CB_READER_BINS := $(BUILD)/selftests/bin/clockbound_watch $(BUILD)/selftests/bin/read_cost
$(BUILD)/selftests/bin/clockbound_watch: selftests/clockbound_watch.c selftests/phc_util.h
$(BUILD)/selftests/bin/read_cost: selftests/bench/read_cost.c
$(CB_READER_BINS): userspace/clockbound/clockbound_shm.h
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -Iuserspace $(filter %.c,$^) -o $@

$(BUILD)/selftests/bin/status_json_test: selftests/status_json_test.c selftests/phc_util.h
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) $(shell pkg-config --cflags json-c) $< $(shell pkg-config --libs json-c) -o $@

vm-images: $(TEST_RTC_KOS) $(foreach k,$(KERNELS),$(BUILD)/vm/initramfs-$(k).cpio.gz)

$(BUILD)/vm/initramfs-%.cpio.gz: $(BUILD)/kmod/%/ptp_unified.ko $(SELFTEST_OUT) \
		$(BUILD)/userspace/phc-steer $(BUILD)/rtc_fault/%/ptpu_test_rtc.ko \
		selftests/vm/mkinitramfs.sh selftests/vm/guest-init $(wildcard selftests/guest/*.sh) \
		$(wildcard selftests/bench/*.sh) \
		$(wildcard selftests/debug/*.sh) selftests/lib/kernel-complaints.sh
	@mkdir -p $(dir $@)
	selftests/vm/mkinitramfs.sh $* $< $(BUILD)/selftests/bin $@ $(BUILD)/userspace/phc-steer \
		$(BUILD)/rtc_fault/$*/ptpu_test_rtc.ko

$(foreach k,$(KERNELS),$(BUILD)/vm/initramfs-$(k).cpio.gz): $(wildcard selftests/bench/*.sh)

linux-src: $(LSRC)/.stamp

lint: linux-src
	@scripts/lint.sh

check:
	@scripts/check.sh

# Longer fuzzing, outside make check (scripts/fuzz.sh): the libFuzzer
# targets for FUZZ_SECONDS each and the in-guest netlink/sysfs fuzzer for
# FUZZ_MINUTES (default 10).
.PHONY: fuzz
fuzz:
	@scripts/fuzz.sh

# The guest tests on a KASAN/lockdep/kmemleak kernel built from
# linux-source-6.1 (cached in /var/cache/ptp-unified): not part of check.
.PHONY: check-debug
check-debug:
	@scripts/check-debug.sh

# Debian packages ptp-unified-dkms and phc-steer (debian/), built from a copy
# of the tree under build/deb/: build/deb/*.deb. See docs/install.md.
.PHONY: deb
deb:
	@packaging/build-deb.sh

demo:
	@scripts/demo.sh

# Benchmarks against phc2sys and chronyd in a nested-KVM guest (not part
# of make check; about 20 minutes): build/bench/. See docs/benchmarks.md.
# The kernel is BENCH_KVER, else the first of build/kernels.txt (the one
# scripts/deps.sh installed and make check tests first): Debian replaces
# its kernel ABIs with security updates, so no version is named here.
.PHONY: bench
bench: deps
	@k='$(BENCH_KVER)'; k=$${k:-$$(head -n 1 $(BUILD)/kernels.txt)}; \
	$(MAKE) KVER="$$k" linux-src modules userspace selftests vm-images && \
	BENCH_KVER="$$k" scripts/bench.sh

clean:
	rm -rf $(BUILD)
	@if [ -f userspace/Makefile ]; then $(MAKE) -C userspace clean O=$(BUILD)/userspace; fi
