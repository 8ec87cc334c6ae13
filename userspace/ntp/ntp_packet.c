// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * NTP packet building, parsing and reply validation (see ntp_packet.h).
 */
#include <string.h>

#include "ntp/ntp_packet.h"
#include "timeutil.h"

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b < 0) ? q - 1 : q;
}

struct ntp_ts ntp_ts_from_unix_ns(int64_t ns)
{
	int64_t sec = floor_div(ns, NS_PER_SEC);
	uint64_t sub = (uint64_t)(ns - sec * NS_PER_SEC);
	struct ntp_ts ts;

	/* Wraps modulo 2^32 on purpose: that is the era. */
	ts.sec = (uint32_t)((uint64_t)sec + NTP_UNIX_EPOCH_DELTA);
	/* Round to nearest; sub < 1e9 keeps the result below 2^32. */
	ts.frac = (uint32_t)(((sub << 32) + NS_PER_SEC / 2) / NS_PER_SEC);
	return ts;
}

int64_t ntp_ts_to_unix_ns(struct ntp_ts ts, int64_t pivot_ns)
{
	int64_t pivot_sec = floor_div(pivot_ns, NS_PER_SEC);
	uint32_t pivot_ntp = (uint32_t)((uint64_t)pivot_sec + NTP_UNIX_EPOCH_DELTA);
	/* The era that puts ts within +/- 2^31 s of the pivot. */
	int64_t sec = pivot_sec + (int32_t)(ts.sec - pivot_ntp);
	/* Rounded to nearest: may give 1e9, which carries into the seconds. */
	int64_t sub = (int64_t)(((uint64_t)ts.frac * NS_PER_SEC + (1ULL << 31)) >> 32);

	return sec * NS_PER_SEC + sub;
}

bool ntp_ts_is_zero(struct ntp_ts ts)
{
	return !ts.sec && !ts.frac;
}

bool ntp_ts_equal(struct ntp_ts a, struct ntp_ts b)
{
	return a.sec == b.sec && a.frac == b.frac;
}

int64_t ntp_short_to_ns(uint32_t v)
{
	return (int64_t)(((uint64_t)v * NS_PER_SEC + 0xffff) >> 16);
}

static int64_t precision_to_ns(int8_t p)
{
	if (p >= 0)
		return NS_PER_SEC << (p > 6 ? 6 : p);
	if (p <= -30)
		return 1;
	return (NS_PER_SEC + (1LL << -p) - 1) >> -p;
}

static void put_ts(uint8_t *p, struct ntp_ts ts)
{
	put32(p, ts.sec);
	put32(p + 4, ts.frac);
}

static struct ntp_ts get_ts(const uint8_t *p)
{
	return (struct ntp_ts){ get32(p), get32(p + 4) };
}

void ntp_packet_encode(const struct ntp_packet *p, uint8_t buf[NTP_PACKET_LEN])
{
	buf[0] = (uint8_t)((p->leap & 3) << 6 | (p->version & 7) << 3 |
			   (p->mode & 7));
	buf[1] = p->stratum;
	buf[2] = (uint8_t)p->poll;
	buf[3] = (uint8_t)p->precision;
	put32(buf + 4, p->root_delay);
	put32(buf + 8, p->root_dispersion);
	put32(buf + 12, p->refid);
	put_ts(buf + 16, p->reference);
	put_ts(buf + 24, p->origin);
	put_ts(buf + 32, p->receive);
	put_ts(buf + 40, p->transmit);
}

int ntp_packet_decode(const uint8_t *buf, size_t len, struct ntp_packet *p)
{
	if (len < NTP_PACKET_LEN)
		return -1;
	p->leap = buf[0] >> 6;
	p->version = (buf[0] >> 3) & 7;
	p->mode = buf[0] & 7;
	p->stratum = buf[1];
	p->poll = (int8_t)buf[2];
	p->precision = (int8_t)buf[3];
	p->root_delay = get32(buf + 4);
	p->root_dispersion = get32(buf + 8);
	p->refid = get32(buf + 12);
	p->reference = get_ts(buf + 16);
	p->origin = get_ts(buf + 24);
	p->receive = get_ts(buf + 32);
	p->transmit = get_ts(buf + 40);
	return 0;
}

void ntp_request_build(struct ntp_ts cookie, uint8_t buf[NTP_PACKET_LEN])
{
	struct ntp_packet p;

	/*
	 * Nothing about the client is revealed: the transmit timestamp is a
	 * random cookie the server echoes as origin (the real send time stays
	 * here), which also makes blind spoofing of replies impractical.
	 */
	memset(&p, 0, sizeof(p));
	p.version = 4;
	p.mode = NTP_MODE_CLIENT;
	p.transmit = cookie;
	ntp_packet_encode(&p, buf);
}

