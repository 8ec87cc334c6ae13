// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Config file and value parsing (see config.h).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clockbound/clockbound_shm.h"
#include "config.h"
#include "discover/discover.h"

#define LINE_MAX_LEN 1024
#define MAX_TOKENS 8

void config_defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->servo = SERVO_PI;
	cfg->poll_s = 1.0;
	/* ntpd's step threshold: slewing more would take minutes at 500 ppm. */
	cfg->step_threshold_s = 0.128;
	/* phc2sys's first_step_threshold. */
	cfg->first_step_s = 0.00002;
	cfg->samples = 5;
	cfg->max_freq_ppb = 500000.0;
	cfg->ntp_poll_s = 64.0;
	cfg->json = false;
	cfg->log_interval = 0;
	cfg->ntp_discover = true;
	strcpy(cfg->dhcp_lease_dirs, DISCOVER_DEFAULT_LEASE_DIRS);
	strcpy(cfg->config_drive, DISCOVER_DEFAULT_CONFIG_DRIVE);
	strcpy(cfg->metadata_url, DISCOVER_DEFAULT_METADATA_URL);
	cfg->clockbound = false;
	strcpy(cfg->clockbound_path, CB_SHM_PATH);
}

static int parse_double(const char *v, double min, double max, double *out,
			char *why, size_t len)
{
	char *end;
	double d;

	errno = 0;
	d = strtod(v, &end);
	if (!*v || *end || errno || !isfinite(d)) {
		snprintf(why, len, "'%s' is not a number", v);
		return -1;
	}
	if (d < min || d > max) {
		snprintf(why, len, "%s is out of range (%g to %g)", v, min, max);
		return -1;
	}
	*out = d;
	return 0;
}

static int parse_uint(const char *v, unsigned int min, unsigned int max,
		      unsigned int *out, char *why, size_t len)
{
	unsigned long u;
	char *end;

	errno = 0;
	u = strtoul(v, &end, 10);
	if (!*v || *end || errno || *v == '-' || *v == '+') {
		snprintf(why, len, "'%s' is not a whole number", v);
		return -1;
	}
	if (u < min || u > max) {
		snprintf(why, len, "%s is out of range (%u to %u)", v, min, max);
		return -1;
	}
	*out = (unsigned int)u;
	return 0;
}

static int parse_bool(const char *v, bool *out, char *why, size_t len)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };
	size_t i;

	for (i = 0; i < 4; i++) {
		if (!strcmp(v, yes[i])) {
			*out = true;
			return 0;
		}
		if (!strcmp(v, no[i])) {
			*out = false;
			return 0;
		}
	}
	snprintf(why, len, "'%s' is not yes or no", v);
	return -1;
}

static int add_server(struct config *cfg, const struct ntp_server_cfg *s,
		      char *why, size_t len)
{
	if (cfg->n_servers == NTP_MAX_SERVERS) {
		snprintf(why, len, "too many servers (at most %d)",
			 NTP_MAX_SERVERS);
		return -1;
	}
	cfg->servers[cfg->n_servers++] = *s;
	return 0;
}

/* "DIR[:DIR...]", every one absolute, or "none" (stored as ""). */
static int parse_dirs(const char *v, char *out, size_t outlen, char *why,
		      size_t len)
{
	const char *p = v;

	if (!strcmp(v, "none")) {
		out[0] = '\0';
		return 0;
	}
	if (strlen(v) >= outlen)
		goto bad;
	for (;;) {
		if (*p != '/')
			goto bad;
		p += strcspn(p, ":");
		if (!*p)
			break;
		p++;
	}
	strcpy(out, v);
	return 0;
bad:
	snprintf(why, len,
		 "'%s' is not absolute paths separated by ':' or none", v);
	return -1;
}

/* An http:// or https:// URL without blanks or control characters, or
 * "none" (stored as ""). */
