/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NTP client: polls one or more servers over UDP (RFC 5905 client mode),
 * validates each reply, and turns each good exchange into a feed sample
 * {raw_ns, ref_ns, bound_ns, stratum, leap}:
 *
 * - t1 is CLOCK_REALTIME just before send(), t4 the kernel's receive
 *   timestamp (SO_TIMESTAMPNS); a realtime/raw pair is taken before t1 and
 *   after t4 (PTP_SYS_OFFSET_PRECISE of the PHC when it has it).
 * - raw_ns is the midpoint (t1 + t4) / 2 converted to CLOCK_MONOTONIC_RAW by
 *   interpolating between the two pairs; ref_ns = (t2 + t3) / 2, the server's
 *   time at that midpoint; bound_ns = delay / 2 + root dispersion + root
 *   delay / 2 + server precision + pair uncertainty + the realtime/raw rate
 *   residue over the exchange.
 * - An exchange during which CLOCK_REALTIME was stepped is dropped: the two
 *   pairs then disagree by more than slewing can explain.
 * - iburst: the first 4 exchanges burst_interval_s (normally 2 s) apart. Kiss-o'-death RATE doubles the
 *   server's poll interval; DENY and RSTR stop polling it. A server that does
 *   not answer is reported once, then at most once per report interval.
 */
#ifndef PHC_STEER_NTP_CLIENT_H
#define PHC_STEER_NTP_CLIENT_H

#include <stdbool.h>

#include "clock/sysoff.h"
#include "feed/feed.h"
#include "ntp/ntp_packet.h"

#define NTP_MAX_SERVERS 8
#define NTP_HOST_MAX 256
#define NTP_IBURST_COUNT 4
#define NTP_IBURST_INTERVAL_S 2.0	/* chrony's */
#define NTP_MAX_POLL_S 131072.0	/* 2^17 s, as chrony's maxpoll limit */

struct ntp_server_cfg {
	char host[NTP_HOST_MAX];
	char port[8];		/* numeric */
	bool iburst;
};

struct ntp_client_opts {
	double poll_s;		/* between exchanges with one server */
	double timeout_s;	/* wait for a reply */
	double report_interval_s;	/* repeated problems reported this rarely */
	double burst_interval_s;	/* between iburst requests */
};

enum ntp_outcome_kind {
	NTP_OUTCOME_SAMPLE,	/* a good exchange, fed */
	NTP_OUTCOME_REJECTED,	/* a reply failed validation (see verdict) */
	NTP_OUTCOME_TIMEOUT,	/* no reply in time */
	NTP_OUTCOME_ERROR,	/* socket or resolver error (see message) */
	NTP_OUTCOME_STEP,	/* the exchange spanned a clock step: dropped */
};

struct ntp_outcome {
	enum ntp_outcome_kind kind;
	enum ntp_verdict verdict;
	const char *message;		/* human-readable cause */
	const struct ntp_result *result;	/* SAMPLE and REJECTED */
	const struct feed_sample *sample;	/* SAMPLE */
};

/* Returns a realtime/raw pair (0) or -errno. */
typedef int (*ntp_pair_fn)(void *arg, struct rt_raw_pair *pair);
typedef void (*ntp_observer_fn)(void *arg, const char *server,
				const struct ntp_outcome *o);

struct evloop;
struct log;
struct ntp_client;

/* Starts polling at once; returns NULL only when out of memory. */
struct ntp_client *ntp_client_create(struct evloop *loop, struct log *log,
				     struct feed *feed,
				     const struct ntp_server_cfg *servers,
				     unsigned int n,
				     const struct ntp_client_opts *opts,
				     ntp_pair_fn pair, void *pair_arg);
/* Told of every exchange's outcome (ntp-probe, tests). */
void ntp_client_set_observer(struct ntp_client *c, ntp_observer_fn fn,
			     void *arg);
void ntp_client_destroy(struct ntp_client *c);

/* "host:port", "[v6addr]:port" */
void ntp_server_name(const struct ntp_server_cfg *cfg, char *buf, size_t len);

/*
 * Parse "HOST", "HOST:PORT", "[V6ADDR]" or "[V6ADDR]:PORT" (port 1-65535,
 * default 123). Returns 0 or -EINVAL.
 */
int ntp_server_parse(const char *spec, struct ntp_server_cfg *cfg);

/*
 * The sample of a validated exchange given the pairs taken before and after
 * it. -EAGAIN: CLOCK_REALTIME was stepped during the exchange.
 */
int ntp_make_sample(const struct ntp_result *r,
		    const struct rt_raw_pair *before,
		    const struct rt_raw_pair *after, struct feed_sample *s);

#endif /* PHC_STEER_NTP_CLIENT_H */
