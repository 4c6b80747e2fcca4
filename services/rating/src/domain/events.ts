import type { Big } from '@billing/money';
import type { PrepaidCredit, UsagePriceLine } from './commands';
import type { BillingPeriodAlignment } from '@billing/calendar';

/** Amounts are exact (full precision, never rounded here); `currency` is the contract's ISO 4217 code. */

export interface ContractTermsNoted {
  readonly type: 'ContractTermsNoted';
  readonly customerId: string;
  readonly contractId: string;
  readonly termsVersion: number;
  readonly effectiveFrom: string;
  readonly startDate: string;
  readonly endDate: string | null;
  readonly currency: string;
  readonly billingPeriodAlignment: BillingPeriodAlignment;
  readonly usagePriceLines: readonly UsagePriceLine[];
  readonly prepaidCredits: readonly PrepaidCredit[];
  readonly notedAt: string;
}

/** The contract ends at `endDate` (exclusive), earlier than its terms said. */
export interface ContractEndNoted {
  readonly type: 'ContractEndNoted';
  readonly customerId: string;
  readonly contractId: string;
  readonly endDate: string;
  readonly notedAt: string;
}

/** The fields rating keeps of one usage record on one price line (enough to rebuild the line from the log). */
export interface RatedUsageFields {
  readonly customerId: string;
  readonly contractId: string;
  readonly currency: string;
  readonly priceLineId: string;
  readonly meterCode: string;
  readonly periodId: string;
  readonly periodStart: string;
  readonly periodEnd: string;
  readonly usageEventId: string;
  readonly quantity: Big;
  readonly eventTime: string;
  /** The ramp pricing this usage (null: the line's base pricing). */
  readonly rampEffectiveFrom: string | null;
  /** Start of the pricing interval the usage fell in (null: the base pricing before any ramp). */
  readonly pricedFrom: string | null;
  /** The value of the line's aggregation property on this usage (unique_count), else null. */
  readonly aggregationValue: string | null;
  readonly ratedAt: string;
}

/**
 * Usage rated in real time in an open period. `accruedAmount` is the period's charge so far on this line (included
 * units, discount and maximum applied; the minimum waits for the period's end); `amount` is the change this usage
 * made to it (for volume pricing it can be negative: crossing into a cheaper tier reprices every unit).
 */
export interface UsageRated extends RatedUsageFields {
  readonly type: 'UsageRated';
  readonly amount: Big;
  readonly accruedAmount: Big;
}

/**
 * Usage for a period already rated: `amount` = the period re-rated with it minus the period as rated, priced by the
 * period's terms (with tiers, the late units land in the tier the period's total puts them in).
 */
export interface LateUsageRated extends RatedUsageFields {
  readonly type: 'LateUsageRated';
  readonly previousAmount: Big;
  readonly reratedAmount: Big;
  readonly amount: Big;
}

export interface CreditUnitsApplied {
  readonly creditId: string;
  readonly units: Big;
}

export interface PriceLineRating {
  readonly priceLineId: string;
  readonly meterCode: string;
  /** The line's quantity for the period under its aggregation. */
  readonly units: Big;
  readonly includedUnits: Big;
  /** Prepaid credit units drawn (after the included units), and from which credits. */
  readonly creditUnitsApplied: Big;
  readonly creditsApplied: readonly CreditUnitsApplied[];
  readonly billableUnits: Big;
  /** Charge of the billable units (and per-event fees) before the overage discount. */
  readonly overageAmount: Big;
  readonly overageDiscountAmount: Big;
  /** Flat amount of the period. */
  readonly fixedAmount: Big;
  /** The line discount on overage - overage discount + fixed. */
  readonly discountAmount: Big;
  readonly fixedDiscountAmount: Big;
  readonly minimumTopUpAmount: Big;
  readonly maximumReductionAmount: Big;
  /** (overage - overage discount + fixed) x (1 - line discount) - fixed discount - maximum reduction + minimum top-up. */
  readonly amount: Big;
}

/** The period-final rating of every usage price line, when the clock passes the period's end plus grace. */
export interface PeriodRated {
  readonly type: 'PeriodRated';
  readonly customerId: string;
  readonly contractId: string;
  readonly currency: string;
  readonly periodId: string;
  readonly periodStart: string;
  readonly periodEnd: string;
  readonly lines: readonly PriceLineRating[];
  /** Sum of the lines' amounts. */
  readonly amount: Big;
  readonly ratedAt: string;
}

export interface PriceLineTrueUp {
  readonly priceLineId: string;
  readonly meterCode: string;
  readonly pooledUnits: Big;
  readonly pooledIncludedUnits: Big;
  /** The pool re-rated as one period with the pooled allowance. */
  readonly pooledAmount: Big;
  /** What the pool's periods were rated (period ratings plus late usage). */
  readonly chargedAmount: Big;
  /** True-ups of this pool already emitted (late usage after the true-up re-trues it). */
  readonly previouslyTruedUpAmount: Big;
  /** pooledAmount - chargedAmount - previouslyTruedUpAmount: negative is owed back to the customer. */
  readonly amount: Big;
}

/** At the end of a pooled quarter / year: the difference between the pooled rating and what monthly rating charged. */
export interface TrueUpCalculated {
  readonly type: 'TrueUpCalculated';
  readonly customerId: string;
  readonly contractId: string;
  readonly currency: string;
  /** '<first periodId>..<last periodId>' */
  readonly poolId: string;
  readonly poolStart: string;
  readonly poolEnd: string;
  readonly periodIds: readonly string[];
  readonly lines: readonly PriceLineTrueUp[];
  readonly amount: Big;
  readonly calculatedAt: string;
}

/**
 * Accepted usage of a contract whose terms rating has not received yet (Kafka does not order metering.usage.v1 against
 * contracts.events.v1; metering only accepts usage of a contract it knows, so the terms are coming). Kept in state and
 * rated, in the order held, by the decision that notes the contract's terms.
 */
export interface UsageHeld {
  readonly type: 'UsageHeld';
  readonly customerId: string;
  readonly contractId: string;
  readonly usageEventId: string;
  readonly meterCode: string;
  readonly quantity: Big;
  readonly eventTime: string;
  readonly periodId: string;
  readonly properties: Readonly<Record<string, string>>;
  /** Metering accepted it as LateUsageAccepted (rated alike: rating judges lateness by its own closed periods). */
  readonly late: boolean;
  /** Metering's platform time for the usage: the ratings it is released into carry it as ratedAt. */
  readonly receivedAt: string;
  readonly heldAt: string;
}

export type RatingEvent = ContractTermsNoted | UsageRated | LateUsageRated | PeriodRated | TrueUpCalculated | ContractEndNoted | UsageHeld;
