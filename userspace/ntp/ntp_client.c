// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * NTP client (see ntp_client.h).
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "evloop.h"
#include "log.h"
#include "ntp/ntp_client.h"
#include "timeutil.h"

/*
 * How much CLOCK_REALTIME may run off CLOCK_MONOTONIC_RAW during one
 * exchange without a step: the kernel's 500 ppm frequency limit plus
 * adjtime() slewing and ADJ_TICK, rounded up to 0.1 %.
 */
#define MAX_RATE_DIFF 0.001
#define STEP_SLACK_NS 1000

struct ntp_server {
	struct ntp_client *c;
	struct ntp_server_cfg cfg;
	char name[NTP_HOST_MAX + 16];
	int fd;
	bool disabled;
	bool outstanding;
	struct ntp_ts cookie;
	int64_t t1;
	struct rt_raw_pair before;
	int64_t timeout_at;
	int64_t next_poll;
	double poll_s;
	unsigned int burst_left;
	unsigned int missed;		/* exchanges without a reply in a row */
	struct ratelimit unreach_rl;
	struct ratelimit reject_rl;
	struct evloop_timer timer;
};

struct ntp_client {
	struct evloop *loop;
	struct log *log;
	struct feed *feed;
	struct ntp_client_opts opts;
	ntp_pair_fn pair;
	void *pair_arg;
	ntp_observer_fn observer;
	void *observer_arg;
	unsigned int n;
	struct ntp_server servers[];
};

void ntp_server_name(const struct ntp_server_cfg *cfg, char *buf, size_t len)
{
	if (strchr(cfg->host, ':'))
		snprintf(buf, len, "[%s]:%s", cfg->host, cfg->port);
	else
		snprintf(buf, len, "%s:%s", cfg->host, cfg->port);
}

static int parse_port(const char *s, char *out, size_t len)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (!*s || *end || errno || v < 1 || v > 65535)
		return -EINVAL;
	snprintf(out, len, "%ld", v);
	return 0;
}

int ntp_server_parse(const char *spec, struct ntp_server_cfg *cfg)
{
	const char *host = spec, *port = NULL, *colon;
	size_t hlen;

	memset(cfg, 0, sizeof(*cfg));
	if (*spec == '[') {
		const char *close = strchr(spec, ']');

		if (!close)
			return -EINVAL;
		host = spec + 1;
		hlen = (size_t)(close - host);
		if (close[1] == ':')
			port = close + 2;
		else if (close[1])
			return -EINVAL;
	} else {
		colon = strchr(spec, ':');
		/* A bare IPv6 address has several colons and no port. */
		if (colon && !strchr(colon + 1, ':')) {
			hlen = (size_t)(colon - spec);
			port = colon + 1;
		} else {
			hlen = strlen(spec);
		}
	}
	if (!hlen || hlen >= sizeof(cfg->host))
		return -EINVAL;
	memcpy(cfg->host, host, hlen);
	cfg->host[hlen] = '\0';
	if (strpbrk(cfg->host, " \t[]/"))
		return -EINVAL;
	return parse_port(port ? port : NTP_PORT, cfg->port, sizeof(cfg->port));
}

int ntp_make_sample(const struct ntp_result *r,
		    const struct rt_raw_pair *before,
		    const struct rt_raw_pair *after, struct feed_sample *s)
{
	int64_t d_rt = after->realtime_ns - before->realtime_ns;
	int64_t d_raw = after->monoraw_ns - before->monoraw_ns;
	int64_t unc = before->uncertainty_ns > after->uncertainty_ns ?
			      before->uncertainty_ns : after->uncertainty_ns;
	int64_t residue = d_rt > d_raw ? d_rt - d_raw : d_raw - d_rt;
	int64_t mid, raw;

	if (d_rt <= 0 || d_raw <= 0)
		return -EAGAIN;
	if ((double)residue > MAX_RATE_DIFF * (double)d_raw +
				      (double)(before->uncertainty_ns +
					       after->uncertainty_ns + STEP_SLACK_NS))
		return -EAGAIN;
	/* Both local timestamps must lie between the pairs. */
	if (r->t1 < before->realtime_ns - before->uncertainty_ns ||
	    r->t4 > after->realtime_ns + after->uncertainty_ns || r->t4 < r->t1)
		return -EAGAIN;

	mid = r->t1 + (r->t4 - r->t1) / 2;
	raw = before->monoraw_ns +
	      (int64_t)((__int128)(mid - before->realtime_ns) * d_raw / d_rt);
	s->raw_ns = raw;
	s->ref_ns = r->t2 + (r->t3 - r->t2) / 2;
	s->bound_ns = (uint64_t)(r->root_distance_ns + r->precision_ns + unc +
				 residue);
	s->stratum = r->pkt.stratum;
	s->leap = r->pkt.leap;
	s->cls = FEED_CLASS_NTP;
	return 0;
}

