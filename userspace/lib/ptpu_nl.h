/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ptpu_nl: a client of the ptp_unified generic netlink family, over
 * libnl-genl. It pushes samples of external sources, reads the state of the
 * sources and of the clock, gets and sets the knobs, and receives events.
 * The family itself is documented in docs/interfaces.md and specified in
 * docs/netlink/ptp_unified.yaml; the constants come from its uapi header.
 *
 * Conventions: every function returns 0 (or a count, or 1 for "got one") on
 * success and a negative errno on failure. The kernel's errno is passed on
 * unchanged (-EPERM without CAP_SYS_TIME, -ENOENT for an unknown source,
 * -EINVAL for a refused attribute, ...), and after a failed request
 * ptpu_nl_ext_ack() holds the kernel's explanation. A handle is not
 * thread-safe: use one per thread.
 */
#ifndef PTPU_NL_H
#define PTPU_NL_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/ptp_unified.h>

struct nl_msg;
struct ptpu_nl;

#define PTPU_NL_MAX_SOURCES	16

/* Open a handle: -ENOENT in *err when the module is not loaded. NULL on error. */
struct ptpu_nl *ptpu_nl_open(int *err);
void ptpu_nl_close(struct ptpu_nl *h);

/*
 * The extended ACK of the last request: the kernel's message ("" if none),
 * and the type of the attribute it refused or found missing (-1 if none;
 * for an attribute inside a nest, its type within the nest).
 */
const char *ptpu_nl_ext_ack(const struct ptpu_nl *h);
int ptpu_nl_ext_ack_attr(const struct ptpu_nl *h);
int ptpu_nl_ext_ack_missing(const struct ptpu_nl *h);

/* Names for enum ptp_unified_class / _state / _leap ("?" if out of range). */
const char *ptpu_nl_class_name(unsigned int cls);
const char *ptpu_nl_state_name(unsigned int state);
const char *ptpu_nl_leap_name(unsigned int leap);
/* The PTP_UNIFIED_CLASS_* of "ntp", "phc", ...; -EINVAL if none. */
int ptpu_nl_class_parse(const char *name);

/* ---- sources (writes need CAP_SYS_TIME) ---- */

/* Add an external source: class PTP_UNIFIED_CLASS_NTP, _PHC or _OTHER. */
int ptpu_nl_source_add(struct ptpu_nl *h, const char *name, unsigned int cls);
int ptpu_nl_source_del(struct ptpu_nl *h, const char *name);

/* A source as the kernel sees it now; see the uapi header for the fields. */
struct ptpu_nl_source {
	char name[PTP_UNIFIED_NAME_LEN];
	unsigned int cls;		/* enum ptp_unified_class */
	bool enabled;
	bool prefer;
	uint32_t priority;
	bool available;
	bool selected;
	bool calibrated;
	bool falseticker;
	bool suspect;
	uint8_t stratum;
	uint8_t leap;			/* enum ptp_unified_leap */
	uint32_t samples;
	int64_t offset_ns;		/* its estimate minus the clock */
	uint64_t bound_ns;
	uint64_t jitter_ns;
	int64_t age_ns;			/* -1: no sample yet */
	int64_t freq_ppb;
};

int ptpu_nl_source_get(struct ptpu_nl *h, const char *name, struct ptpu_nl_source *src);

/* Called once per source of a dump; a non-zero return stops the walk. */
typedef int (*ptpu_nl_source_cb)(const struct ptpu_nl_source *src, void *arg);
int ptpu_nl_source_dump(struct ptpu_nl *h, ptpu_nl_source_cb cb, void *arg);
/* Dump into an array: the number of sources (only the first @max stored). */
int ptpu_nl_source_list(struct ptpu_nl *h, struct ptpu_nl_source *srcs, int max);

/* ---- samples (CAP_SYS_TIME) ---- */

/*
 * "At CLOCK_MONOTONIC_RAW time raw_ns, UTC was ref_ns +/- bound_ns."
 * cls >= 0 creates the source with that class if it does not exist (and
 * must match an existing one's); cls < 0 requires an existing source.
 */
struct ptpu_nl_sample {
	const char *source;
	int64_t raw_ns;
	int64_t ref_ns;
	uint64_t bound_ns;
	int cls;
	uint8_t stratum;
	uint8_t leap;			/* enum ptp_unified_leap */
};

int ptpu_nl_sample_push(struct ptpu_nl *h, const struct ptpu_nl_sample *s);

/* ---- configuration (config_set needs CAP_SYS_TIME) ---- */

