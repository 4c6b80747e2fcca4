import type { CommitScope as ContractCommitScope, PrepaidCredit } from '@billing/contract-terms';
import { Big } from '@billing/money';
import { BillingAlignment } from './periods';

/**
 * What a contract terms version grants (mapped by the adapter from the contract version @billing/contract-terms
 * reads off contracts.events.v1, field for field: which feature each grant becomes is decided here, in the domain).
 */
export type CommitScope = ContractCommitScope;

export interface MeteredGrant {
  readonly meterCode: string;
  readonly includedUnitsPerMonth: Big;
  readonly commitScope: CommitScope;
  readonly trueUp: boolean;
  /** false: the contract blocks usage beyond the allowance, so the balance never goes below zero */
  readonly overageAllowed: boolean;
  /** empty: DEFAULT_THRESHOLD_PERCENTS */
  readonly thresholdPercents: readonly number[];
}

export interface SeatGrant {
  readonly featureCode: string;
  readonly seats: number;
}

export interface FlagGrant {
  readonly featureCode: string;
  readonly enabled: boolean;
}

/** A contract's prepaid credit as granted: usable in [validFrom, expiresOn); what was paid for it is invoicing's. */
export type CreditGrantTerms = Omit<PrepaidCredit, 'pricePaid'>;

export interface ContractGrants {
  readonly contractId: string;
  readonly termsVersion: number;
  /** this version applies on [effectiveDate, endDate) */
  readonly effectiveDate: string;
  readonly endDate: string;
  readonly contractStartDate: string;
  readonly billingAlignment: BillingAlignment;
  readonly metered: readonly MeteredGrant[];
  readonly seats: readonly SeatGrant[];
  readonly flags: readonly FlagGrant[];
  readonly credits: readonly CreditGrantTerms[];
}

export { DEFAULT_THRESHOLD_PERCENTS } from '@billing/contract-terms';

/** Feature codes: the meter's own allowance, its pool (true-up contracts), its prepaid credits. */
export function poolFeatureCode(meterCode: string, scope: Exclude<CommitScope, 'monthly'>): string {
  return `${meterCode}.${scope === 'pooled_quarterly' ? 'quarterly' : 'annual'}-pool`;
}
export function creditsFeatureCode(meterCode: string): string {
  return `${meterCode}.credits`;
}
