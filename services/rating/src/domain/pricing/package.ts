import { Big } from '@billing/money';

/** packagePrice per started (round up) or completed (round down) package of packageSize units. */
export interface PackagePricing {
  readonly model: 'package';
  readonly packageSize: Big;
  readonly packagePrice: Big;
  readonly rounding: 'up' | 'down';
}

/** Whole packages in `units`, exactly (no division rounding: the quotient is corrected by multiplication). */
export function packagesIn(pricing: PackagePricing, units: Big): Big {
  const size = pricing.packageSize;
  let whole = units.div(size).round(0, Big.roundDown);
  while (whole.times(size).gt(units)) whole = whole.minus(1);
  while (whole.plus(1).times(size).lte(units)) whole = whole.plus(1);
  const partial = whole.times(size).lt(units);
  return pricing.rounding === 'up' && partial ? whole.plus(1) : whole;
}

/** The charge for the first `units` units. */
export function packageCharge(pricing: PackagePricing, units: Big): Big {
  return units.lte(0) ? new Big('0') : packagesIn(pricing, units).times(pricing.packagePrice);
}

export function packageProblems(pricing: PackagePricing): string[] {
  const problems: string[] = [];
  if (pricing.packageSize.lte(0)) problems.push('package size must be positive');
  if (pricing.packagePrice.lt(0)) problems.push('package price is negative');
  return problems;
}
