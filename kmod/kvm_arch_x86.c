// SPDX-License-Identifier: GPL-2.0-only
/*
 * kvm source, x86: KVM_HC_CLOCK_PAIRING. The host answers with its
 * CLOCK_REALTIME and the guest TSC value at the same instant; this file
 * turns that TSC value into guest raw time.
 *
 * Two ktime_get_snapshot() calls bracket the hypercall. Their counter values
 * are in the units of the guest's clocksource: TSC ticks when it runs on tsc,
 * pvclock nanoseconds when it runs on kvm-clock. The pairing's TSC value,
 * converted to those units, is then interpolated to raw time between the two
 * snapshots, exactly, since raw time is linear in the counter. The snapshot
 * names its clocksource on 6.11 and later; before, the units are those in
 * which the value lands inside the bracket. A clocksource that is neither
 * (hpet, acpi_pm) is refused.
 */
#include <linux/cc_platform.h>
#include <linux/kvm_para.h>
#include <linux/math64.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <asm/pvclock.h>
#include <asm/kvmclock.h>

#include "compat.h"
#include "kvm_arch.h"
#include "ptpu_fixed.h"

struct ptpu_kvm_arch {
	struct kvm_clock_pairing *buf;
	phys_addr_t gpa;
};

/**
 * ptpu_kvm_arch_init() - set up clock pairing if this guest can do it
 *
 * Return: the pairing state, or an ERR_PTR: -EOPNOTSUPP when not on KVM,
 * without kvmclock, or with encrypted guest memory (the host cannot write
 * the pairing buffer there); -ENOMEM.
 */
struct ptpu_kvm_arch *ptpu_kvm_arch_init(void)
{
	struct ptpu_kvm_arch *arch;

	if (!kvm_para_available() || !pvclock_get_pvti_cpu0_va() ||
	    cc_platform_has(CC_ATTR_GUEST_MEM_ENCRYPT))
		return ERR_PTR(-EOPNOTSUPP);

	arch = kzalloc(sizeof(*arch), GFP_KERNEL);
	if (!arch)
		return ERR_PTR(-ENOMEM);
	arch->buf = kzalloc(sizeof(*arch->buf), GFP_KERNEL);
	if (!arch->buf) {
		kfree(arch);
		return ERR_PTR(-ENOMEM);
	}
	arch->gpa = slow_virt_to_phys(arch->buf);
	return arch;
}

/**
 * ptpu_kvm_arch_exit() - release what ptpu_kvm_arch_init() set up
 * @arch:	the pairing state (may be an ERR_PTR or NULL)
 */
void ptpu_kvm_arch_exit(struct ptpu_kvm_arch *arch)
{
	if (IS_ERR_OR_NULL(arch))
		return;
	kfree(arch->buf);
	kfree(arch);
}

static bool in_bracket(u64 c, const struct system_time_snapshot *s0,
		       const struct system_time_snapshot *s1)
{
	return c >= s0->cycles && c <= s1->cycles;
}

/**
 * ptpu_kvm_arch_pair() - one clock pairing
 * @arch:	the pairing state
 * @p:		filled with the host time and the guest raw time it pairs with
 *
 * Return: 0; -EOPNOTSUPP when the host refuses pairing (it is not on a TSC
 * clocksource) or the guest clocksource is neither tsc nor kvm-clock;
 * -EAGAIN when the clocksource or the pvclock parameters changed meanwhile;
 * -ERANGE when the host's time is no time the clock can hold (past 2262,
 * or nanoseconds outside a second).
 */
int ptpu_kvm_arch_pair(struct ptpu_kvm_arch *arch, struct ptpu_kvm_pairing *p)
{
	struct system_time_snapshot s0, s1;
	struct pvclock_vcpu_time_info *pvti;
	unsigned int version;
	bool pvti_changed;
	u64 tsc, cyc;
	long ret;

	/* pvclock data and TSC offset are per vCPU: stay on one. */
	preempt_disable();
	pvti = this_cpu_pvti();
	version = pvclock_read_begin(pvti);
	ktime_get_snapshot(&s0);
	ret = kvm_hypercall2(KVM_HC_CLOCK_PAIRING, arch->gpa,
			     KVM_CLOCK_PAIRING_WALLCLOCK);
	ktime_get_snapshot(&s1);
	tsc = READ_ONCE(arch->buf->tsc);
	cyc = __pvclock_read_cycles(pvti, tsc);
	pvti_changed = pvclock_read_retry(pvti, version);
	preempt_enable();

	/* The host says -KVM_EOPNOTSUPP when it is not on a TSC clocksource. */
	if (ret)
		return -EOPNOTSUPP;
	if (pvti_changed)
		return -EAGAIN;
	if (s0.cs_was_changed_seq != s1.cs_was_changed_seq ||
	    s1.cycles <= s0.cycles)
		return -EAGAIN;

	switch (ptpu_snapshot_counter(&s1)) {
	case PTPU_COUNTER_TSC:
		cyc = tsc;
		break;
	case PTPU_COUNTER_KVMCLOCK:
		break;		/* cyc is in pvclock ns already */
	case PTPU_COUNTER_UNKNOWN:
		/* Before 6.11: the units in which the value lands in the bracket. */
		if (in_bracket(tsc, &s0, &s1))
			cyc = tsc;
		break;
	default:
		return -EOPNOTSUPP;
	}
	/* Only a value between the two snapshots can be interpolated. */
	if (!in_bracket(cyc, &s0, &s1))
		return -EOPNOTSUPP;

	if (!ptpu_sec_to_ns(READ_ONCE(arch->buf->sec), READ_ONCE(arch->buf->nsec),
			    &p->host_ns))
		return -ERANGE;
	p->window_ns = ktime_to_ns(ktime_sub(s1.raw, s0.raw));
	p->raw_ns = ktime_to_ns(s0.raw) +
		    mul_u64_u64_div_u64(cyc - s0.cycles, p->window_ns,
					s1.cycles - s0.cycles);
	return 0;
}
