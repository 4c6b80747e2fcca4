import { Big } from '@billing/money';
import { flatCharge, flatProblems, type FlatPricing } from './flat';
import { graduatedCharge, graduatedProblems, type GraduatedPricing } from './graduated';
import { packageCharge, packageProblems, type PackagePricing } from './package';
import { percentageCharge, percentageEventCharge, percentageProblems, type PercentagePricing } from './percentage';
import { perUnitCharge, perUnitProblems, type PerUnitPricing } from './per-unit';
import { volumeChargeForUnits, volumeProblems, type VolumePricing } from './volume';

export * from './flat';
export * from './graduated';
export * from './package';
export * from './percentage';
export * from './per-unit';
export * from './tiers';
export * from './volume';

export type PricingModel = FlatPricing | PerUnitPricing | GraduatedPricing | VolumePricing | PackagePricing | PercentagePricing;
export type PricingModelName = PricingModel['model'];

/**
 * The charge for billable units [fromUnits, toUnits) of a period whose billable total is `periodUnits`.
 * Summing it over consecutive ranges gives the period's charge, so a period split by ramps prices each range with
 * the pricing in effect on its usage's date while tiers still count from the period's first unit.
 * Flat pricing has no per-unit part: see periodFixedCharge.
 */
export function chargeForUnitRange(pricing: PricingModel, fromUnits: Big, toUnits: Big, periodUnits: Big): Big {
  if (toUnits.lte(fromUnits)) return new Big('0');
  switch (pricing.model) {
    case 'flat':
      return new Big('0');
    case 'per_unit':
      return perUnitCharge(pricing, toUnits.minus(fromUnits));
    case 'graduated':
      return graduatedCharge(pricing, toUnits).minus(graduatedCharge(pricing, fromUnits));
    case 'volume':
      return volumeChargeForUnits(pricing, toUnits.minus(fromUnits), periodUnits, fromUnits.eq(0));
    case 'package':
      return packageCharge(pricing, toUnits).minus(packageCharge(pricing, fromUnits));
    case 'percentage':
      return percentageCharge(pricing, toUnits.minus(fromUnits));
  }
}

/** The per-event part of a pricing (the percentage model's transaction fee), for `events` usage events. */
export function perEventCharge(pricing: PricingModel, events: Big): Big {
  return pricing.model === 'percentage' ? percentageEventCharge(pricing, events) : new Big('0');
}

/** The once-per-period part of a pricing (the flat amount), charged whatever the usage. */
export function periodFixedCharge(pricing: PricingModel): Big {
  return pricing.model === 'flat' ? flatCharge(pricing) : new Big('0');
}

export function pricingProblems(pricing: PricingModel): string[] {
  switch (pricing.model) {
    case 'flat':
      return flatProblems(pricing);
    case 'per_unit':
      return perUnitProblems(pricing);
    case 'graduated':
      return graduatedProblems(pricing);
    case 'volume':
      return volumeProblems(pricing);
    case 'package':
      return packageProblems(pricing);
    case 'percentage':
      return percentageProblems(pricing);
    default: {
      const unknown: never = pricing;
      return [`unknown pricing model ${JSON.stringify(unknown)}`];
    }
  }
}
