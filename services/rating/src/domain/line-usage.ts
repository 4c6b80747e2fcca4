import { appendOnlySet, setHas, setSize, setWith } from '@billing/eventsourcing';
import { Big } from '@billing/money';
import type { UsagePriceLine } from './commands';
import type { LineUsage } from './state';

/** One usage record as a price line sees it. */
export interface LineUsageAddition {
  readonly quantity: Big;
  readonly eventTimeMs: number;
  readonly eventId: string;
  readonly rampKey: string;
  readonly aggregationValue: string | null;
}

/** Units (and usage events) of a period priced by one pricing (ramp segment), in ramp order. */
export interface UsageSegment {
  readonly rampKey: string;
  readonly units: Big;
  readonly events: Big;
}

export function emptyLineUsage(): LineUsage {
  return { sumBySegment: new Map(), countBySegment: new Map(), max: null, latest: null, lastEventTimeMs: Number.NEGATIVE_INFINITY, uniqueValues: null };
}

/**
 * The pricing interval of a line at `atMs`, as a segment key that sorts chronologically: '' for the base pricing
 * before any ramp, '<effectiveFrom>#ramp' inside a ramp, '<effectiveUntil>#base' for the base pricing after a ramp
 * ended. Ramps are sorted and do not overlap.
 */
export function rampKeyAt(line: UsagePriceLine, atMs: number): string {
  let key = '';
  for (const ramp of line.ramps) {
    if (Date.parse(ramp.effectiveFrom) > atMs) break;
    key = ramp.effectiveUntil === null || atMs < Date.parse(ramp.effectiveUntil) ? `${ramp.effectiveFrom}#ramp` : `${ramp.effectiveUntil}#base`;
  }
  return key;
}

/** The ramp (its effectiveFrom) a segment key prices with; null for the base pricing. */
export function rampOfKey(key: string): string | null {
  return key.endsWith('#ramp') ? key.slice(0, -'#ramp'.length) : null;
}

/** When a segment key's pricing interval starts; null for the base pricing from the beginning. */
export function pricedFromOfKey(key: string): string | null {
  return key === '' ? null : key.slice(0, key.indexOf('#'));
}

export function segmentKey(pricedFrom: string | null, rampEffectiveFrom: string | null): string {
  if (pricedFrom === null) return '';
  return `${pricedFrom}#${rampEffectiveFrom === null ? 'base' : 'ramp'}`;
}

function isLater(eventTimeMs: number, eventId: string, than: { eventTimeMs: number; eventId: string } | null): boolean {
  return than === null || eventTimeMs > than.eventTimeMs || (eventTimeMs === than.eventTimeMs && eventId > than.eventId);
}

function sortedSegments(units: ReadonlyMap<string, Big>, events: ReadonlyMap<string, Big>): UsageSegment[] {
  return [...units.keys()]
    .sort()
    .map((rampKey) => ({ rampKey, units: units.get(rampKey) ?? new Big('0'), events: events.get(rampKey) ?? new Big('0') }));
}

function eventCounts(usage: LineUsage, addition: LineUsageAddition | null): Map<string, Big> {
  const counts = new Map<string, Big>();
  for (const [key, count] of usage.countBySegment) counts.set(key, new Big(count));
  if (addition !== null) counts.set(addition.rampKey, (counts.get(addition.rampKey) ?? new Big('0')).plus(1));
  return counts;
}

/**
 * The line's usage segments, as if `addition` were also counted (without changing `usage`). A function of the
 * multiset of usage: the same whatever order the records arrived in.
 */
