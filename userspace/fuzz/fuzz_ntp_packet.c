// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the NTP reply parser: any bytes must be judged
 * without a crash or undefined behaviour, and what is accepted must obey
 * the validator's promises. The cookie is the input's own origin field
 * (so the checks after it are reached) unless the input is longer than
 * 48 bytes, when bytes 48-55 are the cookie (so a mismatch is reached too).
 */
#include <stdlib.h>
#include <string.h>

#include "ntp/ntp_packet.h"

#define T1 (1700000000LL * 1000000000LL)
#define T4 (T1 + 31000000LL)

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static uint64_t as64(struct ntp_ts ts)
{
	return (uint64_t)ts.sec << 32 | ts.frac;
}

static void check_ts_roundtrip(struct ntp_ts ts)
{
	struct ntp_ts back = ntp_ts_from_unix_ns(ntp_ts_to_unix_ns(ts, T1));
	uint64_t d = as64(back) - as64(ts);

	/* A ns is 4.29 fractions: a round trip moves at most 3 of them. */
	if (d > 3 && -d > 3)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ntp_ts cookie = { 0x01020304, 0x05060708 };
	struct ntp_packet p;
	uint8_t buf[NTP_PACKET_LEN];
	struct ntp_result r;
	enum ntp_verdict v;

	if (size >= 56)
		cookie = (struct ntp_ts){ get32(data + 48), get32(data + 52) };
	else if (size >= 32)
		cookie = (struct ntp_ts){ get32(data + 24), get32(data + 28) };

	v = ntp_reply_check(data, size, cookie, T1, T4, &r);
	if (v == NTP_OK) {
		if (r.delay_ns < 0 || r.root_distance_ns > NTP_MAX_ROOT_DISTANCE_NS ||
		    r.precision_ns < 1 || r.pkt.mode != NTP_MODE_SERVER ||
		    r.pkt.stratum < 1 || r.pkt.stratum > NTP_MAX_STRATUM ||
		    r.pkt.leap == NTP_LEAP_UNSYNC || !ntp_ts_equal(r.pkt.origin, cookie))
			abort();
		/* The era is resolved within 68 years of t1. */
		if (r.t2 - T1 > (1LL << 31) * 1000000000LL ||
		    T1 - r.t2 > (1LL << 31) * 1000000000LL)
			abort();
	}
	if (size < NTP_PACKET_LEN) {
		if (v != NTP_BAD_LENGTH)
			abort();
		return 0;
	}
	ntp_packet_decode(data, size, &p);
	ntp_packet_encode(&p, buf);
	if (memcmp(buf, data, NTP_PACKET_LEN))
		abort();
	check_ts_roundtrip(p.receive);
	check_ts_roundtrip(p.transmit);
	(void)ntp_short_to_ns(p.root_delay);
	(void)ntp_verdict_str(v);
	return 0;
}
