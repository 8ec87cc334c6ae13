// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The guest suite's window on the kernel log, by record sequence number
 * (/dev/kmsg), not by line count: dmesg's lines shift when the ring buffer
 * wraps and a multi-line record counts once per line, so "the lines after
 * line N" can skip or repeat what a check logged. Each /dev/kmsg record
 * carries its own sequence number, so a window taken by numbers is exact,
 * and a record lost to the wrapping ring is seen as a gap, not missed.
 *
 *   kmsg_since next    print the sequence number the next record will get
 *   kmsg_since SEQ     print every record from number SEQ on, as dmesg
 *                      prints them ("[seconds.micros] text"); exit 3 when
 *                      records from SEQ on are gone (overwritten), after
 *                      printing what is left and saying how many are lost
 *
 * Exit 1 when /dev/kmsg cannot be read, 2 on bad usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A record is at most this long (the kernel's CONSOLE_EXT_LOG_MAX is 8 KiB). */
#define RECORD_MAX 16384

/*
 * read_record - the next record of /dev/kmsg in @buf (NUL-terminated);
 * returns its length, 0 at the end of the log, -EPIPE when records were
 * overwritten before this reader got to them (the next read goes on with
 * the oldest one left), another negative errno on failure.
 */
static ssize_t read_record(int fd, char *buf, size_t size)
{
	ssize_t n;

	do
		n = read(fd, buf, size - 1);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EAGAIN ? 0 : -errno;
	buf[n] = '\0';
	return n;
}

/* "PRIO,SEQ,USEC,FLAGS[,...];TEXT\n[ KEY=VALUE\n...]": SEQ, USEC and TEXT. */
static bool parse_record(char *rec, uint64_t *seq, uint64_t *usec, char **text)
{
	char *semi = strchr(rec, ';'), *nl;

	if (!semi || sscanf(rec, "%*u,%" SCNu64 ",%" SCNu64 ",", seq, usec) != 2)
		return false;
	*text = semi + 1;
	nl = strchr(*text, '\n');
	if (nl)
		*nl = '\0';
	return true;
}

/* The text as dmesg shows it: "\x0a" escapes of new lines made lines again. */
static void print_text(uint64_t usec, const char *text)
{
	printf("[%5" PRIu64 ".%06" PRIu64 "] ", usec / 1000000, usec % 1000000);
	for (; *text; text++) {
		if (text[0] == '\\' && text[1] == 'x' && !strncmp(text + 2, "0a", 2)) {
			putchar('\n');
			text += 3;
		} else {
			putchar(*text);
		}
	}
	putchar('\n');
}

int main(int argc, char **argv)
{
	static char rec[RECORD_MAX];
	uint64_t from = 0, expect, next = 0, seq, usec, lost = 0;
	bool only_next;
	char *text, *end;
	ssize_t n;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: kmsg_since next|SEQ\n");
		return 2;
	}
	only_next = !strcmp(argv[1], "next");
	if (!only_next) {
		errno = 0;
		from = strtoull(argv[1], &end, 10);
		if (errno || end == argv[1] || *end) {
			fprintf(stderr, "kmsg_since: '%s' is not a sequence number\n", argv[1]);
			return 2;
		}
	}
	expect = from;
	fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	if (fd < 0) {
		perror("kmsg_since: /dev/kmsg");
		return 1;
	}
	while ((n = read_record(fd, rec, sizeof(rec))) != 0) {
		/* Overwritten while this reader ran: the gap shows below. */
		if (n == -EPIPE)
			continue;
		if (n < 0) {
			fprintf(stderr, "kmsg_since: reading /dev/kmsg: %s\n", strerror((int)-n));
			return 1;
		}
		if (!parse_record(rec, &seq, &usec, &text))
			continue;
		next = seq + 1;
		if (only_next || seq < from)
			continue;
		/* A gap: records the ring no longer held when they were read. */
		if (seq > expect)
			lost += seq - expect;
		expect = seq + 1;
		print_text(usec, text);
	}
	close(fd);
	if (only_next) {
		printf("%" PRIu64 "\n", next);
		return 0;
	}
	if (lost) {
		fprintf(stderr, "kmsg_since: %" PRIu64 " record(s) from %" PRIu64
			" on were overwritten before they could be read\n", lost, from);
		return 3;
	}
	return 0;
}
