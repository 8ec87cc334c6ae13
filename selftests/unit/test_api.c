// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the arbiter's API (kmod/arbiter.c), in the simulated world
 * of arbiter_sim.h: the registry and per-source knobs, every refused input
 * changing nothing, and the model arithmetic at the ends of the s64 range.
 */
#include "arbiter_sim.h"

static void test_registry(void)
{
	struct world *w = world_new(0, 0, SEC, NULL);
	struct simsrc *a = add_src(w, "a", PTPU_CLASS_PHC, SEC, 0, 100, US);
	struct simsrc *b = add_src(w, "b", PTPU_CLASS_NTP, SEC, 0, 100 * US, MS);
	struct ptpu_source_config sc = { .enabled = true, .prefer = true };
	struct ptpu_events ev;
	char name[24];
	int i, n = 2, err = 0;

	run_for(w, 10 * SEC);
	TAP_EQ(status(w).selected, a->idx, "registry: the precise source is selected");
	TAP_EQ(ptpu_arbiter_source_config(w->arb, b->idx, &sc, w->raw, &ev), 0,
	       "registry: prefer accepted");
	after_call(w, &ev, -1);
	TAP_EQ(status(w).selected, b->idx, "registry: a preferred survivor wins outright");
	sc.prefer = false;
	sc.priority = 5;
	ptpu_arbiter_source_config(w->arb, b->idx, &sc, w->raw, &ev);
	after_call(w, &ev, -1);
	TAP_EQ(status(w).selected, a->idx,
	       "registry: priority does not beat a bound better beyond the margin");
	TAP_EQ(ptpu_arbiter_find(w->arb, "b"), b->idx, "registry: find by name");
	TAP_EQ(ptpu_arbiter_unregister(w->arb, a->idx, w->raw, &ev), 0, "registry: unregister");
	TAP_EQ(!!(ev.mask & PTPU_EV_SELECTION), 1, "registry: selection event on unregister");
	after_call(w, &ev, -1);
	a->on = false;
	TAP_EQ(status(w).selected, b->idx, "registry: selection moved");
	TAP_EQ(ptpu_arbiter_find(w->arb, "a"), -ENOENT, "registry: gone");
	TAP_EQ(ptpu_arbiter_register(w->arb, "b", PTPU_CLASS_NTP), -EEXIST,
	       "registry: duplicate name refused");
	TAP_EQ(ptpu_arbiter_register(w->arb, "0123456789abcdef", PTPU_CLASS_NTP), -EINVAL,
	       "registry: 16-character name refused");
	TAP_EQ(ptpu_arbiter_register(w->arb, "", PTPU_CLASS_NTP), -EINVAL,
	       "registry: empty name refused");
	TAP_EQ(ptpu_arbiter_register(w->arb, "x", PTPU_CLASS_COUNT), -EINVAL,
	       "registry: bad class refused");
	TAP_EQ(ptpu_arbiter_register(w->arb, "0123456789abcde", PTPU_CLASS_OTHER), a->idx,
	       "registry: 15 characters accepted, freed slot reused");
	for (i = 0; i < PTPU_MAX_SOURCES; i++) {
		snprintf(name, sizeof(name), "s%d", i);
		err = ptpu_arbiter_register(w->arb, name, PTPU_CLASS_OTHER);
		if (err < 0)
			break;
		n++;
	}
	TAP_EQ(n, PTPU_MAX_SOURCES, "registry: 16 sources fit");
	TAP_EQ(err, -ENOSPC, "registry: the 17th is refused");
	world_free(w);
}

static int refused(struct world *w, int idx, s64 raw, s64 ref, u64 bound, u8 leap,
		   s64 now, int want, const char *what)
{
	struct ptpu_sample smp = { .raw_ns = raw, .ref_ns = ref, .bound_ns = bound, .leap = leap };
	struct ptpu_arbiter *copy = malloc(sizeof(*copy));
	struct ptpu_events ev = { .mask = 0xdead };
	int err, same;

	memcpy(copy, w->arb, sizeof(*copy));
	err = ptpu_arbiter_sample(w->arb, idx, &smp, now, &ev);
	same = !memcmp(copy, w->arb, sizeof(*copy));
	free(copy);
	TAP_EQ(err, want, what);
	return same;
}

