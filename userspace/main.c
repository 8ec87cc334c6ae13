// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * phc-steer: keep CLOCK_REALTIME on a PTP hardware clock (the ptp_unified
 * clock by default) and sample NTP servers for it.
 *
 *   phc-steer [steer] [OPTIONS]   steer (the daemon)
 *   phc-steer read [DEVICE]       one PHC reading
 *   phc-steer ntp-probe SERVER    one NTP exchange
 *   phc-steer discover            NTP servers as steer would discover them
 *   phc-steer now [PATH]          one reading of the ClockBound segment
 *
 * Exit codes: see exit_codes.h and phc-steer.8.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "clockbound/cb_print.h"
#include "clockbound/cb_publish.h"
#include "clock/sysoff.h"
#include "discover/discover.h"
#include "evloop.h"
#include "exit_codes.h"
#include "feed/feed.h"
#include "log.h"
#include "module_link.h"
#include "ntp/ntp_client.h"
#include "status.h"
#include "steer.h"

#ifndef PHC_STEER_VERSION
#define PHC_STEER_VERSION "unknown"
#endif

#define REPORT_INTERVAL_S 600.0

static int cmd_read(const struct cli *cli)
{
	struct sysoff_reading r;
	struct json_object *o;
	char err[PATH_MAX + 200];
	struct phc phc;
	int ret;

	if (phc_open(&phc, cli->cfg.device[0] ? cli->cfg.device : NULL,
		     cli->cfg.samples, err, sizeof(err))) {
		fprintf(stderr, "phc-steer: %s\n", err);
		return EXIT_DEVICE;
	}
	ret = sysoff_read(&phc, &r);
	if (ret) {
		fprintf(stderr, "phc-steer: %s: reading the clock failed: %s\n",
			phc.path, strerror(-ret));
		phc_close(&phc);
		return EXIT_RUNTIME;
	}
	if (cli->cfg.json) {
		o = json_object_new_object();
		json_object_object_add(o, "device", json_object_new_string(phc.path));
		json_object_object_add(o, "method", json_object_new_string(
						   sysoff_method_name(r.method)));
		json_object_object_add(o, "offset_ns", json_object_new_int64(r.offset_ns));
		json_object_object_add(o, "delay_ns", json_object_new_int64(r.delay_ns));
		json_object_object_add(o, "phc_ns", json_object_new_int64(r.phc_ns));
		json_object_object_add(o, "realtime_ns",
				       json_object_new_int64(r.realtime_ns));
		if (r.has_monoraw)
			json_object_object_add(o, "monoraw_ns",
					       json_object_new_int64(r.monoraw_ns));
		puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
						    JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
	} else {
		printf("%s method %s offset %lld delay %lld phc %lld realtime %lld",
		       phc.path, sysoff_method_name(r.method), (long long)r.offset_ns,
		       (long long)r.delay_ns, (long long)r.phc_ns,
		       (long long)r.realtime_ns);
		if (r.has_monoraw)
			printf(" monoraw %lld", (long long)r.monoraw_ns);
		putchar('\n');
	}
	phc_close(&phc);
	return EXIT_OK;
}

struct probe {
	struct evloop *loop;
	struct phc phc;
	bool have_phc;
};

static int probe_pair(void *arg, struct rt_raw_pair *pair)
{
	struct probe *p = arg;

	return sysoff_rt_raw_pair(p->have_phc ? &p->phc : NULL, pair);
}

static void probe_outcome(void *arg, const char *server,
			  const struct ntp_outcome *o)
{
	struct probe *p = arg;

	switch (o->kind) {
	case NTP_OUTCOME_SAMPLE:
		evloop_stop(p->loop, EXIT_OK);
		break;
	case NTP_OUTCOME_REJECTED:
		/* Not a reply to our request: the real one may still come. */
		if (o->verdict == NTP_BAD_ORIGIN)
			break;
		/* fall through */
	default:
		fprintf(stderr, "phc-steer: ntp-probe %s: %s\n", server, o->message);
		evloop_stop(p->loop, EXIT_RUNTIME);
		break;
	}
}

