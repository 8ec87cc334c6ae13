// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * NTP client against a responder thread on 127.0.0.1 (no other traffic):
 * a good exchange becomes a correct sample, a bogus origin is ignored,
 * kiss-o'-death DENY stops polling and RATE backs off, an unreachable server
 * is reported once (then rate-limited) and its return noticed; iburst; the
 * sample maths with a clock step during the exchange; server specs.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "evloop.h"
#include "log.h"
#include "ntp/ntp_client.h"
#include "tap.h"
#include "timeutil.h"

#define S 1000000000LL
#define MS 1000000LL

enum reply_mode { R_GOOD, R_BOGUS_ORIGIN, R_DENY, R_RATE, R_SILENT };

static struct responder {
	int fd;
	int port;
	pthread_t thread;
	atomic_int mode;
	atomic_int requests;
	atomic_bool stop;
} rsp;

static void *respond(void *arg)
{
	uint8_t buf[NTP_PACKET_LEN];
	struct sockaddr_in from;
	socklen_t fl;
	struct ntp_packet req, p;
	int64_t now;
	ssize_t n;

	(void)arg;
	while (!atomic_load(&rsp.stop)) {
		fl = sizeof(from);
		n = recvfrom(rsp.fd, buf, sizeof(buf), 0, (struct sockaddr *)&from,
			     &fl);
		if (n < NTP_PACKET_LEN)
			continue;
		atomic_fetch_add(&rsp.requests, 1);
		ntp_packet_decode(buf, (size_t)n, &req);
		now = clock_ns(CLOCK_REALTIME) + 250 * MS;
		memset(&p, 0, sizeof(p));
		p.version = 4;
		p.mode = NTP_MODE_SERVER;
		p.stratum = 3;
		p.leap = 1;
		p.precision = -20;
		p.root_delay = 0x10;
		p.root_dispersion = 0x20;
		p.origin = req.transmit;
		p.receive = ntp_ts_from_unix_ns(now);
		p.transmit = ntp_ts_from_unix_ns(now + 1000);
		switch (atomic_load(&rsp.mode)) {
		case R_SILENT:
			continue;
		case R_BOGUS_ORIGIN:
			p.origin.frac ^= 0x10;
			break;
		case R_DENY:
			p.stratum = 0;
			p.refid = 0x44454e59;
			break;
		case R_RATE:
			p.stratum = 0;
			p.refid = 0x52415445;
			break;
		}
		ntp_packet_encode(&p, buf);
		sendto(rsp.fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, fl);
	}
	return NULL;
}

static int bind_loopback(int *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t l = sizeof(a);
	struct timeval tv = { 0, 100000 };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) ||
	    getsockname(fd, (struct sockaddr *)&a, &l))
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	*port = ntohs(a.sin_port);
	return fd;
}

/* What the client did, as seen by the test. */
struct watch {
	struct evloop *loop;
	unsigned int outcomes[NTP_OUTCOME_STEP + 1];
	enum ntp_verdict last_verdict;
	bool stop_on_sample;
	struct feed_sample sample;
	char source[64];
	unsigned int fed;
	struct feed feed;
	struct evloop_timer deadline;
};

static struct watch *watch_of_feed(struct feed *f)
{
	return (struct watch *)((char *)f - offsetof(struct watch, feed));
}

static int capture_push(struct feed *f, const struct feed_sample *s)
{
	struct watch *w = watch_of_feed(f);

	w->sample = *s;
	snprintf(w->source, sizeof(w->source), "%s", s->source);
	w->fed++;
	return 0;
}

static void capture_destroy(struct feed *f)
{
	(void)f;
}

static void observe(void *arg, const char *server, const struct ntp_outcome *o)
{
	struct watch *w = arg;

	(void)server;
	w->outcomes[o->kind]++;
	if (o->kind == NTP_OUTCOME_REJECTED)
		w->last_verdict = o->verdict;
	if (o->kind == NTP_OUTCOME_SAMPLE && w->stop_on_sample)
		evloop_stop(w->loop, 0);
}

static void on_deadline(void *arg)
{
	evloop_stop(arg, 0);
}

