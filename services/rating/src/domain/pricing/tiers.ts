import type { Big } from '@billing/money';

/** A tier of the graduated and volume models: units up to `upToUnits` (inclusive; null = no upper bound). */
export interface PriceTier {
  readonly upToUnits: Big | null;
  readonly unitPrice: Big;
  readonly unitsPerPrice: Big;
  /** Charged once when usage reaches the tier (graduated) or lands in it (volume). */
  readonly flatAmount: Big;
}

export const TIERS_MAX = 100;

export function tierProblems(tiers: readonly PriceTier[]): string[] {
  const problems: string[] = [];
  if (tiers.length === 0 || tiers.length > TIERS_MAX) problems.push(`tiers must number 1..${TIERS_MAX}`);
  let previous: Big | null = null;
  tiers.forEach((tier, index) => {
    const last = index === tiers.length - 1;
    if (last !== (tier.upToUnits === null)) problems.push('only the last tier is unbounded, and it must be');
    if (tier.upToUnits !== null) {
      if (tier.upToUnits.lte(previous ?? 0)) problems.push('tier bounds must increase from above 0');
      previous = tier.upToUnits;
    }
    if (tier.unitPrice.lt(0) || tier.flatAmount.lt(0)) problems.push('tier prices must not be negative');
    if (tier.unitsPerPrice.lte(0)) problems.push('units per price must be positive');
  });
  return problems;
}