static int cmd_ntp_probe(const struct cli *cli)
{
	struct ntp_client_opts opts = {
		/* One exchange: the next poll would come after the timeout. */
		.poll_s = cli->timeout_s + 3600,
		.timeout_s = cli->timeout_s,
		.report_interval_s = REPORT_INTERVAL_S,
		.burst_interval_s = NTP_IBURST_INTERVAL_S,
	};
	struct ntp_server_cfg server;
	struct ntp_client *client;
	struct probe p = { 0 };
	char err[PATH_MAX + 200];
	struct feed *feed;
	struct log log;
	int code;

	if (ntp_server_parse(cli->server, &server)) {
		fprintf(stderr,
			"phc-steer: ntp-probe: '%s' is not HOST, HOST:PORT or [ADDRESS]:PORT\n",
			cli->server);
		return EXIT_USAGE;
	}
	if (cli->cfg.device[0]) {
		if (phc_open(&p.phc, cli->cfg.device, cli->cfg.samples, err,
			     sizeof(err))) {
			fprintf(stderr, "phc-steer: %s\n", err);
			return EXIT_DEVICE;
		}
		p.have_phc = true;
	}
	log_init(&log, stdout, cli->cfg.json);
	p.loop = evloop_create();
	feed = feed_print_create(&log);
	if (!p.loop || !feed) {
		fprintf(stderr, "phc-steer: out of memory\n");
		code = EXIT_RUNTIME;
		goto out;
	}
	client = ntp_client_create(p.loop, &log, feed, &server, 1, &opts,
				   probe_pair, &p);
	if (!client) {
		fprintf(stderr, "phc-steer: out of memory\n");
		code = EXIT_RUNTIME;
		goto out;
	}
	ntp_client_set_observer(client, probe_outcome, &p);
	evloop_catch_signals(p.loop);
	code = evloop_run(p.loop);
	if (code < 0) {
		fprintf(stderr, "phc-steer: event loop: %s\n", strerror(-code));
		code = EXIT_RUNTIME;
	}
	ntp_client_destroy(client);
out:
	feed_destroy(feed);
	evloop_destroy(p.loop);
	if (p.have_phc)
		phc_close(&p.phc);
	return code;
}

#define MAX_NOTES 64

struct notes {
	bool json;
	const char *msg[MAX_NOTES];
	unsigned int n;
};

static void discover_note_cmd(void *arg, const char *msg)
{
	struct notes *n = arg;

	if (!n->json)
		fprintf(stderr, "phc-steer: %s\n", msg);
	else if (n->n < MAX_NOTES && (n->msg[n->n] = strdup(msg)))
		n->n++;
}

static int cmd_discover(const struct cli *cli)
{
	struct notes notes = { .json = cli->cfg.json };
	struct discover_result *r = malloc(sizeof(*r));
	struct discover_opts o;
	unsigned int i, n;

	if (!r) {
		fprintf(stderr, "phc-steer: out of memory\n");
		return EXIT_RUNTIME;
	}
	discover_opts_from_config(&o, &cli->cfg);
	o.note = discover_note_cmd;
	o.note_arg = &notes;
	n = discover_run(&o, r);
	discover_print(stdout, r, cli->cfg.json, notes.msg, notes.n);
	for (i = 0; i < notes.n; i++)
		free((char *)notes.msg[i]);
	free(r);
	return n ? EXIT_OK : EXIT_RUNTIME;
}

static void discover_note_log(void *arg, const char *msg)
{
	log_notice(arg, "%s", msg);
}

/* The servers to sample: configured, else discovered (ntp_discover). */
static unsigned int steer_servers(const struct cli *cli, struct log *log,
				  struct ntp_server_cfg *servers)
{
	struct discover_result *r;
	struct discover_opts o;
	char name[NTP_HOST_MAX + 16];
	unsigned int i, n;

	if (cli->cfg.n_servers || !cli->cfg.ntp_discover) {
		memcpy(servers, cli->cfg.servers,
		       cli->cfg.n_servers * sizeof(*servers));
		return cli->cfg.n_servers;
	}
	r = malloc(sizeof(*r));
	if (!r)
		return 0;
	discover_opts_from_config(&o, &cli->cfg);
	o.note = discover_note_log;
	o.note_arg = log;
	n = discover_run(&o, r);
	for (i = 0; i < n; i++) {
		servers[i] = r->list.s[i].cfg;
		ntp_server_name(&servers[i], name, sizeof(name));
		log_notice(log, "discover: NTP server %s from %s %s (%s)", name,
			   discover_origin_name(r->origin), r->list.s[i].source,
			   r->list.s[i].field);
	}
	free(r);
	return n;
}