static void test_invalid(void)
{
	struct world *w = world_new(0, 0, SEC, NULL);
	struct simsrc *k = add_src(w, "kvm", PTPU_CLASS_KVM, SEC, 0, 100, US);
	int idle = ptpu_arbiter_register(w->arb, "idle", PTPU_CLASS_NTP);
	struct ptpu_arbiter_config cfg;
	struct ptpu_model seed = { 0 };
	s64 now, last, r;
	int same = 0, n = 0;

	run_for(w, 5 * SEC);
	now = w->raw;
	last = k->next - k->period;
#define REFUSED(raw, ref, bound, leap, nw, want, what) \
	do { same += refused(w, k->idx, raw, ref, bound, leap, nw, want, what); n++; } while (0)
	/* Otherwise valid samples: taken at r, after the last one, at now = r. */
	r = now + 5 * MS;
	REFUSED(r, truth(w, r), 0, 0, r, -EINVAL, "invalid: zero bound");
	REFUSED(r, truth(w, r), PTPU_SAMPLE_BOUND_MAX + 1, 0, r, -ERANGE,
		"invalid: absurd bound");
	REFUSED(r, truth(w, r), U64_MAX, 0, r, -ERANGE, "invalid: U64_MAX bound");
	REFUSED(r, truth(w, r), US, PTPU_LEAP_ALARM, r, -EINVAL,
		"invalid: leap indicator 3 (alarm)");
	REFUSED(r, truth(w, r), US, 7, r, -EINVAL, "invalid: leap indicator 7");
	REFUSED(r + 1, truth(w, r), US, 0, r, -EINVAL, "invalid: raw in the future");
	REFUSED(last, truth(w, last), US, 0, r, -EINVAL,
		"invalid: raw equal to the last sample's");
	REFUSED(last - 1, truth(w, last), US, 0, r, -EINVAL, "invalid: raw before the last");
	REFUSED(r, S64_MIN + r - 1, US, 0, r, -ERANGE, "invalid: ref - raw underflows");
	REFUSED(-10, S64_MAX, US, 0, r, -EINVAL, "invalid: negative raw before the last");
	same += refused(w, idle, now - 301 * SEC, truth(w, now), US, 0, now, -ESTALE,
			"invalid: older than the staleness limit");
	n++;
	same += refused(w, 9, now, truth(w, now), US, 0, now, -ENOENT, "invalid: no such source");
	n++;
	TAP_EQ(same, n, "invalid: no state change on any refusal");

	ptpu_arbiter_default_config(&cfg);
	cfg.hysteresis_pct = 100;
	TAP_EQ(ptpu_arbiter_set_config(w->arb, &cfg), -EINVAL, "invalid: hysteresis 100 %");
	cfg.hysteresis_pct = 20;
	cfg.stale_ns = 0;
	TAP_EQ(ptpu_arbiter_set_config(w->arb, &cfg), -EINVAL, "invalid: zero staleness");
	TAP_EQ(w->arb->cfg.stale_ns, PTPU_DEFAULT_STALE_NS, "invalid: knobs unchanged");
	seed.freq = 1LL << 31;
	TAP_EQ(ptpu_arbiter_init(w->arb, NULL, &seed, 0), -EINVAL, "invalid: seed frequency");
	seed.freq = 0;
	seed.bound0 = U64_MAX;
	TAP_EQ(ptpu_arbiter_init(w->arb, NULL, &seed, 0), -EINVAL, "invalid: seed bound");
	TAP_EQ(status(w).selected, k->idx, "invalid: arbiter untouched by a refused init");
	world_free(w);
#undef REFUSED
}