static void notify(struct ntp_server *s, const struct ntp_outcome *o)
{
	if (s->c->observer)
		s->c->observer(s->c->observer_arg, s->name, o);
}

/* No reply (kind TIMEOUT) or a socket error (ERROR): once, then rarely. */
static void report_unreachable(struct ntp_server *s, enum ntp_outcome_kind kind,
			       const char *why)
{
	struct ntp_outcome o = { .kind = kind, .message = why };

	s->missed++;
	if (ratelimit_allow(&s->unreach_rl, mono_ns())) {
		if (s->missed == 1)
			log_notice(s->c->log, "ntp %s: unreachable: %s", s->name,
				   why);
		else
			log_notice(s->c->log,
				   "ntp %s: still unreachable: %s (%u exchanges without a reply)",
				   s->name, why, s->missed);
	}
	notify(s, &o);
}

static void mark_reachable(struct ntp_server *s)
{
	if (s->missed && s->unreach_rl.used)
		log_notice(s->c->log, "ntp %s: reachable again", s->name);
	s->missed = 0;
	ratelimit_reset(&s->unreach_rl);
}

static void close_socket(struct ntp_server *s)
{
	if (s->fd < 0)
		return;
	evloop_del_fd(s->c->loop, s->fd);
	close(s->fd);
	s->fd = -1;
}

static void on_readable(void *arg, int fd, short revents);

static int open_socket(struct ntp_server *s, char *why, size_t len)
{
	struct addrinfo hints, *ai;
	int one = 1, r, fd;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_NUMERICSERV;
	r = getaddrinfo(s->cfg.host, s->cfg.port, &hints, &ai);
	if (r) {
		snprintf(why, len, "cannot resolve %s: %s", s->cfg.host,
			 gai_strerror(r));
		return -1;
	}
	fd = socket(ai->ai_family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	/*
	 * connect() makes the kernel drop datagrams from other addresses and
	 * report ICMP port unreachable as ECONNREFUSED.
	 */
	if (fd < 0 || connect(fd, ai->ai_addr, ai->ai_addrlen) ||
	    setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one))) {
		snprintf(why, len, "socket: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		freeaddrinfo(ai);
		return -1;
	}
	freeaddrinfo(ai);
	if (evloop_add_fd(s->c->loop, fd, POLLIN, on_readable, s)) {
		snprintf(why, len, "too many descriptors");
		close(fd);
		return -1;
	}
	s->fd = fd;
	return 0;
}

static struct ntp_ts random_cookie(void)
{
	struct ntp_ts ts = { 0, 0 };

	while (ntp_ts_is_zero(ts)) {
		if (getrandom(&ts, sizeof(ts), 0) != sizeof(ts)) {
			/* getrandom() only fails before the pool is seeded. */
			ts.sec = (uint32_t)mono_ns();
			ts.frac = (uint32_t)clock_ns(CLOCK_REALTIME) ^ (uint32_t)getpid();
		}
	}
	return ts;
}

static void schedule(struct ntp_server *s)
{
	int64_t at = s->next_poll;

	if (s->disabled) {
		evloop_timer_set(&s->timer, 0);
		return;
	}
	if (s->outstanding && s->timeout_at < at)
		at = s->timeout_at;
	evloop_timer_set(&s->timer, at);
}

static void send_request(struct ntp_server *s, int64_t now)
{
	uint8_t buf[NTP_PACKET_LEN];
	char why[NTP_HOST_MAX + 64];
	int r;

	if (s->burst_left) {
		s->burst_left--;
		s->next_poll = now + seconds_to_ns(s->c->opts.burst_interval_s);
	} else {
		s->next_poll = now + seconds_to_ns(s->poll_s);
	}
	if (s->fd < 0 && open_socket(s, why, sizeof(why))) {
		report_unreachable(s, NTP_OUTCOME_ERROR, why);
		return;
	}
	r = s->c->pair(s->c->pair_arg, &s->before);
	if (r) {
		struct ntp_outcome o = { .kind = NTP_OUTCOME_ERROR,
					 .message = "cannot read the realtime/raw pair" };

		log_notice(s->c->log, "ntp %s: cannot read the realtime/raw pair: %s",
			   s->name, strerror(-r));
		notify(s, &o);
		return;
	}
	s->cookie = random_cookie();
	ntp_request_build(s->cookie, buf);
	s->t1 = clock_ns(CLOCK_REALTIME);
	if (send(s->fd, buf, sizeof(buf), 0) < 0) {
		snprintf(why, sizeof(why), "send: %s", strerror(errno));
		report_unreachable(s, NTP_OUTCOME_ERROR, why);
		return;
	}
	s->outstanding = true;
	s->timeout_at = now + seconds_to_ns(s->c->opts.timeout_s);
}