static int pair_gettime(void *arg, struct rt_raw_pair *pair)
{
	(void)arg;
	return sysoff_rt_raw_pair(NULL, pair);
}

/* Run a client for one server for at most secs; the log goes to *logbuf. */
static void run(struct watch *w, int port, bool iburst, double poll_s,
		double timeout_s, double report_s, double secs, char **logbuf)
{
	struct ntp_client_opts opts = { poll_s, timeout_s, report_s, 0.2 };
	struct ntp_server_cfg cfg = { .iburst = iburst };
	struct ntp_client *c;
	size_t loglen;
	struct log log;
	FILE *out = open_memstream(logbuf, &loglen);

	snprintf(cfg.host, sizeof(cfg.host), "127.0.0.1");
	snprintf(cfg.port, sizeof(cfg.port), "%d", port);
	log_init(&log, out, false);
	w->loop = evloop_create();
	w->feed.push = capture_push;
	w->feed.destroy = capture_destroy;
	c = ntp_client_create(w->loop, &log, &w->feed, &cfg, 1, &opts,
			      pair_gettime, NULL);
	ntp_client_set_observer(c, observe, w);
	evloop_timer_init(w->loop, &w->deadline, on_deadline, w->loop);
	evloop_timer_set(&w->deadline, mono_ns() + seconds_to_ns(secs));
	evloop_run(w->loop);
	ntp_client_destroy(c);
	evloop_destroy(w->loop);
	fclose(out);
}

