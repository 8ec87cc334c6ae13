// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the NTP server discovery parsers. The first byte
 * picks the parser, the rest is its input:
 *   'd' dhclient lease file     'n' systemd-networkd lease file
 *   'j' vendor data JSON        'y' cloud-config YAML
 *   's' one server string       '4' one IPv4 address (DHCP)
 *   'm' a mount table, its first line the device looked for
 * Any input must be judged without a crash, a leak or undefined behaviour,
 * and the promises must hold: a rejected input adds nothing; at most
 * NTP_MAX_SERVERS servers, no two alike, each one that parses again to
 * itself; every note one printable line starting "discover: ".
 * Seeds: fuzz/seeds_discover/.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "discover/discover_int.h"

static void check_note(void *arg, const char *msg)
{
	size_t i, len = strlen(msg);

	(void)arg;
	if (!len || len >= DISCOVER_NOTE_MAX || strncmp(msg, "discover: ", 10))
		abort();
	for (i = 0; i < len; i++) {
		if ((unsigned char)msg[i] < 0x20 || (unsigned char)msg[i] >= 0x7f)
			abort();
	}
}

static void check_list(const struct discover_list *l)
{
	char name[NTP_HOST_MAX + 16], why[256];
	struct ntp_server_cfg again;
	unsigned int i, j;

	if (l->n > NTP_MAX_SERVERS)
		abort();
	for (i = 0; i < l->n; i++) {
		const struct discover_server *s = &l->s[i];

		if (!s->field[0] || !s->cfg.iburst)
			abort();
		ntp_server_name(&s->cfg, name, sizeof(name));
		if (discover_server_parse(name, strlen(name), false, &again, why,
					  sizeof(why)) ||
		    strcmp(again.host, s->cfg.host) || strcmp(again.port, s->cfg.port))
			abort();
		for (j = 0; j < i; j++) {
			if (!strcmp(l->s[j].cfg.host, s->cfg.host) &&
			    !strcmp(l->s[j].cfg.port, s->cfg.port))
				abort();
		}
	}
}

/* ntp_server_name() is in ntp/ntp_client.c, which the target does not link. */
void ntp_server_name(const struct ntp_server_cfg *cfg, char *buf, size_t len)
{
	if (strchr(cfg->host, ':'))
		snprintf(buf, len, "[%s]:%s", cfg->host, cfg->port);
	else
		snprintf(buf, len, "%s:%s", cfg->host, cfg->port);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct discover_opts o = { .note = check_note };
	struct discover_input in = { .label = "fuzz", .source = "input" };
	struct discover_list *l;
	struct ntp_server_cfg cfg;
	char why[256], mnt[4096], *buf, *nl;
	size_t len;
	int r = 0;

	if (!size)
		return 0;
	len = size - 1;
	/* The parsers are given NUL-terminated buffers, as files and replies
	 * are read. */
	buf = malloc(len + 1);
	l = malloc(sizeof(*l));
	if (!buf || !l)
		abort();
	memcpy(buf, data + 1, len);
	buf[len] = '\0';
	discover_list_init(l);

	switch (data[0]) {
	case 'd':
		r = discover_parse_dhclient(&o, &in, buf, len, l);
		break;
	case 'n':
		r = discover_parse_networkd(&o, &in, buf, len, l);
		break;
	case 'j':
		r = discover_parse_vendor(&o, &in, buf, len, l);
		break;
	case 'y':
		r = discover_parse_cloud_config(&o, &in, buf, len, l);
		break;
	case 's':
	case '4':
		if (!discover_server_parse(buf, len, data[0] == '4', &cfg, why,
					   sizeof(why)))
			discover_list_add(l, &cfg, "input", "fuzz");
		else if (strncmp(why, "'", 1))
			abort();
		break;
	case 'm':
		nl = memchr(buf, '\n', len);
		if (nl) {
			*nl = '\0';
			if (!discover_mount_point(nl + 1, len - (size_t)(nl + 1 - buf),
						  buf, mnt, sizeof(mnt)) &&
			    strlen(mnt) >= sizeof(mnt))
				abort();
		}
		break;
	default:
		break;
	}
	if (r == -1 && l->n)
		abort();
	check_list(l);
	free(l);
	free(buf);
	return 0;
}
