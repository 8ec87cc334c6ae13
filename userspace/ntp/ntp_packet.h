/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NTP (RFC 5905) packets: the 48-byte header, timestamp conversions, and the
 * checks a client makes on a server's reply before trusting it.
 *
 * Timestamps here are ns since the Unix epoch (int64_t, good to year 2262);
 * on the wire they are 32.32 fixed point seconds since 1900 that wrap every
 * 2^32 s (the next era starts 2036-02-07 06:28:16 UTC). A wire timestamp is
 * turned back into ns relative to a pivot, a time known to be within 68
 * years of it (the local clock), which resolves the era.
 */
#ifndef PHC_STEER_NTP_PACKET_H
#define PHC_STEER_NTP_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NTP_PACKET_LEN 48
#define NTP_PORT "123"
#define NTP_UNIX_EPOCH_DELTA 2208988800LL	/* 1900-01-01 to 1970-01-01, s */

#define NTP_MODE_CLIENT 3
#define NTP_MODE_SERVER 4
#define NTP_LEAP_UNSYNC 3
#define NTP_MAX_STRATUM 15

/* A reply whose root distance exceeds this is not used (NTP's MAXDIST). */
#define NTP_MAX_ROOT_DISTANCE_NS 1500000000LL

struct ntp_ts {
	uint32_t sec;
	uint32_t frac;
};

struct ntp_packet {
	uint8_t leap;		/* 2 bits */
	uint8_t version;	/* 3 bits */
	uint8_t mode;		/* 3 bits */
	uint8_t stratum;
	int8_t poll;		/* log2 s */
	int8_t precision;	/* log2 s */
	uint32_t root_delay;	/* 16.16 s */
	uint32_t root_dispersion;	/* 16.16 s */
	uint32_t refid;		/* kiss code when stratum is 0 */
	struct ntp_ts reference, origin, receive, transmit;
};

enum ntp_verdict {
	NTP_OK,
	NTP_BAD_LENGTH,
	NTP_BAD_MODE,
	NTP_BAD_VERSION,
	NTP_BAD_ORIGIN,		/* not a reply to our request: ignore it */
	NTP_KOD_RATE,		/* kiss-o'-death: poll less often */
	NTP_KOD_DENY,		/* kiss-o'-death: stop using this server */
	NTP_KOD_RSTR,		/* kiss-o'-death: stop using this server */
	NTP_KOD_OTHER,		/* another kiss code: no time in this reply */
	NTP_UNSYNC_LEAP,	/* leap indicator 3 */
	NTP_BAD_STRATUM,	/* 16 and above */
	NTP_ZERO_TRANSMIT,
	NTP_ZERO_RECEIVE,
	NTP_BAD_DELAY,		/* negative round trip beyond rounding */
	NTP_BAD_DISTANCE,	/* root distance over NTP_MAX_ROOT_DISTANCE_NS */
};

/* What a valid reply measured (all ns). */
struct ntp_result {
	struct ntp_packet pkt;
	int64_t t1, t2, t3, t4;	/* client send, server receive/transmit, client receive */
	int64_t offset_ns;	/* server - client: ((t2 - t1) + (t3 - t4)) / 2 */
	int64_t delay_ns;	/* (t4 - t1) - (t3 - t2), >= 0 */
	int64_t root_distance_ns;	/* root delay / 2 + root dispersion + delay / 2 */
	int64_t precision_ns;	/* 2^precision, at least 1 */
	char kiss[5];		/* kiss code when stratum 0, NUL-terminated */
};

struct ntp_ts ntp_ts_from_unix_ns(int64_t ns);
int64_t ntp_ts_to_unix_ns(struct ntp_ts ts, int64_t pivot_ns);
bool ntp_ts_is_zero(struct ntp_ts ts);
bool ntp_ts_equal(struct ntp_ts a, struct ntp_ts b);

/* 16.16 seconds to ns, rounded up (it feeds error bounds). */
int64_t ntp_short_to_ns(uint32_t v);

void ntp_packet_encode(const struct ntp_packet *p, uint8_t buf[NTP_PACKET_LEN]);
/* Reads the header of buf (extension fields and MACs after it are ignored). */
int ntp_packet_decode(const uint8_t *buf, size_t len, struct ntp_packet *p);

/* A version 4 client request whose transmit timestamp is the cookie. */
void ntp_request_build(struct ntp_ts cookie, uint8_t buf[NTP_PACKET_LEN]);

/*
 * Validate a reply to the request carrying cookie, sent at t1 and received
 * at t4 (local CLOCK_REALTIME, ns), and compute what it measured. out is
 * filled as far as the checks got (the kiss code, for instance).
 */
enum ntp_verdict ntp_reply_check(const uint8_t *buf, size_t len,
				 struct ntp_ts cookie, int64_t t1, int64_t t4,
				 struct ntp_result *out);

const char *ntp_verdict_str(enum ntp_verdict v);

#endif /* PHC_STEER_NTP_PACKET_H */
