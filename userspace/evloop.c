// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Event loop (see evloop.h).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "evloop.h"
#include "timeutil.h"

#define EVLOOP_MAX_FDS 64

struct evloop_fd {
	int fd;
	short events;
	evloop_fd_cb cb;
	void *arg;
};

struct evloop {
	struct evloop_fd fds[EVLOOP_MAX_FDS];
	unsigned int n_fds;
	struct evloop_timer *timers;
	bool stop;
	int code;
	bool signals;
	sigset_t wait_mask;
};

static volatile sig_atomic_t caught_signal;

static void on_signal(int sig)
{
	caught_signal = sig;
}

struct evloop *evloop_create(void)
{
	return calloc(1, sizeof(struct evloop));
}

void evloop_destroy(struct evloop *loop)
{
	free(loop);
}

int evloop_add_fd(struct evloop *loop, int fd, short events, evloop_fd_cb cb,
		  void *arg)
{
	if (loop->n_fds == EVLOOP_MAX_FDS)
		return -ENOSPC;
	loop->fds[loop->n_fds++] = (struct evloop_fd){ fd, events, cb, arg };
	return 0;
}

void evloop_del_fd(struct evloop *loop, int fd)
{
	unsigned int i;

	for (i = 0; i < loop->n_fds; i++) {
		if (loop->fds[i].fd == fd) {
			loop->fds[i] = loop->fds[--loop->n_fds];
			return;
		}
	}
}

void evloop_timer_init(struct evloop *loop, struct evloop_timer *t,
		       evloop_timer_cb cb, void *arg)
{
	t->deadline_ns = 0;
	t->cb = cb;
	t->arg = arg;
	t->next = loop->timers;
	loop->timers = t;
}

void evloop_timer_set(struct evloop_timer *t, int64_t deadline_ns)
{
	t->deadline_ns = deadline_ns;
}

void evloop_timer_del(struct evloop *loop, struct evloop_timer *t)
{
	struct evloop_timer **p;

	for (p = &loop->timers; *p; p = &(*p)->next) {
		if (*p == t) {
			*p = t->next;
			return;
		}
	}
}

int evloop_catch_signals(struct evloop *loop)
{
	struct sigaction sa;
	sigset_t block;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) || sigaction(SIGTERM, &sa, NULL))
		return -errno;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &block, &loop->wait_mask))
		return -errno;
	sigdelset(&loop->wait_mask, SIGINT);
	sigdelset(&loop->wait_mask, SIGTERM);
	loop->signals = true;
	return 0;
}

void evloop_stop(struct evloop *loop, int code)
{
	loop->stop = true;
	loop->code = code;
}

/* A callback may have removed a later descriptor from the loop. */
static bool still_watched(const struct evloop *loop, const struct evloop_fd *f)
{
	unsigned int i;

	for (i = 0; i < loop->n_fds; i++) {
		if (loop->fds[i].fd == f->fd && loop->fds[i].cb == f->cb &&
		    loop->fds[i].arg == f->arg)
			return true;
	}
	return false;
}

/* Fire every expired timer; returns the earliest remaining deadline or 0. */
static int64_t run_timers(struct evloop *loop)
{
	struct evloop_timer *t;
	int64_t now, next;
	bool fired;

	do {
		fired = false;
		now = mono_ns();
		next = 0;
		for (t = loop->timers; t; t = t->next) {
			if (!t->deadline_ns)
				continue;
			if (t->deadline_ns <= now) {
				t->deadline_ns = 0;
				t->cb(t->arg);
				/* The callback may have re-armed or deleted timers. */
				fired = true;
				break;
			}
			if (!next || t->deadline_ns < next)
				next = t->deadline_ns;
		}
	} while (fired && !loop->stop);
	return next;
}

int evloop_run(struct evloop *loop)
{
	struct pollfd pfd[EVLOOP_MAX_FDS];
	struct evloop_fd snap[EVLOOP_MAX_FDS];
	struct timespec ts, *tsp;
	unsigned int i, n;
	int64_t next;
	int r;

	loop->stop = false;
	while (!loop->stop) {
		next = run_timers(loop);
		if (loop->stop)
			break;
		n = loop->n_fds;
		memcpy(snap, loop->fds, n * sizeof(snap[0]));
		for (i = 0; i < n; i++)
			pfd[i] = (struct pollfd){ snap[i].fd, snap[i].events, 0 };
		tsp = NULL;
		if (next) {
			int64_t wait = next - mono_ns();

			ts = ns_to_timespec(wait > 0 ? wait : 0);
			tsp = &ts;
		}
		r = ppoll(pfd, n, tsp, loop->signals ? &loop->wait_mask : NULL);
		if (caught_signal) {
			evloop_stop(loop, 0);
			break;
		}
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (i = 0; i < n && !loop->stop; i++) {
			if (pfd[i].revents && still_watched(loop, &snap[i]))
				snap[i].cb(snap[i].arg, snap[i].fd, pfd[i].revents);
		}
	}
	return loop->code;
}
