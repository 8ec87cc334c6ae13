// SPDX-License-Identifier: GPL-2.0-only
/*
 * kvm source: the hypervisor's clock through clock pairing (kvm_arch_*.c),
 * polled by delayed work. Absent, not an error, when the guest is not on
 * KVM; when the host refuses pairing (it is not on a TSC clocksource) the
 * source keeps existing, goes stale in the arbiter and is probed again at a
 * slower rate until the host accepts again.
 */
#include <linux/device.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "kvm_arch.h"
#include "ptp_unified.h"
#include "source_kvm.h"

/*
 * The host pairs its clock and the TSC in one reading, and the conversion
 * to raw time here is exact to the ns: what is left is the host's own
 * reading and rounding. One microsecond covers it with room.
 */
#define PTPU_KVM_PAIRING_BOUND_NS 1000
/* While the host refuses pairing, ask again this often. */
#define PTPU_KVM_REPROBE_MS 5000

static void ptpu_kvm_poll(struct work_struct *work)
{
	struct ptpu_kvm *kvm = container_of(to_delayed_work(work),
					    struct ptpu_kvm, work);
	struct ptpu_kvm_pairing p;
	struct ptpu_sample smp = {};
	unsigned int next_ms = READ_ONCE(kvm->poll_ms);
	int ret;

	ret = ptpu_kvm_arch_pair(kvm->arch, &p);
	if (!ret) {
		smp.raw_ns = p.raw_ns;
		smp.ref_ns = p.host_ns;
		smp.bound_ns = PTPU_KVM_PAIRING_BOUND_NS;
		ret = ptpu_submit_sample(kvm->pd, kvm->idx, &smp);
		if (ret)
			dev_dbg(kvm->pd->dev, "kvm: sample refused: %d\n", ret);
		if (kvm->refused)
			dev_info(kvm->pd->dev, "kvm: host accepts clock pairing again\n");
		if (kvm->bad_time)
			dev_info(kvm->pd->dev, "kvm: the host's time is within range again\n");
		kvm->refused = false;
		kvm->bad_time = false;
		kvm->pairings++;
	} else if (ret == -EOPNOTSUPP) {
		if (!kvm->refused)
			dev_info(kvm->pd->dev,
				 "kvm: clock pairing refused (host or guest not on a TSC-based clocksource); retrying every %d s\n",
				 PTPU_KVM_REPROBE_MS / 1000);
		if (!kvm->refused)
			ptpu_source_withdraw(kvm->pd, kvm->idx);
		kvm->refused = true;
		kvm->failures++;
		next_ms = PTPU_KVM_REPROBE_MS;
	} else if (ret == -ERANGE) {
		/* A host that says so is broken: its earlier samples are no evidence. */
		if (!kvm->bad_time) {
			dev_warn_ratelimited(kvm->pd->dev,
					     "kvm: the host's time is past 2262 or malformed: samples refused until it is not\n");
			ptpu_source_withdraw(kvm->pd, kvm->idx);
		}
		kvm->bad_time = true;
		kvm->failures++;
	} else {
		kvm->failures++;
	}
	queue_delayed_work(system_unbound_wq, &kvm->work,
			   msecs_to_jiffies(next_ms));
}

static void ptpu_kvm_stop(void *data)
{
	struct ptpu_kvm *kvm = data;

	cancel_delayed_work_sync(&kvm->work);
	ptpu_kvm_arch_exit(kvm->arch);
}

/**
 * ptpu_kvm_start() - start the kvm source if this guest runs on KVM
 * @pd:		the clock
 * @poll_ms:	the poll interval (knob kvm_poll_ms) at load, in range
 *
 * Return: 0 (also when absent: @pd->kvm stays NULL) or a negative errno.
 */
int ptpu_kvm_start(struct ptpu_dev *pd, unsigned int poll_ms)
{
	struct ptpu_kvm_arch *arch;
	struct ptpu_kvm *kvm;
	int ret;

	arch = ptpu_kvm_arch_init();
	if (IS_ERR(arch))
		return PTR_ERR(arch) == -EOPNOTSUPP ? 0 : PTR_ERR(arch);

	kvm = devm_kzalloc(pd->dev, sizeof(*kvm), GFP_KERNEL);
	if (!kvm) {
		ptpu_kvm_arch_exit(arch);
		return -ENOMEM;
	}
	kvm->pd = pd;
	kvm->arch = arch;
	kvm->poll_ms = poll_ms;
	INIT_DELAYED_WORK(&kvm->work, ptpu_kvm_poll);
	ret = devm_add_action_or_reset(pd->dev, ptpu_kvm_stop, kvm);
	if (ret)
		return ret;

	kvm->idx = ptpu_source_add(pd, "kvm", PTPU_CLASS_KVM);
	if (kvm->idx < 0)
		return kvm->idx;
	pd->kvm = kvm;
	queue_delayed_work(system_unbound_wq, &kvm->work, 0);
	return 0;
}
