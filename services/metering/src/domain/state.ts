import { appendOnlySet, setHas, setSize, type GrowingSet } from '@billing/eventsourcing';
import { Big } from '@billing/money';
import type { Aggregation, MeterDefinition } from './commands';
import type { MeterPeriodAggregate } from './events';
import type { BillingPeriod, BillingPeriodAlignment } from '@billing/calendar';

export const DAY_MS = 86_400_000;

export interface MeteringConfig {
  /** Exact dedup on event id for usage whose event time is within this many days of now; older is TOO_OLD. */
  readonly dedupWindowDays: number;
  /**
   * How far an event time may be ahead of platform time, beyond one clock tick interval (producers' clocks drift).
   * A usage record is stamped with the last tick its worker saw, which lags wall time by up to a tick interval, so
   * the rule is eventTime <= now + clockTickIntervalMs + futureSkewMs.
   */
  readonly futureSkewMs: number;
  /** The platform clock's tick cadence (the realtime ticker's interval); ticks do not carry it. */
  readonly clockTickIntervalMs: number;
  /** How long after its end a period still takes usage as on-time. */
  readonly graceMs: number;
  /**
   * Most event ids one customer's dedup window may hold; past it that customer's usage is rejected (LIMIT_EXCEEDED)
   * rather than deduplicated inexactly, and every other customer is served. The adapter derives it from the
   * partition's budget (METERING_DEDUP_IDS_PER_PARTITION_MAX): a decider sees one customer, not the partition.
   * Memory: see DEDUP_ID_BYTES.
   */
  readonly dedupIdsMax: number;
  /** Bounds the bytes per remembered id. */
  readonly eventIdLengthMax: number;
  /** Distinct values one unique_count aggregate may hold per period; past it usage is rejected (LIMIT_EXCEEDED). */
  readonly uniqueValuesMax: number;
  /** Periods one clock tick may close per contract (guards a runaway clock jump). */
  readonly periodsClosedPerTickMax: number;
}

export const defaultMeteringConfig: MeteringConfig = {
  dedupWindowDays: 35,
  futureSkewMs: 5 * 60_000,
  clockTickIntervalMs: 60_000,
  graceMs: 60 * 60_000,
  dedupIdsMax: 10_000_000,
  eventIdLengthMax: 128,
  uniqueValuesMax: 1_000_000,
  periodsClosedPerTickMax: 1_200,
};

/**
 * Heap bytes one remembered 36-character event id costs (the string plus its slot in a day's append-only set),
 * measured with services/metering/scripts/dedup-memory.ts on Node 20, 35 day buckets: 87.9 B/id at 1,000,000 ids,
 * 98.7 B/id at 3,000,000 (hash tables grow by doubling); 100 is the figure to size with. Ids up to eventIdLengthMax
 * characters cost proportionally more. Sizes METERING_DEDUP_IDS_PER_PARTITION_MAX: 10,000,000 ids ~ 1 GB of heap.
 */
export const DEDUP_ID_BYTES = 100;

/**
 * Accepted event ids bucketed by UTC day of event time: a day's set is dropped whole once the window has passed
 * it, so memory is bounded by the window (plus the future skew), never by history. Each day is an append-only set
 * (see @billing/eventsourcing append-only): evolve adds an id in O(1) without changing any earlier state.
 * `watermarkMs` is the latest platform time seen on metering's own events: buckets older than
 * watermark - window are gone, so decide also judges TOO_OLD against max(now, watermark).
 */
export interface DedupWindow {
  readonly buckets: ReadonlyMap<number, GrowingSet<string>>;
  readonly idCount: number;
  readonly watermarkMs: number;
}

/** Running figures of one meter in one open period. */
export interface MeterAggregate {
  readonly sum: Big;
  readonly count: number;
  readonly max: Big | null;
  readonly latest: { readonly quantity: Big; readonly eventTimeMs: number; readonly eventId: string } | null;
  /** Distinct values of the meter's aggregation property; null when the meter does not count unique values. */
  readonly uniqueValues: GrowingSet<string> | null;
}

export interface OpenPeriod {
  readonly period: BillingPeriod;
  readonly aggregates: ReadonlyMap<string, MeterAggregate>;
}

export interface NotedContract {
  readonly contractId: string;
  readonly termsVersion: number;
  readonly startMs: number;
  /** Exclusive; Infinity when open-ended. A termination moves it earlier. */
  readonly endMs: number;
  readonly startDate: string;
  readonly billingPeriodAlignment: BillingPeriodAlignment;
  readonly meters: ReadonlyMap<string, MeterDefinition>;
  /** End of the last closed period (ms), null before the first close. Periods close in order. */
  readonly closedThroughMs: number | null;
  /** Aggregates of periods not yet closed; a closed period's figures live on in its PeriodClosed event. */
  readonly openPeriods: ReadonlyMap<string, OpenPeriod>;
}

/**
 * One customer's metering state. evolve never changes a state it is given: it returns a new one sharing what did
 * not change (the runtime keeps the committed state while a transaction is open). `initialState` holds no
 * collections: the first ContractTermsNoted creates them.
 */
export type MeteringState =
  | { readonly status: 'unknown' }
  | {
      readonly status: 'known';
      readonly customerId: string;
      readonly contracts: ReadonlyMap<string, NotedContract>;
      readonly dedup: DedupWindow;
    };

export const initialMeteringState: MeteringState = { status: 'unknown' };

export function dayOf(instantMs: number): number {
  return Math.floor(instantMs / DAY_MS);
}

export function hasSeen(dedup: DedupWindow, eventId: string): boolean {
  for (const ids of dedup.buckets.values()) if (setHas(ids, eventId)) return true;
  return false;
}

export function newMeterAggregate(meter: MeterDefinition | undefined): MeterAggregate {
  return {
    sum: new Big('0'),
    count: 0,
    max: null,
    latest: null,
    uniqueValues: meter?.aggregation === 'unique_count' ? appendOnlySet<string>() : null,
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
      return new Big(aggregate.uniqueValues === null ? 0 : setSize(aggregate.uniqueValues));
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
    uniqueCount: aggregate.uniqueValues === null ? 0 : setSize(aggregate.uniqueValues),
    latest: aggregate.latest?.quantity ?? null,
  };
}