static enum ntp_verdict kiss(struct ntp_result *out)
{
	static const struct {
		const char *code;
		enum ntp_verdict v;
	} codes[] = {
		{ "RATE", NTP_KOD_RATE },
		{ "DENY", NTP_KOD_DENY },
		{ "RSTR", NTP_KOD_RSTR },
	};
	uint32_t id = out->pkt.refid;
	size_t i;

	for (i = 0; i < 4; i++) {
		char c = (char)(id >> (24 - 8 * i));

		out->kiss[i] = (c >= 0x20 && c < 0x7f) ? c : '?';
	}
	out->kiss[4] = '\0';
	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		if (!memcmp(out->kiss, codes[i].code, 4))
			return codes[i].v;
	}
	return NTP_KOD_OTHER;
}

enum ntp_verdict ntp_reply_check(const uint8_t *buf, size_t len,
				 struct ntp_ts cookie, int64_t t1, int64_t t4,
				 struct ntp_result *out)
{
	const struct ntp_packet *p = &out->pkt;
	int64_t tolerance;

	memset(out, 0, sizeof(*out));
	if (ntp_packet_decode(buf, len, &out->pkt))
		return NTP_BAD_LENGTH;
	if (p->mode != NTP_MODE_SERVER)
		return NTP_BAD_MODE;
	if (p->version < 3 || p->version > 4)
		return NTP_BAD_VERSION;
	/* Before anything else is believed, least of all a kiss of death. */
	if (!ntp_ts_equal(p->origin, cookie))
		return NTP_BAD_ORIGIN;
	if (p->stratum == 0)
		return kiss(out);
	if (p->leap == NTP_LEAP_UNSYNC)
		return NTP_UNSYNC_LEAP;
	if (p->stratum > NTP_MAX_STRATUM)
		return NTP_BAD_STRATUM;
	if (ntp_ts_is_zero(p->transmit))
		return NTP_ZERO_TRANSMIT;
	if (ntp_ts_is_zero(p->receive))
		return NTP_ZERO_RECEIVE;

	out->t1 = t1;
	out->t4 = t4;
	out->t2 = ntp_ts_to_unix_ns(p->receive, t1);
	out->t3 = ntp_ts_to_unix_ns(p->transmit, t1);
	out->offset_ns = ((out->t2 - t1) + (out->t3 - t4)) / 2;
	out->delay_ns = (t4 - t1) - (out->t3 - out->t2);
	out->precision_ns = precision_to_ns(p->precision);
	/*
	 * Servers may randomise the bits below their precision, so a fast
	 * exchange can come out slightly negative; more than that is a broken
	 * timestamp.
	 */
	tolerance = 2 * out->precision_ns + 2;
	if (out->delay_ns < -tolerance)
		return NTP_BAD_DELAY;
	if (out->delay_ns < 0)
		out->delay_ns = 0;
	out->root_distance_ns = ntp_short_to_ns(p->root_delay) / 2 +
				ntp_short_to_ns(p->root_dispersion) +
				out->delay_ns / 2;
	if (out->root_distance_ns > NTP_MAX_ROOT_DISTANCE_NS)
		return NTP_BAD_DISTANCE;
	return NTP_OK;
}

const char *ntp_verdict_str(enum ntp_verdict v)
{
	switch (v) {
	case NTP_OK:
		return "ok";
	case NTP_BAD_LENGTH:
		return "reply shorter than 48 bytes";
	case NTP_BAD_MODE:
		return "reply mode is not server (4)";
	case NTP_BAD_VERSION:
		return "reply version is not 3 or 4";
	case NTP_BAD_ORIGIN:
		return "origin timestamp does not match our request (bogus or stale reply)";
	case NTP_KOD_RATE:
		return "kiss-o'-death RATE (polling too often)";
	case NTP_KOD_DENY:
		return "kiss-o'-death DENY (access denied)";
	case NTP_KOD_RSTR:
		return "kiss-o'-death RSTR (access restricted)";
	case NTP_KOD_OTHER:
		return "kiss-o'-death (stratum 0)";
	case NTP_UNSYNC_LEAP:
		return "server unsynchronised (leap indicator 3)";
	case NTP_BAD_STRATUM:
		return "server unsynchronised (stratum above 15)";
	case NTP_ZERO_TRANSMIT:
		return "zero transmit timestamp";
	case NTP_ZERO_RECEIVE:
		return "zero receive timestamp";
	case NTP_BAD_DELAY:
		return "negative round-trip delay";
	case NTP_BAD_DISTANCE:
		return "root distance above 1.5 s";
	}
	return "?";
}
