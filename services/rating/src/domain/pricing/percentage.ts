import type { Big } from '@billing/money';

/**
 * A share of a monetary quantity (payment volume, spend): rate 0.029 is 2.9%, plus a fixed amount per usage
 * event (a transaction fee).
 */
export interface PercentagePricing {
  readonly model: 'percentage';
  readonly rate: Big;
  readonly fixedAmountPerEvent: Big;
}

/** The rate's share of `amount` (the per-event fee is perEventCharge's). */
export function percentageCharge(pricing: PercentagePricing, amount: Big): Big {
  return amount.times(pricing.rate);
}

/** The fixed fee of `events` usage events. */
export function percentageEventCharge(pricing: PercentagePricing, events: Big): Big {
  return events.times(pricing.fixedAmountPerEvent);
}

export function percentageProblems(pricing: PercentagePricing): string[] {
  const problems: string[] = [];
  if (pricing.rate.lt(0) || pricing.rate.gt(1)) problems.push('percentage rate must be within 0..1');
  if (pricing.fixedAmountPerEvent.lt(0)) problems.push('fixed amount per event is negative');
  return problems;
}