static unsigned int count(const char *hay, const char *needle)
{
	unsigned int n = 0;

	while ((hay = strstr(hay, needle))) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

static void good_exchange(void)
{
	struct watch w = { .stop_on_sample = true };
	struct rt_raw_pair now;
	int64_t rt_at_raw, err;
	char *log = NULL;

	atomic_store(&rsp.mode, R_GOOD);
	run(&w, rsp.port, false, 3600, 1, 600, 3, &log);
	is_int(w.outcomes[NTP_OUTCOME_SAMPLE], 1, "good server: one sample");
	is_int(w.fed, 1, "the sample went to the feed");
	is_int(w.sample.stratum, 3, "stratum carried");
	is_int(w.sample.leap, 1, "leap indicator carried");
	is_int(w.sample.cls, FEED_CLASS_NTP, "class ntp");
	ok(!strncmp(w.source, "127.0.0.1:", 10), "source named %s", w.source);
	sysoff_rt_raw_pair(NULL, &now);
	rt_at_raw = now.realtime_ns - (now.monoraw_ns - w.sample.raw_ns);
	err = w.sample.ref_ns - rt_at_raw - 250 * MS;
	ok(llabs(err) <= (int64_t)w.sample.bound_ns + 100000,
	   "ref - realtime(raw) is the server's +250 ms within the bound (error %lld ns, bound %llu ns)",
	   (long long)err, (unsigned long long)w.sample.bound_ns);
	ok(w.sample.bound_ns >= (uint64_t)(ntp_short_to_ns(0x10) / 2 +
					   ntp_short_to_ns(0x20)),
	   "bound includes root delay / 2 + root dispersion");
	ok(count(log, "ntp 127.0.0.1:") == 1 && count(log, " offset ") == 1,
	   "one exchange line logged");
	free(log);
}

static void bogus_origin(void)
{
	struct watch w = { 0 };
	char *log = NULL;

	atomic_store(&rsp.mode, R_BOGUS_ORIGIN);
	run(&w, rsp.port, false, 3600, 0.5, 600, 1, &log);
	is_int(w.outcomes[NTP_OUTCOME_REJECTED], 1, "bogus origin: rejected");
	is_int(w.last_verdict, NTP_BAD_ORIGIN, "as a bad origin");
	is_int(w.outcomes[NTP_OUTCOME_TIMEOUT], 1,
	       "and the exchange still waited for the real reply (timed out)");
	is_int(w.fed, 0, "nothing fed");
	ok(count(log, "origin timestamp does not match") == 1, "the log says why");
	free(log);
}

static void kiss_deny(void)
{
	struct watch w = { 0 };
	char *log = NULL;

	atomic_store(&rsp.mode, R_DENY);
	atomic_store(&rsp.requests, 0);
	run(&w, rsp.port, false, 0.3, 0.2, 600, 1.5, &log);
	is_int(w.last_verdict, NTP_KOD_DENY, "DENY recognised");
	is_int(atomic_load(&rsp.requests), 1,
	       "after DENY the server is not polled again (poll 0.3 s, 1.5 s run)");
	is_int(count(log, "DENY"), 1, "logged once");
	is_int(w.fed, 0, "nothing fed");
	free(log);
}

static void kiss_rate(void)
{
	struct watch w = { 0 };
	char *log = NULL;

	atomic_store(&rsp.mode, R_RATE);
	atomic_store(&rsp.requests, 0);
	run(&w, rsp.port, false, 0.5, 0.2, 600, 1.25, &log);
	is_int(w.last_verdict, NTP_KOD_RATE, "RATE recognised");
	ok(count(log, "poll interval now 1 s") == 1, "poll interval doubled to 1 s");
	is_int(atomic_load(&rsp.requests), 2,
	       "requests at 0 and 1 s, not 0, 0.5 and 1 s");
	free(log);
}

static void unreachable(void)
{
	struct watch w = { 0 };
	char *log = NULL;
	int port, fd = bind_loopback(&port);

	close(fd);	/* nobody listens there now: ICMP port unreachable */
	run(&w, port, false, 0.1, 0.05, 600, 1.05, &log);
	ok(w.outcomes[NTP_OUTCOME_ERROR] >= 5, "%u failed exchanges",
	   w.outcomes[NTP_OUTCOME_ERROR]);
	is_int(count(log, "unreachable"), 1, "reported once in a 600 s interval");
	ok(count(log, "Connection refused") == 1, "with the cause");
	free(log);

	memset(&w, 0, sizeof(w));
	log = NULL;
	run(&w, port, false, 0.1, 0.05, 0.45, 1.05, &log);
	ok(count(log, "still unreachable") >= 1 &&
		   count(log, "unreachable") < w.outcomes[NTP_OUTCOME_ERROR],
	   "with a 0.45 s interval: repeated, but rate-limited (%u lines, %u failures)",
	   count(log, "unreachable"), w.outcomes[NTP_OUTCOME_ERROR]);
	free(log);
}

static void *wake_up(void *arg)
{
	(void)arg;
	usleep(700000);
	atomic_store(&rsp.mode, R_GOOD);
	return NULL;
}

static void comes_back(void)
{
	struct watch w = { 0 };
	char *log = NULL;
	pthread_t t;

	atomic_store(&rsp.mode, R_SILENT);
	pthread_create(&t, NULL, wake_up, NULL);
	run(&w, rsp.port, false, 0.3, 0.2, 600, 1.5, &log);
	pthread_join(t, NULL);
	ok(w.outcomes[NTP_OUTCOME_TIMEOUT] >= 2, "silent server times out");
	is_int(count(log, "unreachable: no reply within 0.2 s"), 1,
	       "reported once");
	is_int(count(log, "reachable again"), 1, "its return is noticed");
	ok(w.fed >= 1, "and its samples are fed");
	free(log);
}

static void iburst(void)
{
	struct watch w = { 0 };
	char *log = NULL;

	atomic_store(&rsp.mode, R_GOOD);
	atomic_store(&rsp.requests, 0);
	run(&w, rsp.port, true, 3600, 0.1, 600, 1.1, &log);
	is_int(atomic_load(&rsp.requests), 4,
	       "iburst: 4 requests 0.2 s apart, then the poll interval");
	is_int(w.fed, 4, "each one a sample");
	free(log);
	memset(&w, 0, sizeof(w));
	log = NULL;
	atomic_store(&rsp.requests, 0);
	run(&w, rsp.port, false, 3600, 0.1, 600, 1.1, &log);
	is_int(atomic_load(&rsp.requests), 1, "without iburst: only one");
	free(log);
}

static void sample_maths(void)
{
	const int64_t t = 1700000000LL * S;
	struct ntp_result r = { 0 };
	struct rt_raw_pair before = { t - MS, 5 * S, 0 };
	struct rt_raw_pair after = { t + 32 * MS, 5 * S + 33 * MS, 0 };
	struct feed_sample s;

	r.t1 = t;
	r.t2 = t + 260 * MS;
	r.t3 = t + 261 * MS;
	r.t4 = t + 31 * MS;
	r.root_distance_ns = 46250000;
	r.precision_ns = 954;
	r.pkt.stratum = 2;
	is_int(ntp_make_sample(&r, &before, &after, &s), 0, "steady clocks: sample");
	/* midpoint t + 15.5 ms is 16.5 ms after the first pair */
	is_int(s.raw_ns, 5 * S + 16500 * 1000, "raw at the midpoint");
	is_int(s.ref_ns, t + 260500 * 1000, "ref = (t2 + t3) / 2");
	is_int(s.bound_ns, 46250000 + 954, "bound = root distance + precision");

	/* realtime 500 ppm fast against raw: interpolate, count the residue */
	after.monoraw_ns = 5 * S + 32983508;	/* 33 ms / 1.0005 */
	is_int(ntp_make_sample(&r, &before, &after, &s), 0, "500 ppm slew: sample");
	is_int(s.raw_ns, 5 * S + 16491754, "raw interpolated at the slewed rate");
	is_int(s.bound_ns, 46250000 + 954 + 16492, "residue counted in the bound");

	after.monoraw_ns = 5 * S + 33 * MS;
	after.realtime_ns += 50 * MS;
	is_int(ntp_make_sample(&r, &before, &after, &s), -EAGAIN,
	       "a 50 ms step during the exchange: dropped");
	after.realtime_ns = t + 32 * MS - 20 * MS;
	is_int(ntp_make_sample(&r, &before, &after, &s), -EAGAIN,
	       "a step back: dropped");
	after.realtime_ns = t + 32 * MS;
	after.uncertainty_ns = 200;
	before.uncertainty_ns = 100;
	is_int(ntp_make_sample(&r, &before, &after, &s), 0, "uncertain pairs: sample");
	is_int(s.bound_ns, 46250000 + 954 + 200, "the larger pair uncertainty counted");
}

static void specs(void)
{
	struct ntp_server_cfg c;
	char name[300];

	ok(!ntp_server_parse("ntp.example.org", &c) &&
		   !strcmp(c.host, "ntp.example.org") && !strcmp(c.port, "123"),
	   "HOST: port 123");
	ok(!ntp_server_parse("127.0.0.1:11123", &c) && !strcmp(c.port, "11123"),
	   "HOST:PORT");
	ok(!ntp_server_parse("[::1]:1234", &c) && !strcmp(c.host, "::1") &&
		   !strcmp(c.port, "1234"), "[V6]:PORT");
	ok(!ntp_server_parse("::1", &c) && !strcmp(c.host, "::1") &&
		   !strcmp(c.port, "123"), "bare V6 address");
	ok(!ntp_server_parse("[fe80::1]", &c) && !strcmp(c.host, "fe80::1"),
	   "[V6] without port");
	ntp_server_name(&c, name, sizeof(name));
	is_str(name, "[fe80::1]:123", "v6 names are bracketed");
	ok(ntp_server_parse("", &c) && ntp_server_parse("h:0", &c) &&
		   ntp_server_parse("h:65536", &c) && ntp_server_parse("h:x", &c) &&
		   ntp_server_parse("[::1", &c) && ntp_server_parse("[::1]x", &c) &&
		   ntp_server_parse(":123", &c) && ntp_server_parse("a b", &c),
	   "malformed specs rejected");
}

int main(void)
{
	rsp.fd = bind_loopback(&rsp.port);
	if (rsp.fd < 0) {
		printf("Bail out! no loopback socket: %s\n", strerror(errno));
		return 1;
	}
	pthread_create(&rsp.thread, NULL, respond, NULL);

	good_exchange();
	bogus_origin();
	kiss_deny();
	kiss_rate();
	unreachable();
	comes_back();
	iburst();
	sample_maths();
	specs();

	atomic_store(&rsp.stop, true);
	pthread_join(rsp.thread, NULL);
	close(rsp.fd);
	return tap_done();
}
