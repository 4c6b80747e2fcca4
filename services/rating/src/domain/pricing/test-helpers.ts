import { Big } from '@billing/money';
import type { PriceTier } from './tiers';

/** A tier from decimal text: tier('1000', '0.01') = up to 1000 units at 0.01 each; tier(null, ...) is unbounded. */
export function tier(upToUnits: string | null, unitPrice: string, flatAmount = '0', unitsPerPrice = '1'): PriceTier {
  return {
    upToUnits: upToUnits === null ? null : new Big(upToUnits),
    unitPrice: new Big(unitPrice),
    unitsPerPrice: new Big(unitsPerPrice),
    flatAmount: new Big(flatAmount),
  };
}

export const big = (text: string): Big => new Big(text);
