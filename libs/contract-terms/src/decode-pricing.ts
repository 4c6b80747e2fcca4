import type { Big } from '@billing/money';
import type * as wire from '@billing/schemas';
import { ContractTermsUnreadable } from './errors';
import type { Discount, PriceTier, PricingModel } from './terms';

/** Amounts of one contract: every wire Money must be in its currency, and reads as a plain Big. */
export type AmountReader = (money: wire.Money, field: string) => Big;

export function amountReader(currency: string): AmountReader {
  return (money, field) => {
    if (money.currency !== currency) {
      throw new ContractTermsUnreadable('CURRENCY_MISMATCH', `${field} is in ${money.currency}, the contract in ${currency}`, { field, currency: money.currency });
    }
    return money.amount;
  };
}

type WirePricing = wire.ContractUsageLine['pricing'];
type WireDiscount = wire.ContractUsageLine['discounts'][number];

function tiersFromWire(tiers: readonly wire.ContractPriceTier[], amount: AmountReader, field: string): PriceTier[] {
  return tiers.map((tier, index) => ({
    upToUnits: tier.upToUnits,
    unitPrice: amount(tier.unitPrice, `${field}.tiers[${index}].unitPrice`),
    unitQuantity: tier.unitQuantity,
    flatFee: amount(tier.flatFee, `${field}.tiers[${index}].flatFee`),
  }));
}

export function pricingFromWire(pricing: WirePricing, amount: AmountReader, field: string): PricingModel {
  if ('billing.contracts.ContractFlatPricing' in pricing) {
    return { model: 'flat', amount: amount(pricing['billing.contracts.ContractFlatPricing'].amount, `${field}.amount`) };
  }
  if ('billing.contracts.ContractPerUnitPricing' in pricing) {
    const perUnit = pricing['billing.contracts.ContractPerUnitPricing'];
    return { model: 'per_unit', unitPrice: amount(perUnit.unitPrice, `${field}.unitPrice`), unitQuantity: perUnit.unitQuantity };
  }
  if ('billing.contracts.ContractGraduatedPricing' in pricing) {
    return { model: 'graduated', tiers: tiersFromWire(pricing['billing.contracts.ContractGraduatedPricing'].tiers, amount, field) };
  }
  if ('billing.contracts.ContractVolumePricing' in pricing) {
    return { model: 'volume', tiers: tiersFromWire(pricing['billing.contracts.ContractVolumePricing'].tiers, amount, field) };
  }
  if ('billing.contracts.ContractPackagePricing' in pricing) {
    const packaged = pricing['billing.contracts.ContractPackagePricing'];
    return { model: 'package', packagePrice: amount(packaged.packagePrice, `${field}.packagePrice`), packageSize: packaged.packageSize };
  }
  const percentage = pricing['billing.contracts.ContractPercentagePricing'];
  return { model: 'percentage', percent: percentage.percent, fixedFeePerUnit: amount(percentage.fixedFeePerUnit, `${field}.fixedFeePerUnit`) };
}

export function discountsFromWire(discounts: readonly WireDiscount[], amount: AmountReader, field: string): Discount[] {
  return discounts.map((discount, index): Discount => {
    if ('billing.contracts.ContractPercentageDiscount' in discount) {
      return { kind: 'percentage', percent: discount['billing.contracts.ContractPercentageDiscount'].percent };
    }
    if ('billing.contracts.ContractOverageDiscount' in discount) {
      return { kind: 'overage_after_commit', percent: discount['billing.contracts.ContractOverageDiscount'].percent };
    }
    const fixed = discount['billing.contracts.ContractFixedDiscount'];
    return { kind: 'fixed', amountPerPeriod: amount(fixed.amountPerPeriod, `${field}.discounts[${index}].amountPerPeriod`) };
  });
}
