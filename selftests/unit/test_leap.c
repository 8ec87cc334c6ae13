// SPDX-License-Identifier: GPL-2.0-only
/*
 * Leap seconds against the arbiter (issue 15): the leap cases of the
 * adversarial bench (test_adversarial.c, whose bench they share). Written
 * ahead of the rules they check: the Makefile keeps this test out of make
 * run (PENDING) until the arbiter tells a leap from a disruption.
 */
#define PTPU_BENCH_LEAP
#include "test_adversarial.c"
