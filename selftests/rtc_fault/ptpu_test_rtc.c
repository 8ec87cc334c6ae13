// SPDX-License-Identifier: GPL-2.0-only
/*
 * ptpu_test_rtc: a test-only RTC for ptp_unified's fault checks. The rtc
 * class has no fault hooks and Debian's kernels have no fault injection, so
 * this driver is the RTC whose faults a test switches at run time, through
 * the module parameter "mode" (/sys/module/ptpu_test_rtc/parameters/mode):
 *
 *   good     the system clock's whole seconds (so it has second edges)
 *   fail     every read fails with -EIO
 *   invalid  an impossible date (month 13, day 0): the rtc core refuses it
 *   offset   good, shifted by offset_s seconds (valid, wildly wrong)
 *   jumpy    good plus a different pseudo-random offset of up to about
 *            +/- 12 days on every read (valid, jumping)
 *   stuck    frozen at the second it was stuck at
 *
 * Two write-only parameters test the test harness, with faults that are
 * certain and that no shipped code raises on purpose (docs/testing.md):
 *
 *   warn           writing 1 raises a kernel WARNING: make check's canary
 *                  run must fail on it
 *   triple_fault   writing 1 triple-faults the CPU (x86: an empty IDT,
 *                  then a breakpoint), which stops the guest dead without
 *                  a word: the retry rule must not take that for the
 *                  emulator's doing, as the fault lies in a module
 *
 * Never packaged: it is built only for the test initramfs.
 */
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/random.h>
#include <linux/rtc.h>
#include <linux/timekeeping.h>
#ifdef CONFIG_X86
#include <asm/desc.h>
#endif

enum ptpu_test_rtc_mode {
	MODE_GOOD,
	MODE_FAIL,
	MODE_INVALID,
	MODE_OFFSET,
	MODE_JUMPY,
	MODE_STUCK,
};

static const char * const mode_names[] = {
	[MODE_GOOD] = "good",
	[MODE_FAIL] = "fail",
	[MODE_INVALID] = "invalid",
	[MODE_OFFSET] = "offset",
	[MODE_JUMPY] = "jumpy",
	[MODE_STUCK] = "stuck",
};

static int mode = MODE_GOOD;
/* The second a stuck RTC shows: set when "stuck" is written. */
static time64_t stuck_at;
static long offset_s = 86400;
module_param(offset_s, long, 0644);
MODULE_PARM_DESC(offset_s, "seconds added in mode offset (default 86400)");

static int mode_set(const char *val, const struct kernel_param *kp)
{
	int m = sysfs_match_string(mode_names, val);

	if (m < 0)
		return m;
	WRITE_ONCE(stuck_at, ktime_get_real_seconds());
	WRITE_ONCE(mode, m);
	pr_info("ptpu_test_rtc: mode %s\n", mode_names[m]);
	return 0;
}

static int mode_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n", mode_names[READ_ONCE(mode)]);
}

static const struct kernel_param_ops mode_ops = {
	.set = mode_set,
	.get = mode_get,
};
module_param_cb(mode, &mode_ops, NULL, 0644);
MODULE_PARM_DESC(mode, "good, fail, invalid, offset, jumpy or stuck (default good)");

static int warn_set(const char *val, const struct kernel_param *kp)
{
	bool raise;
	int ret = kstrtobool(val, &raise);

	if (ret)
		return ret;
	WARN(raise, "ptpu_test_rtc: warning raised on request, to test the test harness\n");
	return 0;
}

/* Write-only: there is nothing to read back. */
static const struct kernel_param_ops warn_ops = {
	.set = warn_set,
};
module_param_cb(warn, &warn_ops, NULL, 0200);
MODULE_PARM_DESC(warn, "write 1 to raise a kernel WARNING (tests the harness)");

#ifdef CONFIG_X86
static int triple_fault_set(const char *val, const struct kernel_param *kp)
{
	struct desc_ptr no_idt = {};
	bool raise;
	int ret = kstrtobool(val, &raise);

	if (ret || !raise)
		return ret;
	/* The breakpoint has no gate, nor has the #GP or #DF that follow. */
	local_irq_disable();
	native_load_idt(&no_idt);
	asm volatile("int3");
	return 0;
}

static const struct kernel_param_ops triple_fault_ops = {
	.set = triple_fault_set,
};
module_param_cb(triple_fault, &triple_fault_ops, NULL, 0200);
MODULE_PARM_DESC(triple_fault, "write 1 to triple-fault the CPU (tests the harness)");
#endif

static int ptpu_test_rtc_read_time(struct device *dev, struct rtc_time *tm)
{
	time64_t now = ktime_get_real_seconds();

	switch (READ_ONCE(mode)) {
	case MODE_FAIL:
		return -EIO;
	case MODE_INVALID:
		rtc_time64_to_tm(now, tm);
		tm->tm_mon = 12;
		tm->tm_mday = 0;
		return 0;
	case MODE_OFFSET:
		now += READ_ONCE(offset_s);
		break;
	case MODE_JUMPY:
		now += (s32)get_random_u32() >> 11;
		break;
	case MODE_STUCK:
		now = READ_ONCE(stuck_at);
		break;
	default:
		break;
	}
	rtc_time64_to_tm(now, tm);
	return 0;
}

static const struct rtc_class_ops ptpu_test_rtc_ops = {
	.read_time = ptpu_test_rtc_read_time,
};

static int ptpu_test_rtc_probe(struct platform_device *pdev)
{
	struct rtc_device *rtc;

	rtc = devm_rtc_allocate_device(&pdev->dev);
	if (IS_ERR(rtc))
		return PTR_ERR(rtc);
	rtc->ops = &ptpu_test_rtc_ops;
	rtc->range_max = U32_MAX;
	return devm_rtc_register_device(rtc);
}

static struct platform_driver ptpu_test_rtc_driver = {
	.probe = ptpu_test_rtc_probe,
	.driver = {
		.name = "ptpu_test_rtc",
	},
};

static struct platform_device *ptpu_test_rtc_pdev;

static int __init ptpu_test_rtc_init(void)
{
	int ret;

	ret = platform_driver_register(&ptpu_test_rtc_driver);
	if (ret)
		return ret;
	ptpu_test_rtc_pdev = platform_device_register_simple("ptpu_test_rtc",
							     PLATFORM_DEVID_NONE,
							     NULL, 0);
	if (IS_ERR(ptpu_test_rtc_pdev)) {
		platform_driver_unregister(&ptpu_test_rtc_driver);
		return PTR_ERR(ptpu_test_rtc_pdev);
	}
	return 0;
}
module_init(ptpu_test_rtc_init);

static void __exit ptpu_test_rtc_exit(void)
{
	platform_device_unregister(ptpu_test_rtc_pdev);
	platform_driver_unregister(&ptpu_test_rtc_driver);
}
module_exit(ptpu_test_rtc_exit);

MODULE_DESCRIPTION("Test-only RTC with switchable faults for ptp_unified's checks");
MODULE_LICENSE("GPL");
