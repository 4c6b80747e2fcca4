import { setMembers, type AppendOnlySet } from '@billing/eventsourcing';
import { Big } from '@billing/money';
import { jsonStateCodec } from '@billing/runtime';
import { deepFreeze, fingerprint } from '@billing/testing';
import { initialMeteringState, meteringDecider, type MeteringCommand, type MeteringState } from '../domain';

// Snapshots written before evolve was pure hold plain Sets where the state now holds append-only sets: they must
// restore and go on deduplicating, and evolving them must not change them either.
function asLegacy(value: unknown): unknown {
  if (value instanceof Big || value === null || typeof value !== 'object') return value;
  if ('positions' in value && value.positions instanceof Map) return new Set(setMembers(value as AppendOnlySet<unknown>));
  if (value instanceof Map) return new Map([...value].map(([key, entry]) => [key, asLegacy(entry)]));
  if (Array.isArray(value)) return value.map(asLegacy);
  return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, asLegacy(field)]));
}

const usage = (eventId: string, userId: string): MeteringCommand => ({
  type: 'UsageReceived', now: '2026-01-15T00:00:00.000Z', eventId, customerId: 'cust-1', meterCode: 'seats', quantity: '1', eventTime: '2026-01-14T00:00:00.000Z', properties: { userId },
});

describe('metering state from a snapshot written before append-only sets', () => {
  it('still rejects a remembered id, counts unique values, and is not changed by evolve', () => {
    const commands: MeteringCommand[] = [
      {
        type: 'ContractTermsReceived', now: '2026-01-01T00:00:00.000Z', customerId: 'cust-1', contractId: 'ctr-1', termsVersion: 1, startDate: '2026-01-01T00:00:00.000Z',
        endDate: null, billingPeriodAlignment: 'calendar_month', meters: [{ meterCode: 'seats', aggregation: 'unique_count', aggregationProperty: 'userId' }],
      },
      usage('u-1', 'ann'),
    ];
    let state: MeteringState = initialMeteringState;
    for (const command of commands) for (const event of meteringDecider.decide(command, state)) state = meteringDecider.evolve(state, event);
    const codec = jsonStateCodec<MeteringState>();
    const legacy = deepFreeze(codec.fromJSON(JSON.parse(JSON.stringify(codec.toJSON(asLegacy(state) as MeteringState)))));
    expect(legacy.status === 'known' && legacy.dedup.buckets.values().next().value).toBeInstanceOf(Set);
    const before = fingerprint(legacy);
    expect(() => meteringDecider.decide(usage('u-1', 'ann'), legacy)).toThrow(expect.objectContaining({ reasonCode: 'DUPLICATE_USAGE' }));
    const next = meteringDecider.decide(usage('u-2', 'bob'), legacy).reduce(meteringDecider.evolve, legacy);
    expect(fingerprint(legacy)).toBe(before);
    expect(() => meteringDecider.decide(usage('u-2', 'x'), next)).toThrow(expect.objectContaining({ reasonCode: 'DUPLICATE_USAGE' }));
    const closed = meteringDecider.decide({ type: 'ClockTicked', now: '2026-02-02T00:00:00.000Z' }, next);
    expect(closed).toMatchObject([{ type: 'PeriodClosed', aggregates: [{ meterCode: 'seats', uniqueCount: 2 }] }]);
  });
});