static int parse_url(const char *v, char *out, size_t outlen, char *why,
		     size_t len)
{
	size_t scheme = !strncmp(v, "http://", 7) ? 7 :
			!strncmp(v, "https://", 8) ? 8 : 0;
	const char *p;

	if (!strcmp(v, "none")) {
		out[0] = '\0';
		return 0;
	}
	for (p = v; *p; p++) {
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f)
			goto bad;
	}
	/* Room for the vendor_data.json sibling (discover/discover_http.c). */
	if (!scheme || !v[scheme] || strlen(v) + 16 >= outlen)
		goto bad;
	strcpy(out, v);
	return 0;
bad:
	snprintf(why, len, "'%s' is not an http:// or https:// URL or none", v);
	return -1;
}

int config_set(struct config *cfg, const char *key, const char *value,
	       bool *replace_servers, char *why, size_t len)
{
	struct ntp_server_cfg s;

	if (!strcmp(key, "device")) {
		if (value[0] != '/' || strlen(value) >= sizeof(cfg->device)) {
			snprintf(why, len, "'%s' is not an absolute path", value);
			return -1;
		}
		strcpy(cfg->device, value);
		return 0;
	}
	if (!strcmp(key, "servo")) {
		if (servo_type_parse(value, &cfg->servo)) {
			snprintf(why, len, "'%s' is not pi or linreg", value);
			return -1;
		}
		return 0;
	}
	if (!strcmp(key, "poll"))
		return parse_double(value, 0.01, 1024, &cfg->poll_s, why, len);
	if (!strcmp(key, "step_threshold"))
		return parse_double(value, 0, 1e6, &cfg->step_threshold_s, why,
				    len);
	if (!strcmp(key, "first_step"))
		return parse_double(value, 0, 1e6, &cfg->first_step_s, why, len);
	if (!strcmp(key, "samples"))
		return parse_uint(value, 1, 25, &cfg->samples, why, len);
	if (!strcmp(key, "max_freq"))
		return parse_double(value, 1, 500000, &cfg->max_freq_ppb, why,
				    len);
	if (!strcmp(key, "ntp_poll"))
		return parse_double(value, 1, NTP_MAX_POLL_S, &cfg->ntp_poll_s,
				    why, len);
	if (!strcmp(key, "json"))
		return parse_bool(value, &cfg->json, why, len);
	if (!strcmp(key, "log_interval"))
		return parse_uint(value, 0, 1000000, &cfg->log_interval, why,
				  len);
	if (!strcmp(key, "ntp_discover"))
		return parse_bool(value, &cfg->ntp_discover, why, len);
	if (!strcmp(key, "dhcp_lease_dirs"))
		return parse_dirs(value, cfg->dhcp_lease_dirs,
				  sizeof(cfg->dhcp_lease_dirs), why, len);
	if (!strcmp(key, "config_drive")) {
		if (!strcmp(value, "none")) {
			cfg->config_drive[0] = '\0';
			return 0;
		}
		if (value[0] != '/' || strlen(value) >= sizeof(cfg->config_drive)) {
			snprintf(why, len, "'%s' is not an absolute path or none",
				 value);
			return -1;
		}
		strcpy(cfg->config_drive, value);
		return 0;
	}
	if (!strcmp(key, "metadata_url"))
		return parse_url(value, cfg->metadata_url,
				 sizeof(cfg->metadata_url), why, len);
	if (!strcmp(key, "clockbound"))
		return parse_bool(value, &cfg->clockbound, why, len);
	if (!strcmp(key, "clockbound_path")) {
		if (value[0] != '/' || value[strlen(value) - 1] == '/' ||
		    strlen(value) >= sizeof(cfg->clockbound_path)) {
			snprintf(why, len, "'%s' is not an absolute path of a file",
				 value);
			return -1;
		}
		strcpy(cfg->clockbound_path, value);
		return 0;
	}
	if (!strcmp(key, "ntp_server")) {
		if (ntp_server_parse(value, &s)) {
			snprintf(why, len,
				 "'%s' is not HOST, HOST:PORT or [ADDRESS]:PORT",
				 value);
			return -1;
		}
		s.iburst = true;
		if (replace_servers && *replace_servers) {
			cfg->n_servers = 0;
			*replace_servers = false;
		}
		return add_server(cfg, &s, why, len);
	}
	snprintf(why, len, "unknown key '%s'", key);
	return -1;
}

