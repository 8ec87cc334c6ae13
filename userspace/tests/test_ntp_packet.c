// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * NTP packets: timestamp conversions (eras, rounding), the request, every
 * validation rule, and the offset/delay/root distance of a hand-computed
 * exchange.
 */
#include <math.h>

#include "ntp/ntp_packet.h"
#include "tap.h"

#define S 1000000000LL
#define MS 1000000LL

/* Unix seconds of 2036-02-07 06:28:16 UTC, where NTP era 1 begins. */
#define ERA1_UNIX 2085978496LL

/* Expected fraction, computed in long double rather than integer maths. */
static uint32_t frac_of(int64_t sub_ns)
{
	return (uint32_t)llroundl((long double)sub_ns * 4294967296.0L / 1e9L);
}

static void conversions(void)
{
	struct ntp_ts ts;
	uint64_t x = 88172645463325252ULL;
	int64_t ns;
	int i, bad = 0;

	ts = ntp_ts_from_unix_ns(0);
	ok(ts.sec == 2208988800u && ts.frac == 0, "1970 is NTP second 2208988800");
	ts = ntp_ts_from_unix_ns(1704067200LL * S);
	ok(ts.sec == 3913056000u && ts.frac == 0,
	   "2024-01-01 is NTP second 3913056000 (got %u)", ts.sec);
	ts = ntp_ts_from_unix_ns(ERA1_UNIX * S);
	ok(ts.sec == 0 && ts.frac == 0, "2036-02-07 06:28:16 wraps to NTP 0.0");
	ts = ntp_ts_from_unix_ns(ERA1_UNIX * S - S / 2);
	ok(ts.sec == 0xffffffffu && ts.frac == 0x80000000u,
	   "half a second before the era: ffffffff.80000000");

	is_int(ntp_ts_to_unix_ns((struct ntp_ts){ 0, 0 }, 2082758400LL * S),
	       ERA1_UNIX * S, "NTP 0 seen from 2036-01-01 is the start of era 1");
	is_int(ntp_ts_to_unix_ns((struct ntp_ts){ 0xffffffffu, 0 }, 2087942400LL * S),
	       (ERA1_UNIX - 1) * S, "NTP ffffffff seen from 2036-03-01 is in era 0");
	is_int(ntp_ts_to_unix_ns((struct ntp_ts){ 16, 0 }, 946684800LL * S),
	       (ERA1_UNIX + 16) * S,
	       "NTP 16 seen from 2000 is 2036 (36 years on), not 1900 (100 back)");
	is_int(ntp_ts_to_unix_ns((struct ntp_ts){ 3913056000u, 0 }, ERA1_UNIX * S),
	       1704067200LL * S, "2024 seen from 2036 stays in era 0");
	ts = ntp_ts_from_unix_ns(-1);
	ok(ts.sec == 2208988799u && ts.frac == frac_of(999999999),
	   "-1 ns is the last fraction of 1969-12-31 23:59:59");
	is_int(ntp_ts_to_unix_ns(ts, 0), -1, "and converts back to -1 ns");

	is_int(ntp_ts_from_unix_ns(1).frac, 4, "1 ns is fraction 4 (4.29 rounded)");
	is_int(ntp_ts_from_unix_ns(S / 2).frac, 0x80000000u, "0.5 s is 0x80000000");
	is_int(ntp_ts_from_unix_ns(999999999).frac, frac_of(999999999),
	       "999999999 ns rounds to %u, below 2^32", frac_of(999999999));
	is_int(ntp_ts_to_unix_ns((struct ntp_ts){ 2208988800u, 2 }, 0), 0,
	       "fraction 2 (0.47 ns) rounds down to 0 ns");
	is_int(ntp_ts_to_unix_ns((struct ntp_ts){ 2208988800u, 3 }, 0), 1,
	       "fraction 3 (0.70 ns) rounds up to 1 ns");
	is_int(ntp_ts_to_unix_ns((struct ntp_ts){ 2208988800u, 0xffffffffu }, 0), S,
	       "fraction ffffffff rounds up into the next second");

	for (i = 0; i < 100000; i++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		/* 1900 to 2100 */
		ns = (int64_t)(x % (200ULL * 365 * 86400 * S)) - 2208988800LL * S;
		if (ntp_ts_to_unix_ns(ntp_ts_from_unix_ns(ns), ns) != ns)
			bad++;
	}
	is_int(bad, 0, "100000 random instants 1900-2100 round-trip to the ns");

	is_int(ntp_short_to_ns(0x00010000), S, "short format 1.0 is 1 s");
	is_int(ntp_short_to_ns(0x00008000), S / 2, "short format 0.5 is 0.5 s");
	is_int(ntp_short_to_ns(1), 15259, "short format 2^-16 rounds up to 15259 ns");
}

