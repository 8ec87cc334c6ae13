/* SPDX-License-Identifier: GPL-2.0-only */
/* The kvm source's state, shared with its knobs (knobs.c). */
#ifndef PTPU_SOURCE_KVM_H
#define PTPU_SOURCE_KVM_H

#include <linux/workqueue.h>

struct ptpu_kvm_arch;
struct ptpu_dev;

/**
 * struct ptpu_kvm - the kvm source
 * @pd:		the clock it feeds
 * @arch:	the architecture's pairing state
 * @work:	the poll
 * @idx:	its index in the arbiter
 * @poll_ms:	poll interval (knob)
 * @refused:	the host refused the last pairing
 * @bad_time:	the last pairing's host time was out of range: withdrawn
 * @pairings:	pairings that produced a sample
 * @failures:	pairings that failed
 */
struct ptpu_kvm {
	struct ptpu_dev *pd;
	struct ptpu_kvm_arch *arch;
	struct delayed_work work;
	int idx;
	unsigned int poll_ms;
	bool refused;
	bool bad_time;
	u64 pairings;
	u64 failures;
};

#endif /* PTPU_SOURCE_KVM_H */
