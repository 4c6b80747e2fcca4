import { Big, divideExact } from '@billing/money';

/** unitPrice for every unitsPerPrice units: "0.004 per 1,000 tokens" is { unitPrice: 0.004, unitsPerPrice: 1000 }. */
export interface PerUnitPricing {
  readonly model: 'per_unit';
  readonly unitPrice: Big;
  readonly unitsPerPrice: Big;
}

/** units x unitPrice / unitsPerPrice: exact when unitsPerPrice is a power of ten (else kept to 40 places). */
export function perUnitCharge(pricing: PerUnitPricing, units: Big): Big {
  return unitsAtPrice(units, pricing.unitPrice, pricing.unitsPerPrice);
}

/** Multiplies before dividing so a power-of-ten block size never loses a digit. Shared by the tiered models. */
export function unitsAtPrice(units: Big, unitPrice: Big, unitsPerPrice: Big): Big {
  const amount = units.times(unitPrice);
  return unitsPerPrice.eq(1) ? amount : divideExact(amount, unitsPerPrice);
}

export function perUnitProblems(pricing: PerUnitPricing): string[] {
  const problems: string[] = [];
  if (pricing.unitPrice.lt(0)) problems.push('unit price is negative');
  if (pricing.unitsPerPrice.lte(0)) problems.push('units per price must be positive');
  return problems;
}