static void test_extremes(void)
{
	struct ptpu_arbiter *arb = calloc(1, sizeof(*arb));
	struct ptpu_model m = {
		.raw0 = S64_MIN, .ref0 = S64_MAX, .freq = (1LL << 31) - 1,
		.bound0 = PTPU_BOUND_MAX, .drift_ppb = U32_MAX,
	};
	struct ptpu_sample smp = { 0 };
	struct ptpu_status st;
	struct ptpu_events ev;
	s64 t, prev = S64_MIN, now;
	int a, b, bad = 0, i;

	TAP_EQ(ptpu_model_time(&m, S64_MAX), S64_MAX, "extremes: model time saturates high");
	TAP_EQ(ptpu_model_bound(&m, S64_MAX), PTPU_BOUND_MAX, "extremes: model bound saturates");
	m.ref0 = S64_MIN;
	m.raw0 = S64_MAX;
	m.freq = -(1LL << 31) + 1;
	TAP_EQ(ptpu_model_time(&m, S64_MIN), S64_MIN, "extremes: model time saturates low");
	m.bound0 = 0;
	m.drift_ppb = 1;
	TAP_EQ(ptpu_model_bound(&m, S64_MAX), 0, "extremes: zero distance, zero growth");
	/* (2^64 - 1) ns at 1 ppb, rounded up. */
	TAP_EQ(ptpu_model_bound(&m, S64_MIN), 18446744074LL,
	       "extremes: growth over the whole s64 range");

	m = (struct ptpu_model){ .raw0 = 0, .ref0 = S64_MAX - 5, .bound0 = PTPU_BOUND_MAX };
	TAP_EQ(ptpu_arbiter_init(arb, NULL, &m, S64_MIN), 0, "extremes: init at raw S64_MIN");
	a = ptpu_arbiter_register(arb, "hi", PTPU_CLASS_PHC);
	b = ptpu_arbiter_register(arb, "rtc", PTPU_CLASS_RTC);
	now = S64_MAX - 100 * SEC;
	for (i = 0; i < 40; i++) {
		smp.raw_ns = now - 10;
		smp.ref_ns = i & 1 ? S64_MAX : S64_MIN + 1000 * SEC;
		smp.bound_ns = i & 2 ? 1 : PTPU_SAMPLE_BOUND_MAX;
		ptpu_arbiter_sample(arb, i & 4 ? a : b, &smp, now, &ev);
		smp.raw_ns = now - 5;
		smp.ref_ns = S64_MAX;
		ptpu_arbiter_sample(arb, b, &smp, now, &ev);
		ptpu_arbiter_tick(arb, now, &ev);
		ptpu_arbiter_status(arb, now, &st);
		t = st.time_ns;
		if ((s64)st.bound_ns < 0 || st.bound_ns > PTPU_BOUND_MAX)
			bad++;
		if (t < prev && !(ev.mask & PTPU_EV_STEP))
			bad++;
		prev = t;
		now += i < 30 ? 3 * SEC : (S64_MAX - now) / 2;
	}
	ptpu_arbiter_tick(arb, S64_MAX, &ev);
	ptpu_arbiter_status(arb, S64_MAX, &st);
	TAP_EQ(bad, 0, "extremes: bounds valid, output monotonic except reported steps");
	TAP_LE(st.bound_ns, PTPU_BOUND_MAX, "extremes: bound at S64_MAX valid");
	free(arb);
}

/*
 * The status readers' view (ptpu_arbiter_view_fill()) says what the arbiter
 * says, for every slot and at a later raw time, with a freed slot between
 * used ones and a source that went stale; a reader copying only its first
 * n_slots sources finds every source.
 */
static void test_view(void)
{
	struct world *w = world_new(0, 0, SEC, NULL);
	struct simsrc *a = add_src(w, "a", PTPU_CLASS_PHC, SEC, 0, 100, US);
	struct simsrc *b = add_src(w, "b", PTPU_CLASS_NTP, SEC, 0, 100 * US, MS);
	struct simsrc *c = add_src(w, "c", PTPU_CLASS_NTP, SEC, 0, 100 * US, MS);
	struct ptpu_arbiter_view *v = calloc(1, sizeof(*v));
	struct ptpu_source_status x, y;
	struct ptpu_status sa, sv;
	struct ptpu_events ev;
	int i, same = 0, absent = 0;
	s64 later;

	run_for(w, 20 * SEC);
	ptpu_arbiter_unregister(w->arb, b->idx, w->raw, &ev);
	after_call(w, &ev, -1);
	b->on = false;
	c->on = false;	/* c goes stale */
	run_for(w, 10 * SEC);
	ptpu_arbiter_view_fill(w->arb, v);
	TAP_EQ(v->n_slots, (u32)c->idx + 1, "view: sources up to the last used slot");
	later = w->raw + (s64)w->arb->cfg.stale_ns + SEC;
	for (i = 0; i < PTPU_MAX_SOURCES; i++) {
		int ra = ptpu_arbiter_source_status(w->arb, i, later, &x);
		int rv = ptpu_view_source_status(v, i, later, &y);

		if (ra || rv) {
			absent += ra == -ENOENT && rv == -ENOENT;
			continue;
		}
		same += !memcmp(&x, &y, sizeof(x));
	}
	TAP_EQ(same, 2, "view: both sources' status as the arbiter's, field for field");
	TAP_EQ(absent, PTPU_MAX_SOURCES - 2, "view: no source where the arbiter has none");
	ptpu_arbiter_source_status(w->arb, c->idx, later, &x);
	TAP_EQ(x.available, false, "view: the silent source is compared stale");
	ptpu_arbiter_status(w->arb, later, &sa);
	ptpu_view_status(v, later, &sv);
	TAP_EQ(memcmp(&sa, &sv, sizeof(sa)), 0, "view: the clock's status as the arbiter's");
	TAP_EQ(ptpu_view_find(v, "c"), c->idx, "view: find by name");
	TAP_EQ(ptpu_view_find(v, "b"), -ENOENT, "view: an unregistered name is not found");
	TAP_EQ(ptpu_view_source_status(v, PTPU_MAX_SOURCES, later, &y), -ENOENT,
	       "view: an index out of range is refused");
	(void)a;
	free(v);
	world_free(w);
}

int main(void)
{
	test_registry();
	test_invalid();
	test_extremes();
	test_view();
	return tap_done();
}
