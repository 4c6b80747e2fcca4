import { Big, prorateByDays, roundToMinorUnit } from '@billing/money';

/**
 * Day-based proration, documented: a line's amount for part of a billing period is its full-period amount x the
 * days it applied / the days in the full aligned period (the denominator is always the whole period's days, also
 * for a partial first or last period). A line whose full-period amount changes inside the period (seat amendment,
 * fee ramp, start, cancellation) is the sum of its day-runs, kept exact, and rounded ONCE: so the runs of one
 * amount covering the whole period sum exactly to that amount, and cancelling and re-adding on the same day nets
 * to zero (both runs are the same days at the same amount).
 */
export interface DayRun {
  /** The line's full-period amount on these days (exact). */
  readonly fullPeriodAmount: Big;
  readonly days: number;
}

export function proratedExact(runs: readonly DayRun[], daysInPeriod: number): Big {
  return runs.reduce((total, run) => total.plus(prorateByDays(run.fullPeriodAmount, run.days, daysInPeriod)), new Big(0));
}

export function proratedRounded(runs: readonly DayRun[], daysInPeriod: number, currency: string): Big {
  return roundToMinorUnit(proratedExact(runs, daysInPeriod), currency);
}

/** Consecutive days with equal amounts merged (order kept), so a period of 31 days at one price is one run. */
export function runsOf(dailyAmounts: readonly (Big | null)[]): DayRun[] {
  const runs: DayRun[] = [];
  for (const amount of dailyAmounts) {
    if (amount === null) continue;
    const last = runs[runs.length - 1];
    if (last !== undefined && last.fullPeriodAmount.eq(amount)) runs[runs.length - 1] = { fullPeriodAmount: last.fullPeriodAmount, days: last.days + 1 };
    else runs.push({ fullPeriodAmount: amount, days: 1 });
  }
  return runs;
}
