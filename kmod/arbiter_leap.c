// SPDX-License-Identifier: GPL-2.0-only
/*
 * Leap seconds. A host kernel inserting one repeats 23:59:59: its
 * CLOCK_REALTIME, kvm's reference, steps back 1 s at 00:00:00 UTC (deleting
 * one, it skips 23:59:59: forward 1 s). The disruption rules see that step
 * like any other and declare it; this unit only says whether it was a leap
 * (counted as one, not as a disruption) and what the sources announce, so
 * that phc-steer can arm the guest kernel's own leap.
 *
 * Trust: an announcement (an NTP sample's leap indicator) moves nothing.
 * It labels a step the disruption rules declared anyway (on the host's
 * word, or a majority's), and it is passed on in the output's flags only
 * when a majority of the surviving external sources make it for today, so
 * no single liar, nor a minority, can have phc-steer arm a leap.
 */
#include "arbiter_internal.h"

#define PTPU_SECS_PER_DAY	86400LL
#define PTPU_NSEC_PER_DAY	(PTPU_SECS_PER_DAY * PTPU_NSEC_PER_SEC)

/*
 * How long after the midnight the step may first be seen: the suspect's
 * first sample after it, which comes one of its intervals later (kvm's poll,
 * a second by default). Twice that, and at least this.
 */
#define PTPU_LEAP_SEEN_MIN_NS	(2 * PTPU_NSEC_PER_SEC)

/* The UTC day number (days since 1970-01-01) of a UTC time. */
static s64 utc_day(s64 utc_ns)
{
	s64 d = utc_ns / PTPU_NSEC_PER_DAY;

	return utc_ns % PTPU_NSEC_PER_DAY < 0 ? d - 1 : d;
}

/* Time since the last midnight UTC, 0 .. one day (no overflow at any time). */
static s64 utc_since_midnight(s64 utc_ns)
{
	s64 r = utc_ns % PTPU_NSEC_PER_DAY;

	return r < 0 ? r + PTPU_NSEC_PER_DAY : r;
}

/*
 * Is day number @day the first of January or of July, the days after the
 * ones IERS prefers for a leap? The civil date from the day number as in
 * H. Hinnant's days_to_civil, eras of 400 years from 0000-03-01.
 */
static bool after_leap_month(s64 day)
{
	s64 z = day + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
	s64 doe = z - era * 146097;
	s64 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	s64 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	s64 mp = (5 * doy + 2) / 153;
	s64 mday = doy - (153 * mp + 2) / 5 + 1;
	s64 month = mp < 10 ? mp + 3 : mp - 9;

	return mday == 1 && (month == 1 || month == 7);
}

/**
 * ptpu_leap_note() - remember a source's announcement and the day it was made
 * @arb:	the arbiter
 * @s:		the source
 * @smp:	its new sample
 *
 * The day is the output's at the sample, not the sample's own: a liar's
 * wrong date must not move its announcement to another midnight. A sample
 * without one withdraws it, but not within PTPU_LEAP_SEEN_MIN_NS of a
 * midnight: servers stop announcing as soon as the leap is past, and one
 * whose answer comes before kvm's first sample after the step must not
 * unmake the leap.
 */
void ptpu_leap_note(struct ptpu_arbiter *arb, struct ptpu_source *s,
		    const struct ptpu_sample *smp)
{
	s64 t = ptpu_model_time(&arb->model, smp->raw_ns);
	s64 since = utc_since_midnight(t);

	if (smp->leap == PTPU_LEAP_INS || smp->leap == PTPU_LEAP_DEL) {
		s->leap_ann = smp->leap;
		s->leap_ann_day = utc_day(t);
	} else if (since > PTPU_LEAP_SEEN_MIN_NS &&
		   since < PTPU_NSEC_PER_DAY - PTPU_LEAP_SEEN_MIN_NS) {
		s->leap_ann = PTPU_LEAP_NONE;
	}
}

