import { invariant, UnknownEvent } from '@billing/eventsourcing';
import type { AcceptedUsageFields, ContractTermsNoted, MeteringEvent } from './events';
import {
  DAY_MS,
  dayOf,
  newMeterAggregate,
  type DedupWindow,
  type MeteringConfig,
  type MeteringState,
  type NotedContract,
} from './state';

/** Drops every day bucket whose whole day is older than watermark - window. */
function advanceWatermark(dedup: DedupWindow, atMs: number, config: MeteringConfig): void {
  if (atMs <= dedup.watermarkMs) return;
  const previousCutoffDay = dayOf(dedup.watermarkMs - config.dedupWindowDays * DAY_MS);
  dedup.watermarkMs = atMs;
  const cutoffDay = dayOf(atMs - config.dedupWindowDays * DAY_MS);
  if (cutoffDay === previousCutoffDay) return; // buckets only expire when the cutoff moves to a new day
  for (const [day, ids] of dedup.buckets) {
    if (day < cutoffDay) {
      dedup.idCount -= ids.size;
      dedup.buckets.delete(day);
    }
  }
}

function remember(dedup: DedupWindow, event: AcceptedUsageFields, config: MeteringConfig): void {
  const day = dayOf(Date.parse(event.eventTime));
  let ids = dedup.buckets.get(day);
  if (ids === undefined) {
    ids = new Set<string>();
    dedup.buckets.set(day, ids);
  }
  if (!ids.has(event.eventId)) {
    ids.add(event.eventId);
    dedup.idCount += 1;
  }
  advanceWatermark(dedup, Date.parse(event.receivedAt), config);
}

function aggregate(contract: NotedContract, event: AcceptedUsageFields, config: MeteringConfig): void {
  let open = contract.openPeriods.get(event.periodId);
  if (open === undefined) {
    open = {
      period: { periodId: event.periodId, periodStart: event.periodStart, periodEnd: event.periodEnd },
      aggregates: new Map(),
    };
    contract.openPeriods.set(event.periodId, open);
  }
  const meter = contract.meters.get(event.meterCode);
  let figures = open.aggregates.get(event.meterCode);
  if (figures === undefined) {
    figures = newMeterAggregate(meter);
    open.aggregates.set(event.meterCode, figures);
  }
  const eventTimeMs = Date.parse(event.eventTime);
  figures.sum = figures.sum.plus(event.quantity);
  figures.count += 1;
  if (figures.max === null || event.quantity.gt(figures.max)) figures.max = event.quantity;
  // Latest by event time, ties broken by event id: the same figure whatever the arrival order.
  const latest = figures.latest;
  if (latest === null || eventTimeMs > latest.eventTimeMs || (eventTimeMs === latest.eventTimeMs && event.eventId > latest.eventId)) {
    figures.latest = { quantity: event.quantity, eventTimeMs, eventId: event.eventId };
  }
  const property = meter?.aggregationProperty;
  const value = property ? event.properties[property] : undefined;
  if (figures.uniqueValues !== null && value !== undefined) {
    invariant(figures.uniqueValues.size < config.uniqueValuesMax || figures.uniqueValues.has(value), `meter ${event.meterCode} exceeds ${config.uniqueValuesMax} unique values in ${event.periodId}`);
    figures.uniqueValues.add(value);
  }
}

function noteContract(contracts: Map<string, NotedContract>, event: ContractTermsNoted): void {
  const previous = contracts.get(event.contractId);
  contracts.set(event.contractId, {
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

export function evolveMetering(state: MeteringState, event: MeteringEvent, config: MeteringConfig): MeteringState {
  switch (event.type) {
    case 'ContractTermsNoted': {
      const known =
        state.status === 'known'
          ? state
          : {
              status: 'known' as const,
              customerId: event.customerId,
              contracts: new Map<string, NotedContract>(),
              dedup: { buckets: new Map<number, Set<string>>(), idCount: 0, watermarkMs: Date.parse(event.notedAt) },
            };
      noteContract(known.contracts, event);
      return known;
    }
    case 'UsageAccepted':
    case 'LateUsageAccepted': {
      invariant(state.status === 'known', `usage ${event.eventId} accepted for a customer with no contract`);
      remember(state.dedup, event, config);
      const contract = state.contracts.get(event.contractId);
      invariant(contract !== undefined, `usage ${event.eventId} attributed to unknown contract ${event.contractId}`);
      // Late usage is not folded into aggregates: its period's figures were published when it closed.
      if (event.type === 'UsageAccepted') aggregate(contract, event, config);
      return state;
    }
    case 'ContractEndNoted': {
      invariant(state.status === 'known', `contract ${event.contractId} ended for a customer with no contract`);
      const contract = state.contracts.get(event.contractId);
      invariant(contract !== undefined, `end noted for unknown contract ${event.contractId}`);
      contract.endMs = Date.parse(event.endDate);
      return state;
    }
    case 'PeriodClosed': {
      invariant(state.status === 'known', `period ${event.periodId} closed for a customer with no contract`);
      const contract = state.contracts.get(event.contractId);
      invariant(contract !== undefined, `period closed on unknown contract ${event.contractId}`);
      contract.closedThroughMs = Date.parse(event.periodEnd);
      contract.openPeriods.delete(event.periodId);
      advanceWatermark(state.dedup, Date.parse(event.closedAt), config);
      return state;
    }
    default: {
      const unknown: never = event;
      throw new UnknownEvent(unknown);
    }
  }
}

