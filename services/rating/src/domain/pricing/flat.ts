import type { Big } from '@billing/money';

/** A fixed amount per billing period, whatever the usage (a platform fee on a usage line). */
export interface FlatPricing {
  readonly model: 'flat';
  readonly amount: Big;
}

/** The period's charge: the amount, once. */
export function flatCharge(pricing: FlatPricing): Big {
  return pricing.amount;
}

export function flatProblems(pricing: FlatPricing): string[] {
  return pricing.amount.lt(0) ? ['flat amount is negative'] : [];
}