/*
 * What the clock's sources announce for the end of day @day: a leap that a
 * majority of the external sources that survived the last selection (not
 * falsetickers, not on probation) announced that day; PTPU_LEAP_NONE if
 * none has a majority. The host's sources announce nothing.
 */
static u8 announced(const struct ptpu_arbiter *arb, s64 day)
{
	u32 n = 0, ins = 0, del = 0, i;
	const struct ptpu_source *s;

	for (i = 0; i < PTPU_MAX_SOURCES; i++) {
		s = &arb->src[i];
		if (!(arb->candidates & BIT(i)) || s->falseticker || s->distrusted ||
		    ptpu_src_host_backed(s))
			continue;
		n++;
		if (s->leap_ann_day != day)
			continue;
		if (s->leap_ann == PTPU_LEAP_INS)
			ins++;
		else if (s->leap_ann == PTPU_LEAP_DEL)
			del++;
	}
	if (2 * ins > n)
		return PTPU_LEAP_INS;
	if (2 * del > n)
		return PTPU_LEAP_DEL;
	return PTPU_LEAP_NONE;
}

/**
 * ptpu_leap_flags() - the leap the output announces now
 * @arb:	the arbiter, after ptpu_select()
 * @utc_ns:	the output's time now
 *
 * Return: PTPU_MODEL_LEAP_INS or _DEL when the sources announce a leap at
 * the end of today (announced()) and none was taken at this midnight yet.
 * "Today" lasts into the next day for as long as the step may take to be
 * seen: a reader at midnight itself (a kernel about to insert the second)
 * still sees the announcement.
 */
u32 ptpu_leap_flags(const struct ptpu_arbiter *arb, s64 utc_ns)
{
	s64 day = utc_day(ptpu_sub_sat(utc_ns, PTPU_LEAP_SEEN_MIN_NS));

	if (arb->leap_end_day == day + 1)
		return 0;
	switch (announced(arb, day)) {
	case PTPU_LEAP_INS:
		return PTPU_MODEL_LEAP_INS;
	case PTPU_LEAP_DEL:
		return PTPU_MODEL_LEAP_DEL;
	default:
		return 0;
	}
}

/**
 * ptpu_leap_declared() - was the jump just declared a leap second?
 * @arb:	the arbiter, its pending jump being declared
 *
 * A leap is a step of 1 s, within the jump's own bound, seen at midnight
 * UTC: back 1 s just after 00:00:00 (an insertion repeats 23:59:59),
 * forward 1 s to just after 00:00:00 (a deletion skips it), so the later of
 * the times before and after the step lies just after the midnight. It
 * must end the last day of June or December, or a day on which the
 * sources announced that leap, and be the first leap at that midnight.
 * Taking it records the midnight.
 *
 * Return: true if it is one: the caller counts it as a leap, not a
 * disruption.
 */
bool ptpu_leap_declared(struct ptpu_arbiter *arb)
{
	const struct ptpu_jump *j = &arb->jump;
	const struct ptpu_source *s = &arb->src[j->src];
	s64 after = ptpu_add_sat(s->post.raw, s->post.off);
	s64 before = ptpu_sub_sat(after, j->shift), later, since, day;
	u64 seen = ptpu_umax(2 * s->interval, PTPU_LEAP_SEEN_MIN_NS);
	u8 kind;

	if (ptpu_abs64(ptpu_add_sat(j->shift, PTPU_NSEC_PER_SEC)) <= j->tol)
		kind = PTPU_LEAP_INS;
	else if (ptpu_abs64(ptpu_sub_sat(j->shift, PTPU_NSEC_PER_SEC)) <= j->tol)
		kind = PTPU_LEAP_DEL;
	else
		return false;
	later = after > before ? after : before;
	day = utc_day(later);
	since = utc_since_midnight(later);
	if ((u64)since > seen || arb->leap_end_day == day)
		return false;
	/* day is the one after the midnight; the leap ends the one before. */
	if (!after_leap_month(day) && announced(arb, day - 1) != kind)
		return false;
	arb->leap_end_day = day;
	return true;
}
