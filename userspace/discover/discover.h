/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NTP server discovery: where an SCS (OpenStack) guest learns its NTP
 * servers when none is configured. The origins, tried in this order; the
 * first that yields at least one server wins and the rest are not asked:
 *
 *   1. dhcp: DHCPv4 option 42 from the lease files already on disk, of ISC
 *      dhclient (the LAST lease block's "option ntp-servers A, B;") and of
 *      systemd-networkd ("NTP=A B"). First because it is what the network
 *      the guest is attached to says (per subnet, set by the operator in
 *      Neutron), because guest images already use it (dhclient hooks,
 *      networkd, NetworkManager feed it to chrony and timesyncd), and
 *      because it costs nothing: local files, no network, no wait.
 *   2. config-drive: an OpenStack config drive that is already mounted (the
 *      configured path, else wherever /dev/disk/by-label/config-2 is
 *      mounted; phc-steer never mounts anything): openstack/latest/
 *      vendor_data2.json, then vendor_data.json. Local files again.
 *   3. metadata: the same vendor data from the metadata service over HTTP
 *      (metadata_url, default http://169.254.169.254/openstack/latest/
 *      vendor_data2.json, then its sibling vendor_data.json), with short
 *      timeouts: last, because it is the only origin that can make phc-steer
 *      wait (at most the connect plus transfer timeout).
 *   Nothing found: one line says so and phc-steer runs without NTP.
 *
 * In vendor data (JSON), the key "ptp_unified" holding
 * {"ntp_servers": ["HOST[:PORT]", ...]} (our proposal to operators, see
 * docs/operators-ntp-discovery.md) comes first, then cloud-init's own
 * "cloud-init" key when it carries "#cloud-config" with ntp: servers: and
 * pools: (in that order).
 *
 * Malformed input (bad JSON or YAML, wrong types, files over 1 MiB, bogus
 * addresses, empty lists, garbage in a lease file, HTTP errors and
 * timeouts) is reported in one line that names the origin (the file or
 * URL) and what is wrong; that input then counts for nothing and discovery
 * goes on with the next one. Servers are validated (host names, IPv4 and
 * IPv6 literals, optional port 1-65535; DHCP gives IPv4 addresses only),
 * deduplicated, and at most NTP_MAX_SERVERS are kept.
 */
#ifndef PHC_STEER_DISCOVER_H
#define PHC_STEER_DISCOVER_H

#include <stdbool.h>
#include <stdio.h>

#include "ntp/ntp_client.h"

#define DISCOVER_MAX_INPUT (1024 * 1024)	/* bytes of one file or reply */
#define DISCOVER_NOTE_MAX 512
#define DISCOVER_SOURCE_MAX 1024

#define DISCOVER_DEFAULT_LEASE_DIRS \
	"/var/lib/dhcp:/var/lib/dhclient:/run/systemd/netif/leases"
#define DISCOVER_DEFAULT_CONFIG_DRIVE "/mnt/config"
#define DISCOVER_DEFAULT_METADATA_URL \
	"http://169.254.169.254/openstack/latest/vendor_data2.json"
#define DISCOVER_DEFAULT_LABEL_DIR "/dev/disk/by-label"
#define DISCOVER_DEFAULT_MOUNTS "/proc/self/mounts"
#define DISCOVER_CONNECT_TIMEOUT_MS 2000
#define DISCOVER_TIMEOUT_MS 5000

enum discover_origin {
	DISCOVER_NONE,
	DISCOVER_DHCP,
	DISCOVER_CONFIG_DRIVE,
	DISCOVER_METADATA,
};

/* One server found, and where: the file or URL, and the field in it. */
struct discover_server {
	struct ntp_server_cfg cfg;	/* canonical host, numeric port, iburst */
	char source[DISCOVER_SOURCE_MAX];
	char field[48];	/* "ntp-servers", "NTP", "ptp_unified.ntp_servers",
			   "cloud-init:ntp.servers", "cloud-init:ntp.pools" */
};

struct discover_list {
	struct discover_server s[NTP_MAX_SERVERS];
	unsigned int n;
	unsigned int dropped;	/* valid, new, but beyond NTP_MAX_SERVERS */
};

/* One line, no newline, no control characters, no "phc-steer" prefix. */
typedef void (*discover_note_fn)(void *arg, const char *msg);

struct discover_opts {
	const char *lease_dirs;		/* colon-separated; NULL or "": skip */
	const char *config_drive;	/* mount point; NULL: skip the drive */
	const char *label_dir;		/* NULL: no by-label look-up */
	const char *mounts;		/* NULL: no by-label look-up */
	const char *metadata_url;	/* NULL: skip the metadata service */
	long connect_timeout_ms;
	long timeout_ms;		/* the whole transfer */
	discover_note_fn note;		/* NULL: problems are not told */
	void *note_arg;
};

struct discover_result {
	enum discover_origin origin;
	struct discover_list list;
};

struct config;

/* Options from the config (ntp_discover is the caller's business). */
void discover_opts_from_config(struct discover_opts *o,
			       const struct config *cfg);

/*
 * Try the origins in order; fills r (origin DISCOVER_NONE and no server
 * when nothing was found, which is told through o->note once). Returns the
 * number of servers.
 */
unsigned int discover_run(const struct discover_opts *o,
			  struct discover_result *r);

const char *discover_origin_name(enum discover_origin origin);

/*
 * "phc-steer discover" output: text lines
 *   origin ORIGIN
 *   server HOST:PORT source SOURCE field FIELD
 * or one JSON object {"origin", "servers": [{"server", "host", "port",
 * "source", "field"}], "notes": [...]} (notes may be NULL).
 */
void discover_print(FILE *out, const struct discover_result *r, bool json,
		    const char *const *notes, unsigned int n_notes);

#endif /* PHC_STEER_DISCOVER_H */
