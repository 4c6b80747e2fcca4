import { Big } from '@billing/money';
import { unitsAtPrice } from './per-unit';
import { tierProblems, type PriceTier } from './tiers';

/** All units priced at the one tier the period's total lands in. */
export interface VolumePricing {
  readonly model: 'volume';
  readonly tiers: readonly PriceTier[];
}

/** The tier `totalUnits` lands in (bounds inclusive). */
export function volumeTierFor(pricing: VolumePricing, totalUnits: Big): PriceTier {
  for (const tier of pricing.tiers) if (tier.upToUnits === null || totalUnits.lte(tier.upToUnits)) return tier;
  return pricing.tiers[pricing.tiers.length - 1];
}

/** The charge for `totalUnits` units in a period. */
export function volumeCharge(pricing: VolumePricing, totalUnits: Big): Big {
  if (totalUnits.lte(0)) return new Big('0');
  const tier = volumeTierFor(pricing, totalUnits);
  return unitsAtPrice(totalUnits, tier.unitPrice, tier.unitsPerPrice).plus(tier.flatAmount);
}

/** The part of a period's volume charge that `units` of it bear, given the period's total (ramps split a period). */
export function volumeChargeForUnits(pricing: VolumePricing, units: Big, totalUnits: Big, bearsFlatAmount: boolean): Big {
  if (units.lte(0)) return new Big('0');
  const tier = volumeTierFor(pricing, totalUnits);
  const charge = unitsAtPrice(units, tier.unitPrice, tier.unitsPerPrice);
  return bearsFlatAmount ? charge.plus(tier.flatAmount) : charge;
}

export function volumeProblems(pricing: VolumePricing): string[] {
  return tierProblems(pricing.tiers);
}