static void request(void)
{
	struct ntp_ts cookie = { 0x01234567, 0x89abcdef };
	uint8_t buf[NTP_PACKET_LEN];
	static const uint8_t want_tail[8] = { 0x01, 0x23, 0x45, 0x67,
					      0x89, 0xab, 0xcd, 0xef };
	int i, zero = 1;

	ntp_request_build(cookie, buf);
	is_int(buf[0], 0x23, "request: leap 0, version 4, mode 3");
	for (i = 1; i < 40; i++)
		zero &= buf[i] == 0;
	ok(zero, "request: nothing but the cookie is revealed");
	ok(!memcmp(buf + 40, want_tail, 8), "request: the cookie is the transmit time");
}

/* The hand-computed exchange: see the assertions in example(). */
#define T (1700000000LL * S + 123456789LL)
static const struct ntp_ts cookie = { 0xdeadbeef, 0x12345678 };

static struct ntp_packet good(void)
{
	return (struct ntp_packet){
		.leap = 0, .version = 4, .mode = 4, .stratum = 2, .poll = 6,
		.precision = -20, .root_delay = 0x800, .root_dispersion = 0x400,
		.refid = 0x7f000001,
		.reference = ntp_ts_from_unix_ns(T - 10 * S),
		.origin = cookie,
		.receive = ntp_ts_from_unix_ns(T + 260 * MS),
		.transmit = ntp_ts_from_unix_ns(T + 261 * MS),
	};
}

static enum ntp_verdict check(const struct ntp_packet *p, size_t len,
			      struct ntp_result *r)
{
	uint8_t buf[64] = { 0 };

	ntp_packet_encode(p, buf);
	return ntp_reply_check(buf, len, cookie, T, T + 31 * MS, r);
}

static void example(void)
{
	struct ntp_packet p = good(), q;
	uint8_t buf[NTP_PACKET_LEN], again[NTP_PACKET_LEN];
	struct ntp_result r;

	ntp_packet_encode(&p, buf);
	ntp_packet_decode(buf, sizeof(buf), &q);
	ntp_packet_encode(&q, again);
	ok(!memcmp(buf, again, sizeof(buf)) && q.precision == -20 &&
		   q.root_delay == 0x800 && ntp_ts_equal(q.origin, cookie) &&
		   q.mode == 4 && q.version == 4 && q.stratum == 2,
	   "encode/decode round-trip");

	/*
	 * Server 0.25 s ahead; 10 ms out, 1 ms in the server, 20 ms back:
	 * t1 = T, t2 = T + 0.260, t3 = T + 0.261, t4 = T + 0.031.
	 * offset = (0.260 + 0.230) / 2 = 0.245 s (the 5 ms asymmetry error is
	 * within delay / 2), delay = 0.031 - 0.001 = 0.030 s, root distance =
	 * 2048/65536 / 2 + 1024/65536 + 0.030 / 2 = 0.04625 s.
	 */
	is_int(check(&p, NTP_PACKET_LEN, &r), NTP_OK, "the example reply is valid");
	is_int(r.offset_ns, 245 * MS, "offset 0.245 s");
	is_int(r.delay_ns, 30 * MS, "delay 0.030 s");
	is_int(r.root_distance_ns, 46250000, "root distance 46.25 ms");
	is_int(r.precision_ns, 954, "precision 2^-20 s is 954 ns rounded up");
	is_int(r.t2, T + 260 * MS, "t2 decoded");
	is_int(r.t3, T + 261 * MS, "t3 decoded");
	is_int(check(&p, 60, &r), NTP_OK, "bytes after the header are ignored");
}

