import fc from 'fast-check';
import { deepFreeze, fingerprint } from '@billing/testing';
import type { ContractTerminationReceived, RatingCommand } from './commands';
import { ratingDecider } from './decider';
import { initialRatingState, type RatingState } from './state';
import { CONTRACT, CUSTOMER, acmeTokens, big, closeMonth, termsReceived, usage } from './test-fixtures';

// evolve must never change the state it is given: the runtime keeps the committed state while the transaction that
// will replace it is open, and a retried decision starts from it again.
const seats = acmeTokens({ priceLineId: 'seats', meterCode: 'seats', aggregation: 'unique_count', aggregationProperty: 'userId', includedUnits: big(1), commitScope: 'monthly' });
const terms = termsReceived([acmeTokens({ includedUnits: big(100) }), seats], {
  prepaidCredits: [{ creditId: 'cr-1', meterCode: 'tokens', units: big(500), validFrom: '2026-01-01T00:00:00.000Z', expiresOn: '2027-01-01T00:00:00.000Z', priority: 1 }],
});
const termination: ContractTerminationReceived = { type: 'ContractTerminationReceived', now: '2026-04-10T00:00:00.000Z', customerId: CUSTOMER, contractId: CONTRACT, effectiveDate: '2026-05-01T00:00:00.000Z' };

const usageOn = fc
  .record({ day: fc.integer({ min: 0, max: 110 }), quantity: fc.integer({ min: 0, max: 400 }), seat: fc.integer({ min: 0, max: 3 }), meter: fc.constantFrom('tokens', 'seats'), lateBy: fc.integer({ min: 0, max: 40 }) })
  .map(({ day, quantity, seat, meter, lateBy }): RatingCommand => {
    const eventTime = new Date(Date.parse('2026-01-01T00:00:00Z') + day * 86_400_000).toISOString();
    const now = new Date(Date.parse(eventTime) + lateBy * 86_400_000).toISOString();
    return { ...usage(big(quantity), eventTime, { meterCode: meter, properties: { userId: `user-${seat}` } }), now };
  });

/** Usage (some before the terms: held), month closes, late usage after them, and a termination, in a random order. */
const commands = fc
  .tuple(fc.array(usageOn, { maxLength: 25 }), fc.integer({ min: 0, max: 25 }), fc.boolean())
  .map(([usages, termsAt, terminated]) => {
    const sorted = [...usages, closeMonth('2026-01'), closeMonth('2026-02'), closeMonth('2026-03'), closeMonth('2026-04'), ...(terminated ? [termination] : [])].sort((a, b) => (a.now < b.now ? -1 : 1));
    return [...sorted.slice(0, termsAt), terms, ...sorted.slice(termsAt)];
  });

describe('rating evolve is pure', () => {
  it('never changes the (deep-frozen) state it is given: contracts, periods, credits, true-ups, unique values, held usage', () =>
    fc.assert(
      fc.property(commands, (sequence) => {
        let state: RatingState = initialRatingState;
        for (const command of sequence) {
          const given = deepFreeze(state);
          const before = fingerprint(given);
          let next = given;
          try {
            for (const event of ratingDecider.decide(command, given)) next = ratingDecider.evolve(next, event);
          } catch (error) {
            if ((error as { reasonCode?: string }).reasonCode === undefined) throw error;
          }
          expect(fingerprint(given)).toBe(before);
          state = next;
        }
      }),
      { numRuns: 200 },
    ));

  it('a kept state forks: held usage and unique values of the committed state and of each successor stay apart', () => {
    const held = (userId: string) => usage(big(1), '2026-01-10T00:00:00Z', { meterCode: 'seats', properties: { userId } });
    let committed: RatingState = initialRatingState;
    for (const event of ratingDecider.decide(held('ann'), committed)) committed = ratingDecider.evolve(committed, event);
    deepFreeze(committed);
    const fold = (command: RatingCommand, from: RatingState) => ratingDecider.decide(command, from).reduce(ratingDecider.evolve, from);
    const staged = fold(held('bob'), committed);
    const retried = fold(held('cat'), committed);
    const units = (state: RatingState) => fold(terms, state);
    const seatsAccrued = (state: RatingState) =>
      ratingDecider.decide(terms, state).flatMap((event) => (event.type === 'UsageRated' && event.priceLineId === 'seats' ? [event.accruedAmount.toFixed()] : []));
    // One seat included, 0.004 per 1,000 seats with 20% off: ann alone is free, a second seat accrues.
    expect([seatsAccrued(committed), seatsAccrued(staged), seatsAccrued(retried)]).toEqual([['0'], ['0', '0.0000032'], ['0', '0.0000032']]);
    expect(fingerprint(units(staged))).not.toBe(fingerprint(units(retried)));
  });
});
