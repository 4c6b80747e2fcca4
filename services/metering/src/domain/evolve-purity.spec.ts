import fc from 'fast-check';
import { Big } from '@billing/money';
import { deepFreeze, fingerprint } from '@billing/testing';
import type { ClockTicked, ContractTermsReceived, ContractTerminationReceived, MeteringCommand, UsageReceived } from './commands';
import { createMeteringDecider } from './decider';
import { defaultMeteringConfig, initialMeteringState, type MeteringState } from './state';

// evolve must never change the state it is given: the runtime keeps the committed state while the transaction that
// will replace it is open, and a retried decision starts from it again.
const decider = createMeteringDecider({ ...defaultMeteringConfig, dedupWindowDays: 3, uniqueValuesMax: 3, dedupIdsMax: 6 });
const CUSTOMER = 'cust-1';
const DAY_MS = 86_400_000;
const START_MS = Date.parse('2026-01-01T00:00:00.000Z');

const terms: ContractTermsReceived = {
  type: 'ContractTermsReceived', now: '2026-01-01T00:00:00.000Z', customerId: CUSTOMER, contractId: 'ctr-1', termsVersion: 1,
  startDate: '2026-01-01T00:00:00.000Z', endDate: null, billingPeriodAlignment: 'calendar_month',
  meters: [
    { meterCode: 'tokens', aggregation: 'sum', aggregationProperty: null },
    { meterCode: 'seats', aggregation: 'unique_count', aggregationProperty: 'userId' },
  ],
};

const at = (hours: number) => new Date(START_MS + hours * 3_600_000).toISOString();

/** Usage, ticks and a termination over ~40 days, with repeated ids and unique values so every path is taken. */
const step: fc.Arbitrary<(nowHours: number) => MeteringCommand> = fc.oneof(
  fc.record({ id: fc.integer({ min: 0, max: 12 }), seat: fc.integer({ min: 0, max: 5 }), meter: fc.constantFrom('tokens', 'seats'), backHours: fc.integer({ min: 0, max: 100 }), quantity: fc.integer({ min: 0, max: 1_000 }) })
    .map(({ id, seat, meter, backHours, quantity }) => (nowHours: number): UsageReceived => ({
      type: 'UsageReceived', now: at(nowHours), eventId: `u-${id}`, customerId: CUSTOMER, meterCode: meter,
      quantity: new Big(quantity).div(8), eventTime: at(nowHours - backHours), properties: { userId: `user-${seat}` },
    })),
  fc.constant((nowHours: number): ClockTicked => ({ type: 'ClockTicked', now: at(nowHours) })),
  fc.constant((nowHours: number): ContractTerminationReceived => ({ type: 'ContractTerminationReceived', now: at(nowHours), customerId: CUSTOMER, contractId: 'ctr-1', effectiveDate: at(nowHours + 24 * 60) })),
);

function decideAndEvolve(command: MeteringCommand, state: MeteringState): MeteringState {
  let next = state;
  try {
    for (const event of decider.decide(command, state)) next = decider.evolve(next, event);
  } catch (error) {
    if ((error as { reasonCode?: string }).reasonCode === undefined) throw error;
  }
  return next;
}

describe('metering evolve is pure', () => {
  it('never changes the (deep-frozen) state it is given, its Maps and append-only sets included', () =>
    fc.assert(
      fc.property(fc.array(fc.tuple(step, fc.integer({ min: 0, max: 30 })), { minLength: 1, maxLength: 60 }), (steps) => {
        let state = decideAndEvolve(terms, initialMeteringState);
        let nowHours = 1;
        for (const [makeCommand, advanceHours] of steps) {
          nowHours += advanceHours;
          const given = deepFreeze(state);
          const before = fingerprint(given);
          state = decideAndEvolve(makeCommand(nowHours), given);
          expect(fingerprint(given)).toBe(before);
        }
      }),
      { numRuns: 200 },
    ));

  it('a kept state forks: the committed state and its successor each see only their own ids', () => {
    const usage = (eventId: string, userId: string): UsageReceived => ({
      type: 'UsageReceived', now: at(10), eventId, customerId: CUSTOMER, meterCode: 'seats', quantity: '1', eventTime: at(9), properties: { userId },
    });
    const committed = deepFreeze(decideAndEvolve(usage('a', 'ann'), decideAndEvolve(terms, initialMeteringState)));
    const staged = decideAndEvolve(usage('b', 'bob'), committed); // appended in place past the committed version
    const retried = decideAndEvolve(usage('c', 'cat'), committed); // a fork of the committed version: copies its prefix
    expect(() => decider.decide(usage('b', 'x'), staged)).toThrow(expect.objectContaining({ reasonCode: 'DUPLICATE_USAGE' }));
    expect(decider.decide(usage('b', 'x'), committed)).toHaveLength(1);
    expect(decider.decide(usage('b', 'x'), retried)).toHaveLength(1);
    expect(() => decider.decide(usage('c', 'x'), retried)).toThrow(expect.objectContaining({ reasonCode: 'DUPLICATE_USAGE' }));
    expect(decider.decide(usage('c', 'x'), staged)).toHaveLength(1);
    const seats = (state: MeteringState) => (state.status === 'known' ? fingerprint(state.contracts.get('ctr-1')?.openPeriods.get('2026-01')?.aggregates.get('seats')?.uniqueValues) : '');
    expect([seats(committed), seats(staged), seats(retried)]).toEqual(['{"set":["ann"]}', '{"set":["ann","bob"]}', '{"set":["ann","cat"]}']);
  });
});