#define REJECT(field_change, want, what)                                      \
	do {                                                                  \
		struct ntp_packet p_ = good();                                \
		struct ntp_result r_;                                         \
		field_change;                                                 \
		is_int(check(&p_, NTP_PACKET_LEN, &r_), want, what);          \
	} while (0)

static void validation(void)
{
	struct ntp_packet p = good();
	struct ntp_result r;

	is_int(check(&p, NTP_PACKET_LEN - 1, &r), NTP_BAD_LENGTH, "47 bytes: too short");
	REJECT(p_.mode = 3, NTP_BAD_MODE, "mode 3 (client) rejected");
	REJECT(p_.mode = 5, NTP_BAD_MODE, "mode 5 (broadcast) rejected");
	REJECT(p_.version = 2, NTP_BAD_VERSION, "version 2 rejected");
	REJECT(p_.version = 5, NTP_BAD_VERSION, "version 5 rejected");
	REJECT(p_.version = 3, NTP_OK, "version 3 accepted");
	REJECT(p_.origin.frac ^= 1, NTP_BAD_ORIGIN, "bogus origin rejected");
	REJECT((p_.origin.sec = 0, p_.origin.frac = 0), NTP_BAD_ORIGIN,
	       "zero origin rejected");
	REJECT((p_.stratum = 0, p_.refid = 0x52415445), NTP_KOD_RATE,
	       "stratum 0 RATE: kiss-o'-death, back off");
	REJECT((p_.stratum = 0, p_.refid = 0x44454e59), NTP_KOD_DENY,
	       "stratum 0 DENY: kiss-o'-death, stop");
	REJECT((p_.stratum = 0, p_.refid = 0x52535452), NTP_KOD_RSTR,
	       "stratum 0 RSTR: kiss-o'-death, stop");
	REJECT((p_.stratum = 0, p_.refid = 0x494e4954), NTP_KOD_OTHER,
	       "stratum 0 INIT: no time in it");
	REJECT((p_.stratum = 0, p_.refid = 0x44454e59, p_.origin.sec++),
	       NTP_BAD_ORIGIN, "a DENY with a bogus origin is not believed");
	REJECT(p_.leap = 3, NTP_UNSYNC_LEAP, "leap 3 (unsynchronised) rejected");
	REJECT(p_.stratum = 16, NTP_BAD_STRATUM, "stratum 16 rejected");
	REJECT(p_.stratum = 255, NTP_BAD_STRATUM, "stratum 255 rejected");
	REJECT(p_.stratum = 15, NTP_OK, "stratum 15 accepted");
	REJECT((p_.transmit.sec = 0, p_.transmit.frac = 0), NTP_ZERO_TRANSMIT,
	       "zero transmit time rejected");
	REJECT((p_.receive.sec = 0, p_.receive.frac = 0), NTP_ZERO_RECEIVE,
	       "zero receive time rejected");
	REJECT(p_.root_delay = 0x30000, NTP_BAD_DISTANCE,
	       "root delay 3 s: root distance over 1.5 s rejected");
	REJECT(p_.root_dispersion = 0x19999, NTP_BAD_DISTANCE,
	       "root dispersion 1.6 s rejected");
	REJECT(p_.root_dispersion = 0x16666, NTP_OK,
	       "root dispersion 1.4 s (distance 1.415 s) accepted");
	REJECT(p_.transmit = ntp_ts_from_unix_ns(T + 292 * MS), NTP_BAD_DELAY,
	       "server time longer than the round trip: negative delay rejected");
	REJECT(p_.transmit = ntp_ts_from_unix_ns(T + 291 * MS + 500), NTP_OK,
	       "-500 ns of delay is within 2 x precision: accepted");
	p.transmit = ntp_ts_from_unix_ns(T + 291 * MS + 500);
	check(&p, NTP_PACKET_LEN, &r);
	is_int(r.delay_ns, 0, "and counted as zero delay");

	p = good();
	p.stratum = 0;
	p.refid = 0x44450059;
	check(&p, NTP_PACKET_LEN, &r);
	is_str(r.kiss, "DE?Y", "a kiss code is kept printable");
}

int main(void)
{
	conversions();
	request();
	example();
	validation();
	return tap_done();
}
