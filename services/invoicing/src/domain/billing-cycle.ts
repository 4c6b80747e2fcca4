import { addMonths, billingPeriodOf, nextBillingPeriod, type BillingPeriodAlignment } from '@billing/calendar';
import type { BillingCadence, FeePeriod } from '@billing/contract-terms';
import { invariant } from '@billing/eventsourcing';

/**
 * Billing cycles from a contract's terms. Billing dates are the aligned period boundaries (calendar: the 1st of the
 * month / quarter / year; anniversary: the start date plus whole periods), plus the contract's start and end. At a
 * billing date the period that ended is billed in arrears and the period that starts is billed in advance.
 */
export interface DateRange {
  /** Inclusive ISO date. */
  readonly start: string;
  /** Exclusive ISO date. */
  readonly end: string;
}

export const RATING_PERIODS_PER_BILLING_PERIOD_MAX = 12;

export function cadenceMonths(cadence: BillingCadence): number {
  return cadence === 'monthly' ? 1 : cadence === 'quarterly' ? 3 : 12;
}

export function feePeriodMonths(period: FeePeriod): number {
  return period === 'month' ? 1 : period === 'quarter' ? 3 : 12;
}

function monthIndexOf(date: string): number {
  return Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1;
}

/** The full aligned period containing `date`, ignoring the contract's start and end: its days are proration's denominator. */
export function alignedPeriodOf(date: string, cadence: BillingCadence, alignment: BillingPeriodAlignment, contractStart: string): DateRange {
  const months = cadenceMonths(cadence);
  if (alignment === 'calendar_month') {
    const index = monthIndexOf(date);
    const startIndex = index - (index % months);
    const start = `${String(Math.floor(startIndex / 12)).padStart(4, '0')}-${String((startIndex % 12) + 1).padStart(2, '0')}-01`;
    return { start, end: addMonths(start, months) };
  }
  // Anniversary: always counted from the contract start (addMonths(start, k * n), never chained, so a 31st stays a 31st).
  let periods = Math.floor((monthIndexOf(date) - monthIndexOf(contractStart)) / months);
  while (periods > 0 && addMonths(contractStart, periods * months) > date) periods -= 1;
  while (addMonths(contractStart, (periods + 1) * months) <= date) periods += 1;
  return { start: addMonths(contractStart, periods * months), end: addMonths(contractStart, (periods + 1) * months) };
}

/** The billing date after `billingDate`, or null when `billingDate` is the contract's end. */
export function nextBillingDateAfter(
  billingDate: string,
  cadence: BillingCadence,
  alignment: BillingPeriodAlignment,
  contractStart: string,
  contractEnd: string,
): string | null {
  if (billingDate >= contractEnd) return null;
  const aligned = alignedPeriodOf(billingDate, cadence, alignment, contractStart);
  return aligned.end < contractEnd ? aligned.end : contractEnd;
}

/** Rating's period ids (months, on the contract's alignment) overlapping [start, end): the ratings a draft waits for. */
export function ratingPeriodIdsIn(range: DateRange, alignment: BillingPeriodAlignment, contractStart: string): string[] {
  const ids: string[] = [];
  let period = billingPeriodOf(Date.parse(`${range.start}T00:00:00Z`), alignment, contractStart);
  while (period.periodStart.slice(0, 10) < range.end) {
    ids.push(period.periodId);
    invariant(ids.length <= RATING_PERIODS_PER_BILLING_PERIOD_MAX, `more than ${RATING_PERIODS_PER_BILLING_PERIOD_MAX} rating periods in ${range.start}..${range.end}`);
    period = nextBillingPeriod(period, alignment, contractStart);
  }
  return ids;
}

/** Days in [start, end). */
export function daysIn(range: DateRange): number {
  return Math.round((Date.parse(`${range.end}T00:00:00Z`) - Date.parse(`${range.start}T00:00:00Z`)) / 86_400_000);
}
