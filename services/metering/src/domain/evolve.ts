import { appendOnlySet, invariant, setWith, UnknownEvent } from '@billing/eventsourcing';
import type { AcceptedUsageFields, ContractTermsNoted, MeteringEvent } from './events';
import {
  DAY_MS,
  dayOf,
  newMeterAggregate,
  type DedupWindow,
  type MeterAggregate,
  type MeteringConfig,
  type MeteringState,
  type NotedContract,
  type OpenPeriod,
} from './state';

// evolve never changes the state it is given: each step returns new objects for the path it changes (customer ->
// contract -> open period -> meter aggregate) and shares the rest. The dedup window's and unique values' sets are
// append-only sets (O(1) per event, see @billing/eventsourcing append-only), never copied.

type KnownState = Extract<MeteringState, { status: 'known' }>;

function mapWith<K, V>(map: ReadonlyMap<K, V>, key: K, value: V): Map<K, V> {
  return new Map(map).set(key, value);
}

/** Drops every day bucket whose whole day is older than watermark - window. */
function advanceWatermark(dedup: DedupWindow, atMs: number, config: MeteringConfig): DedupWindow {
  if (atMs <= dedup.watermarkMs) return dedup;
  const previousCutoffDay = dayOf(dedup.watermarkMs - config.dedupWindowDays * DAY_MS);
  const cutoffDay = dayOf(atMs - config.dedupWindowDays * DAY_MS);
  if (cutoffDay === previousCutoffDay) return { ...dedup, watermarkMs: atMs }; // buckets expire only when the cutoff moves a day
  const buckets = new Map(dedup.buckets);
  let idCount = dedup.idCount;
  for (const [day, ids] of dedup.buckets) {
    if (day < cutoffDay) {
      idCount -= ids.size;
      buckets.delete(day);
    }
  }
  return { buckets, idCount, watermarkMs: atMs };
}

function remember(dedup: DedupWindow, event: AcceptedUsageFields, config: MeteringConfig): DedupWindow {
  const day = dayOf(Date.parse(event.eventTime));
  const ids = dedup.buckets.get(day);
  const grown = setWith(ids ?? appendOnlySet<string>(), event.eventId);
  const remembered = grown === ids ? dedup : { ...dedup, buckets: mapWith(dedup.buckets, day, grown), idCount: dedup.idCount + 1 };
  return advanceWatermark(remembered, Date.parse(event.receivedAt), config);
}

/** The meter's figures with one more usage record counted (latest by event time, ties by event id: order-free). */
function counted(figures: MeterAggregate, event: AcceptedUsageFields, aggregationValue: string | undefined): MeterAggregate {
  const eventTimeMs = Date.parse(event.eventTime);
  const latest = figures.latest;
  const isLatest = latest === null || eventTimeMs > latest.eventTimeMs || (eventTimeMs === latest.eventTimeMs && event.eventId > latest.eventId);
  return {
    sum: figures.sum.plus(event.quantity),
    count: figures.count + 1,
    max: figures.max === null || event.quantity.gt(figures.max) ? event.quantity : figures.max,
    latest: isLatest ? { quantity: event.quantity, eventTimeMs, eventId: event.eventId } : latest,
    // The unique values limit is decide's (LIMIT_EXCEEDED): nothing input can reach is asserted here.
    uniqueValues: figures.uniqueValues !== null && aggregationValue !== undefined ? setWith(figures.uniqueValues, aggregationValue) : figures.uniqueValues,
  };
}

function aggregate(contract: NotedContract, event: AcceptedUsageFields): NotedContract {
  const open: OpenPeriod = contract.openPeriods.get(event.periodId) ?? {
    period: { periodId: event.periodId, periodStart: event.periodStart, periodEnd: event.periodEnd },
    aggregates: new Map(),
  };
  const meter = contract.meters.get(event.meterCode);
  const figures = open.aggregates.get(event.meterCode) ?? newMeterAggregate(meter);
  const property = meter?.aggregationProperty;
  const next = counted(figures, event, property ? event.properties[property] : undefined);
  const period: OpenPeriod = { ...open, aggregates: mapWith(open.aggregates, event.meterCode, next) };
  return { ...contract, openPeriods: mapWith(contract.openPeriods, event.periodId, period) };
}

