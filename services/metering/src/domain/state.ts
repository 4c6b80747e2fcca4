import { Big } from '@billing/money';
import type { Aggregation, MeterDefinition } from './commands';
import type { MeterPeriodAggregate } from './events';
import type { BillingPeriod, BillingPeriodAlignment } from '@billing/calendar';

export const DAY_MS = 86_400_000;

export interface MeteringConfig {
  /** Exact dedup on event id for usage whose event time is within this many days of now; older is TOO_OLD. */
  readonly dedupWindowDays: number;
  /** How far after `now` an event time may be (producers' clocks drift). */
  readonly futureSkewMs: number;
  /** How long after its end a period still takes usage as on-time. */
  readonly graceMs: number;
  /**
   * Most event ids one customer's dedup window may hold. Measured with scripts/dedup-memory.ts (Node 20, 1,000,000
   * 36-character ids decoded as flat strings, 35 day buckets): 79 bytes of heap per remembered id (the string
   * ~56 B + its Set slot). The default 10,000,000 is ~0.8 GB for one customer at the limit (ids up to
   * eventIdLengthMax characters cost proportionally more). Past it the service stops (invariant) rather than dedup
   * inexactly: raise the limit or shorten the window.
   */
  readonly dedupIdsMax: number;
  /** Bounds the bytes per remembered id. */
  readonly eventIdLengthMax: number;
  /** Distinct values one unique_count aggregate may hold per period. */
  readonly uniqueValuesMax: number;
  /** Periods one clock tick may close per contract (guards a runaway clock jump). */
  readonly periodsClosedPerTickMax: number;
}

export const defaultMeteringConfig: MeteringConfig = {
  dedupWindowDays: 35,
  futureSkewMs: 5 * 60_000,
  graceMs: 60 * 60_000,
  dedupIdsMax: 10_000_000,
  eventIdLengthMax: 128,
  uniqueValuesMax: 1_000_000,
  periodsClosedPerTickMax: 1_200,
};

/**
 * Accepted event ids bucketed by UTC day of event time: a day's Set is dropped whole once the window has passed
 * it, so memory is bounded by the window (plus the future skew), never by history.
 * `watermarkMs` is the latest platform time seen on metering's own events: buckets older than
 * watermark - window are gone, so decide also judges TOO_OLD against max(now, watermark).
 */
export interface DedupWindow {
  readonly buckets: Map<number, Set<string>>;
  idCount: number;
  watermarkMs: number;
}

/** Running figures of one meter in one open period. */
export interface MeterAggregate {
  sum: Big;
  count: number;
  max: Big | null;
  latest: { quantity: Big; eventTimeMs: number; eventId: string } | null;
  /** Distinct values of the meter's aggregation property; null when the meter does not count unique values. */
  readonly uniqueValues: Set<string> | null;
}

export interface OpenPeriod {
  readonly period: BillingPeriod;
  readonly aggregates: Map<string, MeterAggregate>;
}

export interface NotedContract {
  readonly contractId: string;
  readonly termsVersion: number;
  readonly startMs: number;
  /** Exclusive; Infinity when open-ended. A termination moves it earlier. */
  endMs: number;
  readonly startDate: string;
  readonly billingPeriodAlignment: BillingPeriodAlignment;
  readonly meters: ReadonlyMap<string, MeterDefinition>;
  /** End of the last closed period (ms), null before the first close. Periods close in order. */
  closedThroughMs: number | null;
  /** Aggregates of periods not yet closed; a closed period's figures live on in its PeriodClosed event. */
  readonly openPeriods: Map<string, OpenPeriod>;
}

/**
 * One customer's metering state. `initialState` holds no collections: the first ContractTermsNoted creates them,
 * and evolve then updates them IN PLACE (copying a multi-million-id dedup window per usage event is not an option
 * on the hot path). The state belongs to the runtime's fold; decide only reads it.
 */
export type MeteringState =
  | { readonly status: 'unknown' }
  | {
      readonly status: 'known';
      readonly customerId: string;
      readonly contracts: Map<string, NotedContract>;
      readonly dedup: DedupWindow;
    };

export const initialMeteringState: MeteringState = { status: 'unknown' };

export function dayOf(instantMs: number): number {
  return Math.floor(instantMs / DAY_MS);
}

export function hasSeen(dedup: DedupWindow, eventId: string): boolean {
  for (const ids of dedup.buckets.values()) if (ids.has(eventId)) return true;
  return false;
}

export function newMeterAggregate(meter: MeterDefinition | undefined): MeterAggregate {
  return {
    sum: new Big('0'),
    count: 0,
    max: null,
    latest: null,
    uniqueValues: meter?.aggregation === 'unique_count' ? new Set<string>() : null,
  };
}

export function meterValue(aggregation: Aggregation, aggregate: MeterAggregate): Big {
  switch (aggregation) {
    case 'sum':
      return aggregate.sum;
    case 'count':
      return new Big(aggregate.count);
    case 'max':
      return aggregate.max ?? new Big('0');
    case 'unique_count':
      return new Big(aggregate.uniqueValues?.size ?? 0);
    case 'latest':
      return aggregate.latest?.quantity ?? new Big('0');
  }
}

export function summarize(meter: MeterDefinition, aggregate: MeterAggregate): MeterPeriodAggregate {
  return {
    meterCode: meter.meterCode,
    aggregation: meter.aggregation,
    value: meterValue(meter.aggregation, aggregate),
    sum: aggregate.sum,
    count: aggregate.count,
    max: aggregate.max,
    uniqueCount: aggregate.uniqueValues?.size ?? 0,
    latest: aggregate.latest?.quantity ?? null,
  };
}
