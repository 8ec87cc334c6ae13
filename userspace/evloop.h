/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small single-threaded event loop: file descriptors and CLOCK_MONOTONIC
 * timers, run with ppoll() so SIGINT/SIGTERM end it cleanly. The steering
 * loop, the NTP client and (later) the netlink event socket all register
 * here, so a disruption event can be handled the moment it arrives.
 */
#ifndef PHC_STEER_EVLOOP_H
#define PHC_STEER_EVLOOP_H

#include <stdbool.h>
#include <stdint.h>

struct evloop;

typedef void (*evloop_fd_cb)(void *arg, int fd, short revents);
typedef void (*evloop_timer_cb)(void *arg);

struct evloop_timer {
	int64_t deadline_ns;	/* CLOCK_MONOTONIC; 0 = disarmed */
	evloop_timer_cb cb;
	void *arg;
	struct evloop_timer *next;
};

struct evloop *evloop_create(void);
void evloop_destroy(struct evloop *loop);

/* Watch fd for events (POLLIN...); returns 0 or -ENOSPC. */
int evloop_add_fd(struct evloop *loop, int fd, short events, evloop_fd_cb cb,
		  void *arg);
void evloop_del_fd(struct evloop *loop, int fd);

/* Timers are owned by the caller and linked in until evloop_timer_del(). */
void evloop_timer_init(struct evloop *loop, struct evloop_timer *t,
		       evloop_timer_cb cb, void *arg);
void evloop_timer_set(struct evloop_timer *t, int64_t deadline_ns);
void evloop_timer_del(struct evloop *loop, struct evloop_timer *t);

/*
 * SIGINT and SIGTERM stop the loop: they are blocked outside ppoll() so a
 * signal cannot slip in between the check and the wait.
 */
int evloop_catch_signals(struct evloop *loop);

/* Run until evloop_stop() or a caught signal; returns the stop code. */
int evloop_run(struct evloop *loop);
void evloop_stop(struct evloop *loop, int code);

#endif /* PHC_STEER_EVLOOP_H */