function noteContract(contracts: ReadonlyMap<string, NotedContract>, event: ContractTermsNoted): Map<string, NotedContract> {
  const previous = contracts.get(event.contractId);
  return mapWith(contracts, event.contractId, {
    contractId: event.contractId,
    termsVersion: event.termsVersion,
    startMs: Date.parse(event.startDate),
    endMs: event.endDate === null ? Number.POSITIVE_INFINITY : Date.parse(event.endDate),
    startDate: event.startDate,
    billingPeriodAlignment: event.billingPeriodAlignment,
    meters: new Map(event.meters.map((meter) => [meter.meterCode, meter])),
    closedThroughMs: previous?.closedThroughMs ?? null,
    openPeriods: previous?.openPeriods ?? new Map(),
  });
}

function knownState(state: MeteringState, what: string): KnownState {
  invariant(state.status === 'known', `${what} for a customer with no contract`);
  return state;
}

function contractOf(state: KnownState, contractId: string, what: string): NotedContract {
  const contract = state.contracts.get(contractId);
  invariant(contract !== undefined, `${what} on unknown contract ${contractId}`);
  return contract;
}

function withContract(state: KnownState, contract: NotedContract): KnownState {
  return { ...state, contracts: mapWith(state.contracts, contract.contractId, contract) };
}

function onTermsNoted(state: MeteringState, event: ContractTermsNoted): KnownState {
  const known: KnownState =
    state.status === 'known'
      ? state
      : { status: 'known', customerId: event.customerId, contracts: new Map(), dedup: { buckets: new Map(), idCount: 0, watermarkMs: Date.parse(event.notedAt) } };
  return { ...known, contracts: noteContract(known.contracts, event) };
}

function onUsageAccepted(state: MeteringState, event: Extract<MeteringEvent, { type: 'UsageAccepted' | 'LateUsageAccepted' }>, config: MeteringConfig): KnownState {
  const known = knownState(state, `usage ${event.eventId} accepted`);
  const contract = contractOf(known, event.contractId, `usage ${event.eventId} attributed`);
  const dedup = remember(known.dedup, event, config);
  // Late usage is not folded into aggregates: its period's figures were published when it closed.
  const contracts = event.type === 'UsageAccepted' ? mapWith(known.contracts, contract.contractId, aggregate(contract, event)) : known.contracts;
  return { ...known, contracts, dedup };
}

export function evolveMetering(state: MeteringState, event: MeteringEvent, config: MeteringConfig): MeteringState {
  switch (event.type) {
    case 'ContractTermsNoted':
      return onTermsNoted(state, event);
    case 'UsageAccepted':
    case 'LateUsageAccepted':
      return onUsageAccepted(state, event, config);
    case 'ContractEndNoted': {
      const known = knownState(state, `contract ${event.contractId} ended`);
      return withContract(known, { ...contractOf(known, event.contractId, 'end noted'), endMs: Date.parse(event.endDate) });
    }
    case 'PeriodClosed': {
      const known = knownState(state, `period ${event.periodId} closed`);
      const contract = contractOf(known, event.contractId, 'period closed');
      const openPeriods = new Map(contract.openPeriods);
      openPeriods.delete(event.periodId);
      const closed = withContract(known, { ...contract, closedThroughMs: Date.parse(event.periodEnd), openPeriods });
      return { ...closed, dedup: advanceWatermark(known.dedup, Date.parse(event.closedAt), config) };
    }
    default: {
      const unknown: never = event;
      throw new UnknownEvent(unknown);
    }
  }
}
