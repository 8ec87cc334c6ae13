// SPDX-License-Identifier: GPL-2.0-only
/*
 * ptp_unified: module entry. A platform device carries the clock and its
 * knobs; every resource of the probe is devm-managed, so unloading is just
 * unregistering the device.
 */
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/slab.h>

#include "knobs.h"
#include "ptp_unified.h"

static struct platform_device *ptpu_pdev;

static int __init ptpu_probe(struct platform_device *pdev)
{
	union ptpu_knob_value poll_ms, interval_s, device;
	struct ptpu_arbiter_config cfg;
	struct ptpu_dev *pd;
	int ret;

	pd = devm_kzalloc(&pdev->dev, sizeof(*pd), GFP_KERNEL);
	if (!pd)
		return -ENOMEM;

	pd->dev = &pdev->dev;
	mutex_init(&pd->lock);
	seqcount_mutex_init(&pd->model_seq, &pd->lock);
	platform_set_drvdata(pdev, pd);

	/*
	 * The clock is registered last, so it is unregistered first: no read
	 * reaches a time base whose sources are being torn down.
	 */
	ptpu_knobs_load_config(pd->dev, &cfg);
	ret = ptpu_timebase_init(pd, &cfg);
	if (ret)
		return ret;
	ptpu_knob_load(pd->dev, PTPU_KNOB_KVM_POLL_MS, &poll_ms);
	ret = ptpu_kvm_start(pd, poll_ms.num);
	if (ret)
		return ret;
	ptpu_knob_load(pd->dev, PTPU_KNOB_RTC_DEVICE, &device);
	ptpu_knob_load(pd->dev, PTPU_KNOB_RTC_INTERVAL_S, &interval_s);
	ret = ptpu_rtc_start(pd, device.str, interval_s.num);
	if (ret)
		return ret;
	ret = ptpu_sysfs_init(pd);
	if (ret)
		return ret;
	ret = ptpu_netlink_attach(pd);
	if (ret)
		return ret;
	return ptpu_clock_register(pd);
}

static struct platform_driver ptpu_driver = {
	.driver = {
		.name = PTPU_NAME,
	},
};

static int __init ptpu_init(void)
{
	int ret;

	/* The netlink family outlives the clock: see ptpu_netlink_register(). */
	ret = ptpu_netlink_register();
	if (ret)
		return ret;
	/*
	 * platform_create_bundle() fails when the probe fails, so a module
	 * that loaded always serves a clock.
	 */
	ptpu_pdev = platform_create_bundle(&ptpu_driver, ptpu_probe, NULL, 0,
					   NULL, 0);
	if (IS_ERR(ptpu_pdev)) {
		ptpu_netlink_unregister();
		return PTR_ERR(ptpu_pdev);
	}
	return 0;
}

static void __exit ptpu_exit(void)
{
	platform_device_unregister(ptpu_pdev);
	platform_driver_unregister(&ptpu_driver);
	ptpu_netlink_unregister();
}

module_init(ptpu_init);
module_exit(ptpu_exit);

MODULE_DESCRIPTION("One PTP clock from the best of KVM, RTC and NTP time");
MODULE_LICENSE("GPL");
