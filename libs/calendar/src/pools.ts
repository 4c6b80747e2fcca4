import { billingPeriodOf, nextBillingPeriod, type BillingPeriod, type BillingPeriodAlignment } from './billing-periods';
import { addMonths, isIsoDate } from './dates';

/**
 * Pools: the billing periods whose included units are pooled (a quarter: 3 months, a year: 12) and trued up
 * together. One rule for every service: a pool follows the contract's billing alignment.
 * - calendar_month: the calendar quarter (Jan/Apr/Jul/Oct) or year holding the date. A contract starting or ending
 *   inside it gets a partial pool: only the periods inside the contract, and only their allowance (a contract from
 *   2026-02-01 pools Feb+Mar as its Q1, with two periods' allowance).
 * - contract_anniversary: N consecutive periods counted from the contract start (2026-02-01: Feb-Apr), the last pool
 *   cut at the contract's end.
 */
export type PoolMonths = 3 | 12;

export interface Pool {
  /** `${first periodId}..${last periodId}` */
  readonly poolId: string;
  /** The first period's start and the last period's end (exclusive), `YYYY-MM-DD`. */
  readonly startDate: string;
  readonly endDate: string;
  /** The billing periods of the pool inside the contract, in order: the pool's allowance is this many periods'. */
  readonly periods: readonly BillingPeriod[];
}

/** A period never holds more than a pool's months, plus one for a calendar contract starting mid-month. */
const POOL_PERIODS_MAX = 13;

function monthIndex(date: string): number {
  return Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1;
}

/** The nominal [start, end) of the pool holding `date` (before cutting it to the contract). */
function nominalPool(date: string, alignment: BillingPeriodAlignment, contractStart: string, poolMonths: PoolMonths): { start: string; end: string } {
  if (alignment === 'calendar_month') {
    const first = monthIndex(date) - (monthIndex(date) % poolMonths);
    const start = `${String(Math.floor(first / 12)).padStart(4, '0')}-${String((first % 12) + 1).padStart(2, '0')}-01`;
    return { start, end: addMonths(start, poolMonths) };
  }
  // Always counted from the start itself, so a start on the 31st stays on month ends (Jan 31, Apr 30, Jul 31).
  let elapsedMonths = monthIndex(date) - monthIndex(contractStart);
  if (addMonths(contractStart, elapsedMonths) > date) elapsedMonths -= 1;
  const index = Math.floor(elapsedMonths / poolMonths);
  return { start: addMonths(contractStart, index * poolMonths), end: addMonths(contractStart, (index + 1) * poolMonths) };
}

/**
 * The pool holding `date` (any day of a billing period of the contract) of a contract running [contractStart,
 * contractEnd) (null: open-ended). Dates are `YYYY-MM-DD`.
 */
export function poolOf(date: string, alignment: BillingPeriodAlignment, contractStart: string, contractEnd: string | null, poolMonths: PoolMonths): Pool {
  for (const [name, value] of [['date', date], ['contractStart', contractStart], ['contractEnd', contractEnd ?? contractStart]]) {
    if (!isIsoDate(value)) throw new RangeError(`${name} is not an ISO date: ${value}`);
  }
  if (contractEnd !== null && (contractEnd <= contractStart || date >= contractEnd)) {
    throw new RangeError(`${date} is not in the contract [${contractStart}, ${contractEnd})`);
  }
  // A calendar contract starting mid-month bills that whole month: its days before the start are in the first period.
  const day = date < contractStart ? contractStart : date;
  const nominal = nominalPool(day, alignment, contractStart, poolMonths);
  const from = nominal.start < contractStart ? contractStart : nominal.start;
  const until = contractEnd !== null && contractEnd < nominal.end ? contractEnd : nominal.end;
  const periods: BillingPeriod[] = [];
  let period = billingPeriodOf(Date.parse(`${from}T00:00:00Z`), alignment, contractStart);
  while (period.periodStart.slice(0, 10) < until) {
    if (periods.length >= POOL_PERIODS_MAX) throw new RangeError(`pool of ${date} holds more than ${POOL_PERIODS_MAX} periods`);
    periods.push(period);
    period = nextBillingPeriod(period, alignment, contractStart);
  }
  const first = periods[0];
  const last = periods[periods.length - 1];
  return { poolId: `${first.periodId}..${last.periodId}`, startDate: first.periodStart.slice(0, 10), endDate: last.periodEnd.slice(0, 10), periods };
}
