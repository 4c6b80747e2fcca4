import type { Big } from '@billing/money';
import type { BillingPeriodAlignment } from '@billing/calendar';
import type { ContractTerminationReceived, UsageAggregation } from '@billing/contract-terms';

/** How a meter turns a period's usage into one quantity: the contract terms' vocabulary (@billing/contract-terms). */
export type Aggregation = UsageAggregation;

export interface MeterDefinition {
  readonly meterCode: string;
  readonly aggregation: Aggregation;
  /** The usage property whose distinct values `unique_count` counts; null for the other aggregations. */
  readonly aggregationProperty: string | null;
}

/**
 * A raw usage record from usage.events.v1. `eventId` is the producer's idempotency key.
 * `quantity` is a Big, or the decimal text as the producer wrote it (so 'NaN'/'Infinity' can be rejected by name).
 * `now` is the platform time at which metering receives it (recorded as `receivedAt`).
 */
export interface UsageReceived {
  readonly type: 'UsageReceived';
  readonly now: string;
  readonly eventId: string;
  readonly customerId: string;
  readonly meterCode: string;
  readonly quantity: Big | string;
  readonly eventTime: string;
  readonly properties: Readonly<Record<string, string>>;
}

/**
 * What metering needs of a contract version published on contracts.events.v1 (a mapper derives it from the
 * contract's terms: the meters are the usage price lines' meter codes and aggregations).
 */
export interface ContractTermsReceived {
  readonly type: 'ContractTermsReceived';
  readonly now: string;
  readonly customerId: string;
  readonly contractId: string;
  /** Monotonic per contract; an older or equal version than the one noted is ignored. */
  readonly termsVersion: number;
  readonly startDate: string;
  /** Exclusive; null for an open-ended contract. */
  readonly endDate: string | null;
  readonly billingPeriodAlignment: BillingPeriodAlignment;
  readonly meters: readonly MeterDefinition[];
}

/** The contract ends early (ContractTerminated, the published language's command): usage from `effectiveDate` on is no longer attributed to it. */
export type { ContractTerminationReceived };

/** A platform clock tick: closes the periods whose grace has passed. */
export interface ClockTicked {
  readonly type: 'ClockTicked';
  readonly now: string;
}

export type MeteringCommand = UsageReceived | ContractTermsReceived | ContractTerminationReceived | ClockTicked;
