import type { Big } from '@billing/money';
import type { BillingPeriodAlignment } from '@billing/calendar';
import type { ContractTerminationReceived, CommitScope as ContractCommitScope, UsageAggregation } from '@billing/contract-terms';
import type { PricingModel } from './pricing';

/** The contract terms' vocabulary (contracts.events.v1, read through @billing/contract-terms). */
export type Aggregation = UsageAggregation;

/**
 * How the included units of a price line are counted: per billing period ('monthly', also right for anniversary
 * months), or pooled over a quarter / year and trued up at the pool's end. A pool follows the contract's billing
 * alignment (the calendar's poolOf): calendar quarters / years, partial at the contract's start and end, for
 * calendar-aligned contracts; 3 / 12 periods from the start for anniversary-aligned ones.
 */
export type CommitScope = ContractCommitScope;

/** Usage whose event time is in [effectiveFrom, effectiveUntil) is priced by `pricing` (null: no end). */
export interface PriceRamp {
  readonly effectiveFrom: string;
  readonly effectiveUntil: string | null;
  readonly pricing: PricingModel;
}

export interface UsagePriceLine {
  readonly priceLineId: string;
  readonly meterCode: string;
  readonly aggregation: Aggregation;
  /** The property whose distinct values `unique_count` counts; null otherwise. */
  readonly aggregationProperty: string | null;
  /** The pricing before the first ramp (or always, with no ramps). Tiers count billable units, after the included ones. */
  readonly pricing: PricingModel;
  readonly ramps: readonly PriceRamp[];
  /** Units per billing period drawn down before any charge (pooled scopes multiply it by the pool's periods). */
  readonly includedUnits: Big;
  readonly commitScope: CommitScope;
  /** Discount on the usage charge beyond the included units: 0.2 is 20% off (Acme's overage discount). */
  readonly overageDiscountRate: Big;
  /** Discount on the line's whole period charge (after the overage discount): 0.1 is 10% off. */
  readonly discountRate: Big;
  /** Taken off the line's period charge (never below zero), before the minimum and maximum. */
  readonly fixedDiscountAmount: Big;
  /** Per billing period (pooled true-ups scale them by the pool's periods); null = none. */
  readonly minimumAmount: Big | null;
  readonly maximumAmount: Big | null;
}

/**
 * Prepaid units of a meter, usable in [validFrom, expiresOn). Drawn down after the included units and before any
 * overage is charged; lower priority burns first, ties the earliest expiry. Granted once per creditId.
 */
export interface PrepaidCredit {
  readonly creditId: string;
  readonly meterCode: string;
  readonly units: Big;
  readonly validFrom: string;
  readonly expiresOn: string;
  readonly priority: number;
}

/** What rating needs of a contract version on contracts.events.v1 (a mapper translates the contracts event). */
export interface ContractTermsReceived {
  readonly type: 'ContractTermsReceived';
  readonly now: string;
  readonly customerId: string;
  readonly contractId: string;
  /** Monotonic per contract; a version already noted (or older) is ignored. */
  readonly termsVersion: number;
  /** The first instant these terms price (a period is priced by the version in effect at its start). */
  readonly effectiveFrom: string;
  readonly startDate: string;
  /** Exclusive; null when open-ended. */
  readonly endDate: string | null;
  readonly currency: string;
  readonly billingPeriodAlignment: BillingPeriodAlignment;
  readonly usagePriceLines: readonly UsagePriceLine[];
  readonly prepaidCredits: readonly PrepaidCredit[];
}

/** An accepted usage record from metering.usage.v1. */
export interface AcceptedUsageFields {
  readonly now: string;
  readonly eventId: string;
  readonly customerId: string;
  readonly contractId: string;
  readonly meterCode: string;
  readonly quantity: Big;
  readonly eventTime: string;
  readonly periodId: string;
  readonly properties: Readonly<Record<string, string>>;
}

export interface UsageAccepted extends AcceptedUsageFields {
  readonly type: 'UsageAccepted';
}

/** Metering's late usage. Rating judges lateness by its own closed periods, so both commands are rated alike. */
export interface LateUsageAccepted extends AcceptedUsageFields {
  readonly type: 'LateUsageAccepted';
}

/** The contract ends early (ContractTerminated, the published language's command): its last period closes at `effectiveDate`, and its pools are trued up then. */
export type { ContractTerminationReceived };

/** A platform clock tick: closes periods (PeriodRated) and pooled quarters / years (TrueUpCalculated). */
export interface ClockTicked {
  readonly type: 'ClockTicked';
  readonly now: string;
}

export type RatingCommand = ContractTermsReceived | ContractTerminationReceived | UsageAccepted | LateUsageAccepted | ClockTicked;
