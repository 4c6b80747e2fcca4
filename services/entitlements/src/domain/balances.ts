import { Big } from '@billing/money';
import { EntitlementEvent } from './events';
import { creditsFeatureCode } from './grants';
import { EntitlementsState } from './state';

const ZERO = new Big('0');

/** One record of the compacted entitlements.balances.v1 topic (key: balanceKey(customerId, featureCode)). */
export type FeatureBalance =
  | {
      readonly kind: 'metered';
      readonly featureCode: string;
      readonly meterCode: string;
      readonly status: 'open' | 'exhausted' | 'closed';
      readonly periodStart: string;
      readonly periodEnd: string;
      readonly includedUnits: Big;
      readonly consumedUnits: Big;
      /** includedUnits - consumedUnits: negative only where the contract allows overage */
      readonly remainingUnits: Big;
      readonly overageAllowed: boolean;
    }
  | {
      readonly kind: 'credits';
      readonly featureCode: string;
      readonly meterCode: string;
      readonly grantedUnits: Big;
      readonly remainingUnits: Big;
      /** earliest expiry among grants with units left; null when none */
      readonly nextExpiresOn: string | null;
    }
  | { readonly kind: 'seats'; readonly featureCode: string; readonly seats: number }
  | { readonly kind: 'flag'; readonly featureCode: string; readonly enabled: boolean };

export function balanceKey(customerId: string, featureCode: string): string {
  return `${customerId}:${featureCode}`;
}

/** The live balance of every feature of the customer, sorted by feature code. */
export function balancesOf(state: EntitlementsState): FeatureBalance[] {
  const balances: FeatureBalance[] = [];
  for (const allowance of Object.values(state.allowances)) {
    balances.push({
      kind: 'metered',
      featureCode: allowance.featureCode,
      meterCode: allowance.meterCode,
      status: allowance.status,
      periodStart: allowance.periodStart,
      periodEnd: allowance.periodEnd,
      includedUnits: allowance.includedUnits,
      consumedUnits: allowance.consumedUnits,
      remainingUnits: allowance.includedUnits.minus(allowance.consumedUnits),
      overageAllowed: allowance.overageAllowed,
    });
  }
  const creditsByMeter = new Map<string, { granted: Big; remaining: Big; nextExpiresOn: string | null }>();
  for (const credit of Object.values(state.credits)) {
    const total = creditsByMeter.get(credit.meterCode) ?? { granted: ZERO, remaining: ZERO, nextExpiresOn: null };
    const live = credit.status === 'active' && credit.remainingUnits.gt(ZERO);
    creditsByMeter.set(credit.meterCode, {
      granted: total.granted.plus(credit.grantedUnits),
      remaining: total.remaining.plus(credit.status === 'active' ? credit.remainingUnits : ZERO),
      nextExpiresOn: live && (total.nextExpiresOn === null || credit.expiresOn < total.nextExpiresOn) ? credit.expiresOn : total.nextExpiresOn,
    });
  }
  for (const [meterCode, total] of creditsByMeter) {
    balances.push({
      kind: 'credits',
      featureCode: creditsFeatureCode(meterCode),
      meterCode,
      grantedUnits: total.granted,
      remainingUnits: total.remaining,
      nextExpiresOn: total.nextExpiresOn,
    });
  }
  for (const [featureCode, seats] of Object.entries(state.seats)) balances.push({ kind: 'seats', featureCode, seats });
  for (const [featureCode, enabled] of Object.entries(state.flags)) balances.push({ kind: 'flag', featureCode, enabled });
  return balances.sort((a, b) => (a.featureCode < b.featureCode ? -1 : a.featureCode > b.featureCode ? 1 : 0));
}

/** The balance of one feature, or undefined. */
export function balanceOf(state: EntitlementsState, featureCode: string): FeatureBalance | undefined {
  return balancesOf(state).find((balance) => balance.featureCode === featureCode);
}

/** Feature codes whose balance an event changes: the runtime publishes those balances after appending it. */
export function featuresChangedBy(event: EntitlementEvent): string[] {
  switch (event.type) {
    case 'ContractTermsNoted':
    case 'ContractTerminationNoted':
    case 'LateUsageRecorded':
    case 'UsageHeldUntilTerms':
    case 'HeldUsageRejected':
      return [];
    default:
      return [event.featureCode];
  }
}