/* "ntp_server HOST [port N] [iburst]" (HOST:PORT and [ADDRESS]:PORT work too) */
static int file_server(struct config *cfg, char **tok, int n, char *why,
		       size_t len)
{
	struct ntp_server_cfg s;
	int i;

	if (ntp_server_parse(tok[1], &s)) {
		snprintf(why, len, "ntp_server: '%s' is not a host name or address",
			 tok[1]);
		return -1;
	}
	for (i = 2; i < n; i++) {
		if (!strcmp(tok[i], "iburst")) {
			s.iburst = true;
		} else if (!strcmp(tok[i], "port")) {
			char *end;
			long p;

			if (i + 1 == n) {
				snprintf(why, len, "ntp_server: port needs a number");
				return -1;
			}
			i++;
			errno = 0;
			p = strtol(tok[i], &end, 10);
			if (!*tok[i] || *end || errno || p < 1 || p > 65535) {
				snprintf(why, len,
					 "ntp_server: port '%s' is not a number from 1 to 65535",
					 tok[i]);
				return -1;
			}
			snprintf(s.port, sizeof(s.port), "%ld", p);
		} else {
			snprintf(why, len,
				 "ntp_server: unknown option '%s' (expected port N or iburst)",
				 tok[i]);
			return -1;
		}
	}
	return add_server(cfg, &s, why, len);
}

static bool known_key(const char *key)
{
	static const char *const keys[] = {
		"device", "servo", "poll", "step_threshold", "first_step",
		"samples", "max_freq", "ntp_server", "ntp_poll", "json",
		"log_interval", "ntp_discover", "dhcp_lease_dirs",
		"config_drive", "metadata_url", "clockbound", "clockbound_path",
	};
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (!strcmp(key, keys[i]))
			return true;
	}
	return false;
}

static int parse_line(struct config *cfg, char *line, char *why, size_t len)
{
	char *tok[MAX_TOKENS], *save = NULL, *t;
	char inner[256];
	int n = 0;

	line[strcspn(line, "#")] = '\0';
	for (t = strtok_r(line, " \t\r\n", &save); t;
	     t = strtok_r(NULL, " \t\r\n", &save)) {
		if (n == MAX_TOKENS) {
			snprintf(why, len, "%s: too many words", tok[0]);
			return -1;
		}
		tok[n++] = t;
	}
	if (!n)
		return 0;
	if (!known_key(tok[0])) {
		snprintf(why, len, "unknown key '%s'", tok[0]);
		return -1;
	}
	if (n == 1) {
		snprintf(why, len, "%s: missing value", tok[0]);
		return -1;
	}
	if (!strcmp(tok[0], "ntp_server"))
		return file_server(cfg, tok, n, why, len);
	if (n > 2) {
		snprintf(why, len, "%s: unexpected '%s' after the value", tok[0],
			 tok[2]);
		return -1;
	}
	if (config_set(cfg, tok[0], tok[1], NULL, inner, sizeof(inner))) {
		snprintf(why, len, "%s: %s", tok[0], inner);
		return -1;
	}
	return 0;
}

int config_load(struct config *cfg, const char *path, char *err, size_t errlen)
{
	char line[LINE_MAX_LEN + 1], why[512];
	unsigned int lineno = 0;
	size_t l;
	FILE *f;

	f = fopen(path, "re");
	if (!f) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		l = strlen(line);
		if (l == LINE_MAX_LEN && line[l - 1] != '\n' && !feof(f)) {
			snprintf(err, errlen,
				 "%s:%u: line too long (at most %d characters)",
				 path, lineno, LINE_MAX_LEN - 1);
			fclose(f);
			return -1;
		}
		if (parse_line(cfg, line, why, sizeof(why))) {
			snprintf(err, errlen, "%s:%u: %s", path, lineno, why);
			fclose(f);
			return -1;
		}
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error: %s", path, strerror(errno));
		fclose(f);
		return -1;
	}
	fclose(f);
	return 0;
}