static void on_timer(void *arg)
{
	struct ntp_server *s = arg;
	int64_t now = mono_ns();
	char why[64];

	/* An exchange still open at the next poll has timed out too. */
	if (s->outstanding &&
	    (now >= s->timeout_at || (!s->disabled && now >= s->next_poll))) {
		s->outstanding = false;
		if (now >= s->timeout_at)
			snprintf(why, sizeof(why), "no reply within %g s",
				 s->c->opts.timeout_s);
		else
			snprintf(why, sizeof(why), "no reply before the next poll");
		report_unreachable(s, NTP_OUTCOME_TIMEOUT, why);
	}
	if (!s->disabled && now >= s->next_poll)
		send_request(s, now);
	schedule(s);
}

static void log_exchange(struct ntp_server *s, const struct ntp_result *r,
			 const struct feed_sample *smp)
{
	struct json_object *o;

	if (!s->c->log->json) {
		log_text(s->c->log,
			 "ntp %s offset %9lld delay %6lld bound %lld stratum %u leap %u",
			 s->name, (long long)r->offset_ns, (long long)r->delay_ns,
			 (long long)smp->bound_ns, r->pkt.stratum, r->pkt.leap);
		return;
	}
	o = log_event("ntp");
	json_object_object_add(o, "server", json_object_new_string(s->name));
	json_object_object_add(o, "offset_ns", json_object_new_int64(r->offset_ns));
	json_object_object_add(o, "delay_ns", json_object_new_int64(r->delay_ns));
	json_object_object_add(o, "root_distance_ns",
			       json_object_new_int64(r->root_distance_ns));
	json_object_object_add(o, "bound_ns",
			       json_object_new_int64((int64_t)smp->bound_ns));
	json_object_object_add(o, "stratum", json_object_new_int(r->pkt.stratum));
	json_object_object_add(o, "leap", json_object_new_int(r->pkt.leap));
	log_emit(s->c->log, o);
}

static void handle_kiss(struct ntp_server *s, enum ntp_verdict v)
{
	switch (v) {
	case NTP_KOD_DENY:
	case NTP_KOD_RSTR:
		log_notice(s->c->log, "ntp %s: %s: no longer polled", s->name,
			   ntp_verdict_str(v));
		s->disabled = true;
		close_socket(s);
		break;
	case NTP_KOD_RATE:
		s->burst_left = 0;
		if (s->poll_s < NTP_MAX_POLL_S)
			s->poll_s *= 2;
		s->next_poll = mono_ns() + seconds_to_ns(s->poll_s);
		log_notice(s->c->log, "ntp %s: %s: poll interval now %.0f s",
			   s->name, ntp_verdict_str(v), s->poll_s);
		break;
	default:
		break;
	}
}

static void handle_reply(struct ntp_server *s, const uint8_t *buf, size_t len,
			 int64_t t4)
{
	struct ntp_outcome o = { 0 };
	struct feed_sample smp = { 0 };
	struct rt_raw_pair after;
	struct ntp_result r;
	enum ntp_verdict v;
	int ret;

	v = ntp_reply_check(buf, len, s->cookie, s->t1, t4, &r);
	o.verdict = v;
	o.result = &r;
	if (v != NTP_OK) {
		o.kind = NTP_OUTCOME_REJECTED;
		o.message = ntp_verdict_str(v);
		/* A reply that is not to our request does not end the wait. */
		if (v != NTP_BAD_ORIGIN) {
			s->outstanding = false;
			mark_reachable(s);
		}
		if (v == NTP_KOD_DENY || v == NTP_KOD_RSTR || v == NTP_KOD_RATE)
			handle_kiss(s, v);
		else if (ratelimit_allow(&s->reject_rl, mono_ns()))
			log_notice(s->c->log, "ntp %s: reply rejected: %s%s%s", s->name,
				   ntp_verdict_str(v), r.kiss[0] ? " " : "", r.kiss);
		notify(s, &o);
		return;
	}
	s->outstanding = false;
	mark_reachable(s);
	ret = s->c->pair(s->c->pair_arg, &after);
	if (!ret)
		ret = ntp_make_sample(&r, &s->before, &after, &smp);
	if (ret) {
		o.kind = NTP_OUTCOME_STEP;
		o.message = "the system clock was stepped during the exchange: dropped";
		log_notice(s->c->log, "ntp %s: %s", s->name, o.message);
		notify(s, &o);
		return;
	}
	smp.source = s->name;
	log_exchange(s, &r, &smp);
	ret = feed_push(s->c->feed, &smp);
	if (ret)
		log_notice(s->c->log, "ntp %s: sample not taken: %s", s->name,
			   strerror(-ret));
	o.kind = NTP_OUTCOME_SAMPLE;
	o.message = "ok";
	o.sample = &smp;
	notify(s, &o);
}

