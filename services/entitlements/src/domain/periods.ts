import { billingPeriodOf, dateOf, poolOf } from '@billing/calendar';
import type { BillingAlignment as ContractBillingAlignment } from '@billing/contract-terms';

export type PeriodUnit = 'month' | 'quarter' | 'year';
/** The contract terms' vocabulary: calendar_month | contract_anniversary. */
export type BillingAlignment = ContractBillingAlignment;

export interface AllowancePeriod {
  readonly start: string;
  /** exclusive */
  readonly end: string;
  /** Billing periods of the contract it spans: the allowance is this many months' included units. */
  readonly periodsCount: number;
}

/**
 * The allowance period holding `date`, by the one period and pool calendar (@billing/calendar): a month is the
 * contract's billing period; a quarter or year is its pool, which follows the billing alignment (calendar quarters /
 * years, partial at the contract's start and end, for calendar_month; 3 / 12 periods from the start for
 * contract_anniversary), so rating trues up over the very periods entitlements pools.
 */
export function allowancePeriodOn(
  date: string,
  unit: PeriodUnit,
  alignment: BillingAlignment,
  contractStart: string,
  contractEnd: string,
): AllowancePeriod {
  if (unit === 'month') {
    const period = billingPeriodOf(Date.parse(`${date}T00:00:00Z`), alignment, contractStart);
    return { start: dateOf(period.periodStart), end: dateOf(period.periodEnd), periodsCount: 1 };
  }
  const pool = poolOf(date, alignment, contractStart, contractEnd, unit === 'quarter' ? 3 : 12);
  return { start: pool.startDate, end: pool.endDate, periodsCount: pool.periods.length };
}
