import { Big } from '@billing/money';
import { ContractGrants } from './grants';
import { BillingAlignment, PeriodUnit } from './periods';

/** Events of entitlements.events.v1. `at` is the platform time of the decision; usage events carry eventTime. */

/** The service remembers each terms version it was told of (its state is the fold of its own events). */
export interface ContractTermsNoted {
  readonly type: 'ContractTermsNoted';
  readonly customerId: string;
  readonly grants: ContractGrants;
  readonly at: string;
}

export interface ContractTerminationNoted {
  readonly type: 'ContractTerminationNoted';
  readonly contractId: string;
  readonly effectiveDate: string;
  readonly at: string;
}

/** billing: the allowance usage is billed against month by month; pool: the quarter's/year's pooled allowance. */
export type AllowanceRole = 'billing' | 'pool';

export interface AllowanceOpened {
  readonly type: 'AllowanceOpened';
  readonly featureCode: string;
  readonly meterCode: string;
  readonly contractId: string;
  readonly role: AllowanceRole;
  readonly periodUnit: PeriodUnit;
  readonly alignment: BillingAlignment;
  readonly anchorDate: string;
  readonly periodStart: string;
  readonly periodEnd: string;
  readonly includedUnits: Big;
  readonly overageAllowed: boolean;
  readonly thresholdPercents: readonly number[];
  readonly at: string;
}

/** Usage counted against the live period: includedQuantity within the allowance, overageQuantity beyond it. */
export interface UsageConsumed {
  readonly type: 'UsageConsumed';
  readonly featureCode: string;
  readonly periodStart: string;
  readonly usageEventId: string;
  readonly eventTime: string;
  readonly quantity: Big;
  readonly includedQuantity: Big;
  readonly overageQuantity: Big;
}

/** Usage stamped before the live period: recorded, not counted in the live balance (rating prices it late). */
export interface LateUsageRecorded {
  readonly type: 'LateUsageRecorded';
  readonly featureCode: string;
  readonly periodStart: string;
  readonly usageEventId: string;
  readonly eventTime: string;
  readonly quantity: Big;
}

export interface ThresholdReached {
  readonly type: 'ThresholdReached';
  readonly featureCode: string;
  readonly periodStart: string;
  readonly percent: number;
  readonly usageEventId: string;
  readonly eventTime: string;
  readonly consumedUnits: Big;
  readonly includedUnits: Big;
}

/** At the exact usage event whose units cross the allowance. */
export interface AllowanceExhausted {
  readonly type: 'AllowanceExhausted';
  readonly featureCode: string;
  readonly periodStart: string;
  readonly usageEventId: string;
  readonly eventTime: string;
  readonly consumedUnits: Big;
  readonly includedUnits: Big;
}

export interface PeriodRolledOver {
  readonly type: 'PeriodRolledOver';
  readonly featureCode: string;
  readonly contractId: string;
  readonly closedPeriodStart: string;
  readonly closedPeriodEnd: string;
  readonly closedConsumedUnits: Big;
  readonly periodStart: string;
  readonly periodEnd: string;
  readonly includedUnits: Big;
  readonly overageAllowed: boolean;
  readonly thresholdPercents: readonly number[];
  readonly at: string;
}

export type AllowanceClosedReason = 'contract_ended' | 'contract_terminated' | 'line_removed';

export interface AllowanceClosed {
  readonly type: 'AllowanceClosed';
  readonly featureCode: string;
  readonly periodStart: string;
  readonly consumedUnits: Big;
  readonly reason: AllowanceClosedReason;
  readonly at: string;
}

export interface CreditsGranted {
  readonly type: 'CreditsGranted';
  readonly creditId: string;
  readonly meterCode: string;
  readonly featureCode: string;
  readonly units: Big;
  readonly validFrom: string;
  readonly expiresOn: string;
  readonly priority: number;
  readonly lowBalanceUnits: Big;
  /** null for an ad-hoc grant */
  readonly contractId: string | null;
  readonly at: string;
}

export interface CreditsBurned {
  readonly type: 'CreditsBurned';
  readonly creditId: string;
  readonly featureCode: string;
  readonly units: Big;
  readonly remainingUnits: Big;
  readonly usageEventId: string;
  readonly eventTime: string;
}

export interface CreditsExpired {
  readonly type: 'CreditsExpired';
  readonly creditId: string;
  readonly featureCode: string;
  readonly expiredUnits: Big;
  readonly expiresOn: string;
  readonly at: string;
}

export interface CreditBalanceLow {
  readonly type: 'CreditBalanceLow';
  readonly creditId: string;
  readonly featureCode: string;
  readonly remainingUnits: Big;
  readonly lowBalanceUnits: Big;
  readonly usageEventId: string;
  readonly eventTime: string;
}

export interface SeatsChanged {
  readonly type: 'SeatsChanged';
  readonly featureCode: string;
  readonly seats: number;
  readonly previousSeats: number;
  readonly at: string;
}

export interface FeatureFlagSet {
  readonly type: 'FeatureFlagSet';
  readonly featureCode: string;
  readonly enabled: boolean;
  readonly at: string;
}

/**
 * Accepted usage that arrived before any contract terms of the customer (Kafka gives no order across
 * metering.usage.v1 and contracts.events.v1; metering only accepts usage of a contract it knows, so terms are coming).
 * Held in state; the terms' decision counts it, in the order held.
 */
export interface UsageHeldUntilTerms {
  readonly type: 'UsageHeldUntilTerms';
  readonly usageEventId: string;
  readonly meterCode: string;
  readonly eventTime: string;
  readonly quantity: Big;
  readonly at: string;
}

/** Held usage the arrived terms do not cover (reasonCode as the DLQ would have said, e.g. UNKNOWN_FEATURE): never counted. */
export interface HeldUsageRejected {
  readonly type: 'HeldUsageRejected';
  readonly usageEventId: string;
  readonly meterCode: string;
  readonly eventTime: string;
  readonly quantity: Big;
  readonly reasonCode: string;
  readonly at: string;
}

export type EntitlementEvent =
  | ContractTermsNoted
  | ContractTerminationNoted
  | AllowanceOpened
  | UsageConsumed
  | LateUsageRecorded
  | ThresholdReached
  | AllowanceExhausted
  | PeriodRolledOver
  | AllowanceClosed
  | CreditsGranted
  | CreditsBurned
  | CreditsExpired
  | CreditBalanceLow
  | SeatsChanged
  | FeatureFlagSet
  | UsageHeldUntilTerms
  | HeldUsageRejected;
export type EntitlementEventType = EntitlementEvent['type'];
