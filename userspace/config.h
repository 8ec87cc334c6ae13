/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * phc-steer settings: defaults, the config file, and the value checks the
 * command line shares with it.
 *
 * File format: one "key value" per line, whitespace separated; "#" starts a
 * comment; blank lines are ignored. Keys (units, defaults in config.c and
 * phc-steer.8):
 *   device PATH                       servo pi|linreg
 *   poll SECONDS                      step_threshold SECONDS
 *   first_step SECONDS                samples N
 *   max_freq PPB                      ntp_server HOST [port N] [iburst]
 *   ntp_poll SECONDS                  json yes|no
 *   log_interval N                    ntp_discover yes|no
 *   dhcp_lease_dirs DIR[:DIR...]|none config_drive PATH|none
 *   metadata_url URL|none
 *   clockbound yes|no                 clockbound_path PATH
 * Any error is reported as "FILE:LINE: what is wrong".
 */
#ifndef PHC_STEER_CONFIG_H
#define PHC_STEER_CONFIG_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "ntp/ntp_client.h"
#include "servo/servo.h"

#define CONFIG_URL_MAX 1024

struct config {
	char device[PATH_MAX];	/* "" = find the ptp_unified clock */
	enum servo_type servo;
	double poll_s;
	double step_threshold_s;
	double first_step_s;
	unsigned int samples;
	double max_freq_ppb;
	struct ntp_server_cfg servers[NTP_MAX_SERVERS];
	unsigned int n_servers;
	double ntp_poll_s;
	bool json;
	unsigned int log_interval;
	/* NTP server discovery (discover/discover.h) when no ntp_server is
	 * set; the strings are "" for none. */
	bool ntp_discover;
	char dhcp_lease_dirs[PATH_MAX];
	char config_drive[PATH_MAX];
	char metadata_url[CONFIG_URL_MAX];
	/* The ClockBound segment (clockbound/cb_publish.h). */
	bool clockbound;
	char clockbound_path[PATH_MAX];
};

void config_defaults(struct config *cfg);

/*
 * Read a config file over cfg. Returns 0, or -1 with "FILE:LINE: message"
 * (or "FILE: message" when it cannot be read) in err.
 */
int config_load(struct config *cfg, const char *path, char *err, size_t errlen);

/*
 * Set one key from one value string (for the command line: ntp_server takes
 * HOST[:PORT] and implies iburst, and replaces the list on its first use when
 * replace_servers is set). Returns 0 or -1 with the problem in why, e.g.
 * "'abc' is not a number".
 */
int config_set(struct config *cfg, const char *key, const char *value,
	       bool *replace_servers, char *why, size_t len);

#endif /* PHC_STEER_CONFIG_H */
