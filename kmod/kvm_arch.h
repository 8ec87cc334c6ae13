/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The architecture part of the kvm source: one clock pairing, host time
 * against the guest's raw clock. x86 (KVM_HC_CLOCK_PAIRING) now; arm64's
 * SMCCC PTP call would be one more file behind the same three functions.
 */
#ifndef PTPU_KVM_ARCH_H
#define PTPU_KVM_ARCH_H

#include <linux/err.h>
#include <linux/types.h>

struct ptpu_kvm_arch;

/**
 * struct ptpu_kvm_pairing - the host's time at one instant of the guest
 * @host_ns:	host CLOCK_REALTIME, ns
 * @raw_ns:	guest CLOCK_MONOTONIC_RAW at the same instant, ns
 * @window_ns:	raw time the pairing took (hypercall and bracketing reads)
 */
struct ptpu_kvm_pairing {
	s64 host_ns;
	s64 raw_ns;
	u64 window_ns;
};

#ifdef CONFIG_X86
struct ptpu_kvm_arch *ptpu_kvm_arch_init(void);
void ptpu_kvm_arch_exit(struct ptpu_kvm_arch *arch);
int ptpu_kvm_arch_pair(struct ptpu_kvm_arch *arch, struct ptpu_kvm_pairing *p);
#else
/* No pairing on this architecture (yet): the kvm source is absent. */
static inline struct ptpu_kvm_arch *ptpu_kvm_arch_init(void)
{
	return ERR_PTR(-EOPNOTSUPP);
}

static inline void ptpu_kvm_arch_exit(struct ptpu_kvm_arch *arch)
{
}

static inline int ptpu_kvm_arch_pair(struct ptpu_kvm_arch *arch,
				     struct ptpu_kvm_pairing *p)
{
	return -EOPNOTSUPP;
}
#endif

#endif /* PTPU_KVM_ARCH_H */