export function lineSegments(line: UsagePriceLine, usage: LineUsage | undefined, addition: LineUsageAddition | null): UsageSegment[] {
  const current = usage ?? emptyLineUsage();
  const counts = eventCounts(current, addition);
  switch (line.aggregation) {
    case 'sum': {
      const sums = new Map(current.sumBySegment);
      if (addition !== null) sums.set(addition.rampKey, (sums.get(addition.rampKey) ?? new Big('0')).plus(addition.quantity));
      return sortedSegments(sums, counts);
    }
    case 'count':
      return sortedSegments(counts, counts);
    default: {
      const lastEventTimeMs = Math.max(current.lastEventTimeMs, addition?.eventTimeMs ?? Number.NEGATIVE_INFINITY);
      if (!Number.isFinite(lastEventTimeMs)) return [];
      const events = [...counts.values()].reduce((total, count) => total.plus(count), new Big('0'));
      return [{ rampKey: rampKeyAt(line, lastEventTimeMs), units: singleValue(line, current, addition), events }];
    }
  }
}

function singleValue(line: UsagePriceLine, usage: LineUsage, addition: LineUsageAddition | null): Big {
  switch (line.aggregation) {
    case 'max': {
      const max = usage.max;
      if (addition === null) return max ?? new Big('0');
      return max === null || addition.quantity.gt(max) ? addition.quantity : max;
    }
    case 'latest': {
      if (addition !== null && isLater(addition.eventTimeMs, addition.eventId, usage.latest)) return addition.quantity;
      return usage.latest?.quantity ?? new Big('0');
    }
    case 'unique_count': {
      const size = usage.uniqueValues === null ? 0 : setSize(usage.uniqueValues);
      const grows = addition?.aggregationValue != null && !(usage.uniqueValues !== null && setHas(usage.uniqueValues, addition.aggregationValue));
      return new Big(size + (grows ? 1 : 0));
    }
    default:
      throw new Error(`not a single-value aggregation: ${line.aggregation}`);
  }
}

/** Whether counting `addition` would take the line's unique values past `uniqueValuesMax` (decide rejects it). */
export function wouldExceedUniqueValues(usage: LineUsage | undefined, addition: LineUsageAddition, uniqueValuesMax: number): boolean {
  if (addition.aggregationValue === null) return false;
  const values = usage?.uniqueValues ?? null;
  if (values !== null && setHas(values, addition.aggregationValue)) return false;
  return (values === null ? 0 : setSize(values)) >= uniqueValuesMax;
}

/** The line's aggregates with a usage record folded in (evolve); `usage` is left as it was. */
export function withLineUsage(usage: LineUsage, addition: LineUsageAddition): LineUsage {
  const { rampKey, quantity } = addition;
  return {
    sumBySegment: new Map(usage.sumBySegment).set(rampKey, (usage.sumBySegment.get(rampKey) ?? new Big('0')).plus(quantity)),
    countBySegment: new Map(usage.countBySegment).set(rampKey, (usage.countBySegment.get(rampKey) ?? 0) + 1),
    max: usage.max === null || quantity.gt(usage.max) ? quantity : usage.max,
    latest: isLater(addition.eventTimeMs, addition.eventId, usage.latest) ? { quantity, eventTimeMs: addition.eventTimeMs, eventId: addition.eventId } : usage.latest,
    lastEventTimeMs: Math.max(usage.lastEventTimeMs, addition.eventTimeMs),
    // The unique values limit is decide's (LIMIT_EXCEEDED): nothing input can reach is asserted here.
    uniqueValues: addition.aggregationValue === null ? usage.uniqueValues : setWith(usage.uniqueValues ?? appendOnlySet<string>(), addition.aggregationValue),
  };
}

/** Merges the segments of several periods (a pool) by ramp key; single-value aggregations add up per period. */
export function mergeSegments(perPeriod: readonly UsageSegment[][]): UsageSegment[] {
  const units = new Map<string, Big>();
  const events = new Map<string, Big>();
  for (const segments of perPeriod) {
    for (const segment of segments) {
      units.set(segment.rampKey, (units.get(segment.rampKey) ?? new Big('0')).plus(segment.units));
      events.set(segment.rampKey, (events.get(segment.rampKey) ?? new Big('0')).plus(segment.events));
    }
  }
  return sortedSegments(units, events);
}
