import { Big } from '@billing/money';
import { unitsAtPrice } from './per-unit';
import { tierProblems, type PriceTier } from './tiers';

/** Tiered: each unit is priced by the tier it falls in (the first 1M at one price, the next 4M at another...). */
export interface GraduatedPricing {
  readonly model: 'graduated';
  readonly tiers: readonly PriceTier[];
}

/** The charge for the first `units` units. Continuous at tier edges unless a tier has a flat amount. */
export function graduatedCharge(pricing: GraduatedPricing, units: Big): Big {
  let charge = new Big('0');
  let lowerUnits = new Big('0');
  for (const tier of pricing.tiers) {
    if (units.lte(lowerUnits)) break;
    const upper = tier.upToUnits === null || units.lt(tier.upToUnits) ? units : tier.upToUnits;
    charge = charge.plus(unitsAtPrice(upper.minus(lowerUnits), tier.unitPrice, tier.unitsPerPrice)).plus(tier.flatAmount);
    if (tier.upToUnits === null) break;
    lowerUnits = tier.upToUnits;
  }
  return charge;
}

export function graduatedProblems(pricing: GraduatedPricing): string[] {
  return tierProblems(pricing.tiers);
}