static int cmd_steer(const struct cli *cli)
{
	struct ntp_server_cfg servers[NTP_MAX_SERVERS];
	unsigned int n_servers;
	struct ntp_client_opts opts = {
		.poll_s = cli->cfg.ntp_poll_s,
		.timeout_s = 2.0,
		.report_interval_s = REPORT_INTERVAL_S,
		.burst_interval_s = NTP_IBURST_INTERVAL_S,
	};
	struct ntp_client *client = NULL;
	struct module_link *link = NULL;
	struct cb_publish *cb = NULL;
	struct feed *feed = NULL;
	char err[PATH_MAX + 200];
	struct steer *st = NULL;
	struct evloop *loop;
	struct log log;
	int code, ret;

	log_init(&log, stdout, cli->cfg.json);
	loop = evloop_create();
	if (!loop || evloop_catch_signals(loop)) {
		fprintf(stderr, "phc-steer: cannot set up the event loop\n");
		evloop_destroy(loop);
		return EXIT_RUNTIME;
	}
	st = steer_create(&cli->cfg, loop, &log, &code, err, sizeof(err));
	if (!st) {
		fprintf(stderr, "phc-steer: %s\n", err);
		evloop_destroy(loop);
		return code;
	}
	/*
	 * With the ptp_unified module loaded, hear its events (a disruption
	 * steps at once) and feed it NTP; without it (steering from another
	 * PHC on a guest without the module), steer alone and log the samples.
	 */
	link = module_link_create(loop, &log, st, &ret);
	if (!link)
		log_notice(&log, "no link to the ptp_unified module (%s): no disruption events",
			   ret == -ENOENT ? "not loaded" : strerror(-ret));
	if (cli->cfg.clockbound) {
		cb = cb_publish_create(&cli->cfg, loop, &log);
		if (!cb) {
			fprintf(stderr, "phc-steer: out of memory\n");
			code = EXIT_RUNTIME;
			goto out;
		}
		steer_set_poll_observer(st, cb_publish_poll, cb);
	}
	n_servers = steer_servers(cli, &log, servers);
	if (n_servers) {
		feed = feed_netlink_create(&log, &ret);
		if (!feed) {
			log_notice(&log, "cannot feed the ptp_unified module (%s): NTP samples are only logged",
				   ret == -ENOENT ? "not loaded" : strerror(-ret));
			feed = feed_print_create(&log);
		}
		client = feed ? ntp_client_create(loop, &log, feed, servers,
						  n_servers, &opts,
						  steer_rt_raw_pair, st) :
				NULL;
		if (!client) {
			fprintf(stderr, "phc-steer: out of memory\n");
			code = EXIT_RUNTIME;
			goto out;
		}
	}
	code = evloop_run(loop);
	if (code < 0) {
		fprintf(stderr, "phc-steer: event loop: %s\n", strerror(-code));
		code = EXIT_RUNTIME;
	}
out:
	ntp_client_destroy(client);
	feed_destroy(feed);
	steer_set_poll_observer(st, NULL, NULL);
	cb_publish_destroy(cb);
	module_link_destroy(link);
	steer_destroy(st);
	evloop_destroy(loop);
	return code;
}

int main(int argc, char **argv)
{
	char err[PATH_MAX + 512];
	struct cli cli;

	if (cli_parse(argc, argv, &cli, err, sizeof(err))) {
		fprintf(stderr, "phc-steer: %s\nTry 'phc-steer --help'.\n", err);
		return EXIT_USAGE;
	}
	switch (cli.cmd) {
	case CLI_HELP:
		cli_usage(stdout);
		return EXIT_OK;
	case CLI_VERSION:
		printf("phc-steer %s\n", PHC_STEER_VERSION);
		return EXIT_OK;
	case CLI_READ:
		return cmd_read(&cli);
	case CLI_STATUS:
		return status_run(cli.cfg.device[0] ? cli.cfg.device : NULL,
				  cli.cfg.json, stdout);
	case CLI_NTP_PROBE:
		return cmd_ntp_probe(&cli);
	case CLI_DISCOVER:
		return cmd_discover(&cli);
	case CLI_NOW:
		return cb_print_now(cli.cfg.clockbound_path, cli.cfg.json, stdout);
	case CLI_STEER:
		break;
	}
	return cmd_steer(&cli);
}
