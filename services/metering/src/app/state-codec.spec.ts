import { Big } from '@billing/money';
import { jsonStateCodec } from '@billing/runtime';
import type { MeteringCommand, MeteringState } from '../domain';
import { meteringDecider } from '../domain';

// A snapshot goes to PostgreSQL as JSON: an open-ended contract (endMs Infinity) must come back open-ended.
function stateWithOpenEndedContract(): MeteringState {
  const commands: MeteringCommand[] = [
    {
      type: 'ContractTermsReceived', now: '2026-01-01T00:00:00.000Z', customerId: 'cust-1', contractId: 'ctr-1', termsVersion: 1,
      startDate: '2026-01-01T00:00:00.000Z', endDate: null, billingPeriodAlignment: 'calendar_month',
      meters: [{ meterCode: 'tokens', aggregation: 'sum', aggregationProperty: null }],
    },
    {
      type: 'UsageReceived', now: '2026-01-15T00:00:00.000Z', eventId: 'u-1', customerId: 'cust-1', meterCode: 'tokens',
      quantity: new Big('12.5'), eventTime: '2026-01-14T00:00:00.000Z', properties: {},
    },
  ];
  let state = meteringDecider.initialState();
  for (const command of commands) for (const event of meteringDecider.decide(command, state)) state = meteringDecider.evolve(state, event);
  return state;
}

const later: MeteringCommand = {
  type: 'UsageReceived', now: '2030-06-01T00:00:00.000Z', eventId: 'u-2', customerId: 'cust-1', meterCode: 'tokens',
  quantity: '3', eventTime: '2030-06-01T00:00:00.000Z', properties: {},
};

describe('metering snapshot codec', () => {
  it('keeps an open-ended contract open and the dedup window exact through JSON', () => {
    const codec = jsonStateCodec<MeteringState>();
    const restored = codec.fromJSON(JSON.parse(JSON.stringify(codec.toJSON(stateWithOpenEndedContract()))));
    expect(restored.status === 'known' && restored.contracts.get('ctr-1')!.endMs).toBe(Number.POSITIVE_INFINITY);
    expect(meteringDecider.decide(later, restored).map((e) => e.type)).toEqual(['UsageAccepted']);
    expect(() => meteringDecider.decide({ ...later, eventId: 'u-1', eventTime: '2026-01-14T00:00:00.000Z', now: '2026-01-15T00:00:00.000Z' }, restored))
      .toThrow(expect.objectContaining({ reasonCode: 'DUPLICATE_USAGE' }));
  });
});