/* struct ptpu_nl_config.set: the fields present (get) or to change (set) */
#define PTPU_NL_CFG_MAX_DRIFT		(1u << 0)
#define PTPU_NL_CFG_SLEW_LIMIT		(1u << 1)
#define PTPU_NL_CFG_HYSTERESIS		(1u << 2)
#define PTPU_NL_CFG_STALE_LIMIT		(1u << 3)
#define PTPU_NL_CFG_STEP_THRESHOLD	(1u << 4)
#define PTPU_NL_CFG_KVM_POLL		(1u << 5)
#define PTPU_NL_CFG_RTC_INTERVAL	(1u << 6)
#define PTPU_NL_CFG_RTC_DEVICE		(1u << 7)

/* struct ptpu_nl_source_cfg.set */
#define PTPU_NL_SRC_ENABLED		(1u << 0)
#define PTPU_NL_SRC_PRIORITY		(1u << 1)
#define PTPU_NL_SRC_PREFER		(1u << 2)

struct ptpu_nl_source_cfg {
	char name[PTP_UNIFIED_NAME_LEN];
	unsigned int set;		/* PTPU_NL_SRC_* */
	bool enabled;
	bool prefer;
	uint32_t priority;
};

struct ptpu_nl_config {
	unsigned int set;		/* PTPU_NL_CFG_* */
	uint32_t max_drift_ppb;
	uint32_t slew_limit_ppb;
	uint32_t hysteresis_pct;
	uint32_t stale_limit_s;
	uint64_t step_threshold_ns;
	uint32_t kvm_poll_ms;		/* only with a kvm source */
	uint32_t rtc_interval_s;	/* only with an rtc source */
	char rtc_device[PTP_UNIFIED_NAME_LEN];
	int n_sources;
	struct ptpu_nl_source_cfg sources[PTPU_NL_MAX_SOURCES];
};

int ptpu_nl_config_get(struct ptpu_nl *h, struct ptpu_nl_config *cfg);
/* Changes what cfg->set and each source's set say: all of it or nothing. */
int ptpu_nl_config_set(struct ptpu_nl *h, const struct ptpu_nl_config *cfg);

/* ---- the clock ---- */

struct ptpu_nl_status {
	unsigned int state;		/* enum ptp_unified_state */
	char selected[PTP_UNIFIED_NAME_LEN];	/* "" when none */
	uint64_t bound_ns;		/* at raw_ns */
	uint64_t disruptions;
	uint64_t leaps;			/* leap seconds the clock stepped by */
	uint8_t leap;			/* enum ptp_unified_leap: announced for tonight */
	uint64_t steps;
	int64_t last_step_ns;
	int64_t last_step_raw_ns;	/* 0: no step yet */
	int64_t time_ns;		/* the clock at raw_ns */
	int64_t raw_ns;
	/* How fast bound_ns grows after raw_ns, ppb; has_drift false: a
	 * module too old to say. */
	bool has_drift;
	uint32_t drift_ppb;
};

int ptpu_nl_status_get(struct ptpu_nl *h, struct ptpu_nl_status *st);

/* ---- events ---- */

struct ptpu_nl_event {
	unsigned int cmd;		/* PTP_UNIFIED_CMD_EV_* */
	/* EV_SELECTION, EV_STATE: the state and the selected source ("") */
	unsigned int state;
	/* EV_SELECTION, EV_STATE: the selected source; EV_SOURCE_LOST: the lost one */
	char name[PTP_UNIFIED_NAME_LEN];
	unsigned int cls;		/* EV_SOURCE_LOST */
	/* EV_DISRUPTION, EV_LEAP */
	int64_t step_ns;
	int64_t step_raw_ns;		/* CLOCK_MONOTONIC_RAW of the step */
	uint64_t disruptions;
	uint64_t leaps;
	uint64_t steps;
};

/* Join the events group (on a socket of its own, non-blocking). */
int ptpu_nl_events_subscribe(struct ptpu_nl *h);
/* Its file descriptor, for poll(); -1 before ptpu_nl_events_subscribe(). */
int ptpu_nl_events_fd(const struct ptpu_nl *h);
/*
 * Receive one event, waiting up to @timeout_ms (-1: forever, 0: not at
 * all). Return: 1 with @ev filled, 0 on timeout, -ENOBUFS when events were
 * lost (the socket overran; the next call goes on), or another -errno.
 */
int ptpu_nl_event_recv(struct ptpu_nl *h, struct ptpu_nl_event *ev, int timeout_ms);

/* ---- low level: requests built by the caller (tests, tools) ---- */

int ptpu_nl_family_id(const struct ptpu_nl *h);
/* A new request message for @cmd with the genetlink header; NULL: no memory. */
struct nl_msg *ptpu_nl_msg(struct ptpu_nl *h, uint8_t cmd, int flags);
/* Called with each reply message; a negative return stops and is returned. */
typedef int (*ptpu_nl_reply_cb)(struct nl_msg *reply, void *arg);
/* Send @msg (always freed), wait for its replies and the ACK or error. */
int ptpu_nl_transact(struct ptpu_nl *h, struct nl_msg *msg, ptpu_nl_reply_cb cb, void *arg);

#endif /* PTPU_NL_H */