static void on_readable(void *arg, int fd, short revents)
{
	struct ntp_server *s = arg;
	uint8_t buf[1024];
	char ctrl[CMSG_SPACE(sizeof(struct timespec))];
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr msg;
	struct cmsghdr *cm;
	char why[64];
	int64_t t4;
	ssize_t len;

	(void)revents;
	for (;;) {
		memset(&msg, 0, sizeof(msg));
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		msg.msg_control = ctrl;
		msg.msg_controllen = sizeof(ctrl);
		len = recvmsg(fd, &msg, MSG_DONTWAIT);
		if (len < 0) {
			if (errno == EAGAIN || errno == EINTR)
				break;
			/* ICMP errors arrive here on a connected socket. */
			snprintf(why, sizeof(why), "%s", strerror(errno));
			if (s->outstanding) {
				s->outstanding = false;
				report_unreachable(s, NTP_OUTCOME_ERROR, why);
			}
			continue;
		}
		t4 = 0;
		for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
			if (cm->cmsg_level == SOL_SOCKET &&
			    cm->cmsg_type == SCM_TIMESTAMPNS) {
				struct timespec ts;

				memcpy(&ts, CMSG_DATA(cm), sizeof(ts));
				t4 = timespec_to_ns(&ts);
			}
		}
		if (!t4)
			t4 = clock_ns(CLOCK_REALTIME);
		/* Late replies to an exchange already given up are dropped. */
		if (s->outstanding)
			handle_reply(s, buf, (size_t)len, t4);
		if (s->fd < 0)
			break;	/* DENY closed it */
	}
	/* A kiss-o'-death may have moved the next poll or ended polling. */
	schedule(s);
}

struct ntp_client *ntp_client_create(struct evloop *loop, struct log *log,
				     struct feed *feed,
				     const struct ntp_server_cfg *servers,
				     unsigned int n,
				     const struct ntp_client_opts *opts,
				     ntp_pair_fn pair, void *pair_arg)
{
	struct ntp_client *c;
	int64_t now = mono_ns();
	unsigned int i;

	c = calloc(1, sizeof(*c) + n * sizeof(c->servers[0]));
	if (!c)
		return NULL;
	c->loop = loop;
	c->log = log;
	c->feed = feed;
	c->opts = *opts;
	c->pair = pair;
	c->pair_arg = pair_arg;
	c->n = n;
	for (i = 0; i < n; i++) {
		struct ntp_server *s = &c->servers[i];

		s->c = c;
		s->cfg = servers[i];
		ntp_server_name(&s->cfg, s->name, sizeof(s->name));
		s->fd = -1;
		s->poll_s = opts->poll_s;
		/* The first request is sent now: count the others. */
		s->burst_left = s->cfg.iburst ? NTP_IBURST_COUNT - 1 : 0;
		s->unreach_rl.interval_ns = seconds_to_ns(opts->report_interval_s);
		s->reject_rl.interval_ns = seconds_to_ns(opts->report_interval_s);
		s->next_poll = now;
		evloop_timer_init(loop, &s->timer, on_timer, s);
		schedule(s);
	}
	return c;
}

void ntp_client_set_observer(struct ntp_client *c, ntp_observer_fn fn,
			     void *arg)
{
	c->observer = fn;
	c->observer_arg = arg;
}

void ntp_client_destroy(struct ntp_client *c)
{
	unsigned int i;

	if (!c)
		return;
	for (i = 0; i < c->n; i++) {
		close_socket(&c->servers[i]);
		evloop_timer_del(c->loop, &c->servers[i].timer);
	}
	free(c);
}
