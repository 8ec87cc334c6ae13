// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Writes the seed corpus for fuzz_ntp_packet into the directory given: a
 * valid server reply and one reply per rejection rule (see the fuzz
 * target for how the cookie is chosen).
 */
#include <stdio.h>
#include <string.h>

#include "ntp/ntp_packet.h"

#define T (1700000000LL * 1000000000LL)

static const char *dir;

static struct ntp_packet good(void)
{
	return (struct ntp_packet){
		.version = 4, .mode = NTP_MODE_SERVER, .stratum = 2,
		.precision = -20, .root_delay = 0x800, .root_dispersion = 0x400,
		.refid = 0x7f000001,
		.reference = ntp_ts_from_unix_ns(T - 10000000000LL),
		.origin = { 0x01020304, 0x05060708 },
		.receive = ntp_ts_from_unix_ns(T + 260000000LL),
		.transmit = ntp_ts_from_unix_ns(T + 261000000LL),
	};
}

static int put(const char *name, const struct ntp_packet *p, size_t len)
{
	uint8_t buf[64] = { 0 };
	char path[4096];
	FILE *f;

	ntp_packet_encode(p, buf);
	/* Bytes 48-55, when present, are a cookie that does not match. */
	if (len > NTP_PACKET_LEN)
		memset(buf + NTP_PACKET_LEN, 0x5a, len - NTP_PACKET_LEN);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, len, f) != len) {
		perror(path);
		return 1;
	}
	return fclose(f) != 0;
}

int main(int argc, char **argv)
{
	struct ntp_packet p;
	int bad = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	dir = argv[1];
	p = good();
	bad |= put("valid", &p, NTP_PACKET_LEN);
	bad |= put("short", &p, NTP_PACKET_LEN - 1);
	bad |= put("bogus-origin", &p, 56);
	p = good(); p.mode = 3;
	bad |= put("mode-client", &p, NTP_PACKET_LEN);
	p = good(); p.version = 2;
	bad |= put("version-2", &p, NTP_PACKET_LEN);
	p = good(); p.stratum = 0; p.refid = 0x52415445;
	bad |= put("kod-rate", &p, NTP_PACKET_LEN);
	p = good(); p.stratum = 0; p.refid = 0x44454e59;
	bad |= put("kod-deny", &p, NTP_PACKET_LEN);
	p = good(); p.stratum = 0; p.refid = 0x52535452;
	bad |= put("kod-rstr", &p, NTP_PACKET_LEN);
	p = good(); p.leap = 3;
	bad |= put("leap-3", &p, NTP_PACKET_LEN);
	p = good(); p.stratum = 16;
	bad |= put("stratum-16", &p, NTP_PACKET_LEN);
	p = good(); memset(&p.transmit, 0, sizeof(p.transmit));
	bad |= put("zero-transmit", &p, NTP_PACKET_LEN);
	p = good(); p.root_dispersion = 0x20000;
	bad |= put("far-root", &p, NTP_PACKET_LEN);
	p = good(); p.receive = ntp_ts_from_unix_ns(T + 230000000LL);
	bad |= put("negative-delay", &p, NTP_PACKET_LEN);
	return bad;
}
