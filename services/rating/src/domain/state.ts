import { listLength, type GrowingList, type GrowingSet } from '@billing/eventsourcing';
import type { Big } from '@billing/money';
import type { LateUsageAccepted, PrepaidCredit, UsageAccepted, UsagePriceLine } from './commands';
import type { BillingPeriod, BillingPeriodAlignment } from '@billing/calendar';

export const DAY_MS = 86_400_000;

export interface RatingConfig {
  /** How long after its end a period still takes usage before it is rated final (same as metering's). */
  readonly graceMs: number;
  /** How long a closed period's usage is kept for late usage and true-ups; must exceed a pooled year + the dedup window. */
  readonly closedPeriodRetentionMs: number;
  readonly periodsClosedPerTickMax: number;
  /** Distinct values one unique_count line may count in one period; past it usage is rejected (LIMIT_EXCEEDED). */
  readonly uniqueValuesMax: number;
  /** Usage records one customer may hold awaiting contract terms; beyond it usage is rejected (HELD_USAGE_LIMIT). */
  readonly heldUsageMax: number;
}

export const defaultRatingConfig: RatingConfig = {
  graceMs: 60 * 60_000,
  closedPeriodRetentionMs: 400 * DAY_MS,
  periodsClosedPerTickMax: 1_200,
  uniqueValuesMax: 1_000_000,
  heldUsageMax: 100_000,
};

export const PRICE_LINES_MAX = 200;
export const RAMPS_MAX = 120;
export const TERMS_VERSIONS_MAX = 100;
export const PREPAID_CREDITS_MAX = 1_000;

/**
 * One price line's usage in one period, kept as aggregates (not events) so rating a period is O(ramps): sums and
 * counts per ramp segment, and the period-wide max / latest / distinct values for the other aggregations.
 * Segment key: the ramp's effectiveFrom, '' for the line's base pricing.
 */
export interface LineUsage {
  readonly sumBySegment: ReadonlyMap<string, Big>;
  readonly countBySegment: ReadonlyMap<string, number>;
  readonly max: Big | null;
  readonly latest: { readonly quantity: Big; readonly eventTimeMs: number; readonly eventId: string } | null;
  /** Latest event time seen: max / latest / unique_count are priced by the ramp in effect then. */
  readonly lastEventTimeMs: number;
  /** Append-only (see @billing/eventsourcing append-only): evolve adds a value in O(1), never copying the set. */
  readonly uniqueValues: GrowingSet<string> | null;
}

export interface RatedLine {
  readonly usage: LineUsage;
  /** Open period: the amount accrued so far. Closed: the amount rated (period rating plus late usage). At wire scale. */
  readonly amount: Big;
  /** Prepaid credit units the period's rating drew (late usage re-rates with the same, drawing no more). */
  readonly creditUnits: Big;
}

/** What is left of one prepaid credit. */
export interface CreditBalance {
  readonly creditId: string;
  readonly meterCode: string;
  readonly validFromMs: number;
  readonly expiresOnMs: number;
  readonly priority: number;
  readonly remainingUnits: Big;
}

export interface RatedPeriod {
  readonly period: BillingPeriod;
  readonly status: 'open' | 'closed';
  readonly lines: ReadonlyMap<string, RatedLine>;
}

export interface TermsVersion {
  readonly termsVersion: number;
  readonly effectiveFromMs: number;
  readonly usagePriceLines: readonly UsagePriceLine[];
  readonly prepaidCredits: readonly PrepaidCredit[];
}

export interface RatedContract {
  readonly contractId: string;
  readonly currency: string;
  readonly startDate: string;
  readonly startMs: number;
  /** Exclusive; Infinity when open-ended. A termination moves it earlier. */
  readonly endMs: number;
  readonly billingPeriodAlignment: BillingPeriodAlignment;
  /** Sorted by effectiveFrom, then version. */
  readonly versions: readonly TermsVersion[];
  readonly closedThroughMs: number | null;
  readonly periods: ReadonlyMap<string, RatedPeriod>;
  /** Prepaid credits by id, granted once each. */
  readonly credits: ReadonlyMap<string, CreditBalance>;
  /** Sum of true-ups emitted per `${poolId}|${priceLineId}`; present once the pool is trued up. */
  readonly trueUps: ReadonlyMap<string, Big>;
}

/**
 * One customer's rating state. evolve never changes a state it is given: it returns a new one sharing what did not
 * change (the runtime keeps the committed state while a transaction is open). initialState holds no collections.
 */
export type RatingState =
  | { readonly status: 'noContract' }
  | {
      readonly status: 'rating';
      readonly customerId: string;
      readonly contracts: ReadonlyMap<string, RatedContract>;
      /**
       * Usage awaiting its contract's terms, per contract id, in the order held (UsageHeld); a contract's entry goes
       * when its terms are noted. Append-only lists (O(1) per held record). Optional: snapshots written before
       * holding existed have none.
       */
      readonly held?: ReadonlyMap<string, GrowingList<HeldUsage>>;
    };

/** A held usage record, kept as the command it will be rated as. */
export type HeldUsage = UsageAccepted | LateUsageAccepted;

/** How many usage records the customer holds awaiting contract terms. */
export function heldUsageCount(state: RatingState): number {
  if (state.status !== 'rating' || state.held === undefined) return 0;
  let count = 0;
  for (const usages of state.held.values()) count += listLength(usages);
  return count;
}

export const initialRatingState: RatingState = { status: 'noContract' };

/** Credits of `meterCode` usable in `period` (validity overlaps it) with units left, in burn order. */
export function creditsFor(contract: RatedContract, meterCode: string, period: BillingPeriod): CreditBalance[] {
  const startMs = Date.parse(period.periodStart);
  const endMs = Date.parse(period.periodEnd);
  return [...contract.credits.values()]
    .filter((credit) => credit.meterCode === meterCode && credit.validFromMs < endMs && credit.expiresOnMs > startMs && credit.remainingUnits.gt(0))
    .sort((a, b) => a.priority - b.priority || a.expiresOnMs - b.expiresOnMs || (a.creditId < b.creditId ? -1 : 1));
}

export function trueUpKey(poolId: string, priceLineId: string): string {
  return `${poolId}|${priceLineId}`;
}
