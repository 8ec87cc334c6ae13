/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The link between the steering loop and the ptp_unified module, when the
 * PHC being steered from is the unified clock: the module's events reach
 * the loop the moment they are sent (a disruption steps CLOCK_REALTIME at
 * once, not at the next poll), and the clock's error bound and the selected
 * source's leap indicator are passed on to the kernel's maxerror and leap
 * state.
 */
#ifndef PHC_STEER_MODULE_LINK_H
#define PHC_STEER_MODULE_LINK_H

struct evloop;
struct log;
struct steer;
struct module_link;

/* NULL with -errno in *err: -ENOENT when the module is not loaded. */
struct module_link *module_link_create(struct evloop *loop, struct log *log,
				       struct steer *st, int *err);
void module_link_destroy(struct module_link *ml);

#endif /* PHC_STEER_MODULE_LINK_H */
