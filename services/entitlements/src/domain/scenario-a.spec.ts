import fc from 'fast-check';
import { Big } from '@billing/money';
import { fold } from '@billing/eventsourcing';
import { EntitlementCommand } from './commands';
import { entitlementsDecider } from './decider';
import { EntitlementEvent } from './events';
import { balanceOf } from './balances';
import { EntitlementsState } from './state';
import { acmeTermsReceived, tick, usage } from './scenario-a.fixture';

/**
 * Scenario A's January: 130 usage events of 100,000 tokens (13,000,000 in all). 50 events spread over
 * 2026-01-01..15 (5,000,000 by the end of the 15th), 50 over 01-16..23 (the 100th holds the 10,000,000th token,
 * on the 23rd), 30 over 01-24..31.
 */
const EVENT_TOKENS = '100000';
function januaryUsage(): EntitlementCommand[] {
  const spread = (count: number, firstDay: number, lastDay: number, offset: number) =>
    Array.from({ length: count }, (_, index) => {
      const minutes = Math.floor((index * (lastDay - firstDay + 1) * 24 * 60) / count);
      const day = firstDay + Math.floor(minutes / (24 * 60));
      const minuteOfDay = minutes % (24 * 60);
      const time = `2026-01-${String(day).padStart(2, '0')}T${String(Math.floor(minuteOfDay / 60)).padStart(2, '0')}:${String(minuteOfDay % 60).padStart(2, '0')}:00.000Z`;
      return usage(`acme-u-${String(offset + index + 1).padStart(3, '0')}`, EVENT_TOKENS, time);
    });
  return [...spread(50, 1, 15, 0), ...spread(50, 16, 23, 50), ...spread(30, 24, 31, 100)];
}

function run(commands: EntitlementCommand[]): { events: EntitlementEvent[]; state: EntitlementsState } {
  let state = entitlementsDecider.initialState();
  const events: EntitlementEvent[] = [];
  for (const command of commands) {
    const decided = entitlementsDecider.decide(command, state);
    state = fold(entitlementsDecider, decided, state);
    events.push(...decided);
  }
  return { events, state };
}

describe('scenario A: Acme Bank January tokens', () => {
  const usageCommands = januaryUsage();
  const { events, state } = run([acmeTermsReceived, ...usageCommands]);
  const monthly = events.filter((event) => 'featureCode' in event && event.featureCode === 'tokens');

  it('plays 130 events of 100,000 tokens: 13,000,000 in January', () => {
    expect(usageCommands).toHaveLength(130);
    expect(balanceOf(state, 'tokens')).toMatchObject({ consumedUnits: new Big('13000000'), remainingUnits: new Big('-3000000') });
  });

  it('reaches 50% on 2026-01-15 at the 50th event, and 80% later', () => {
    const thresholds = monthly.filter((event) => event.type === 'ThresholdReached');
    expect(thresholds.map((event) => event.type === 'ThresholdReached' && [event.percent, event.usageEventId, event.eventTime.slice(0, 10)])).toEqual([
      [50, 'acme-u-050', '2026-01-15'],
      [80, 'acme-u-080', expect.stringMatching(/^2026-01-(1[6-9]|2[0-3])$/)],
      [100, 'acme-u-100', '2026-01-23'],
    ]);
  });

  it('is exhausted on 2026-01-23, exactly at the event holding the 10,000,000th token', () => {
    const exhausted = monthly.filter((event) => event.type === 'AllowanceExhausted');
    expect(exhausted).toHaveLength(1);
    const holder = usageCommands[99];
    if (holder.type !== 'UsageAccepted' || exhausted[0].type !== 'AllowanceExhausted') throw new Error('unexpected');
    expect(exhausted[0]).toMatchObject({ usageEventId: holder.usageEventId, eventTime: holder.eventTime, consumedUnits: new Big('10000000') });
    expect(exhausted[0].eventTime.slice(0, 10)).toBe('2026-01-23');
    // the tokens before it: 99 events, 9,900,000 < 10,000,000 <= 10,000,000
    const consumedBefore = monthly
      .slice(0, monthly.indexOf(exhausted[0]))
      .filter((event) => event.type === 'UsageConsumed' && event.usageEventId !== holder.usageEventId)
      .reduce((total, event) => (event.type === 'UsageConsumed' ? total.plus(event.quantity) : total), new Big('0'));
    expect(consumedBefore.lt('10000000')).toBe(true);
  });

  it('counts every later January event as overage (what rating prices at the overage price)', () => {
    const consumed = monthly.filter((event) => event.type === 'UsageConsumed');
    const overage = consumed.reduce((total, event) => (event.type === 'UsageConsumed' ? total.plus(event.overageQuantity) : total), new Big('0'));
    expect(overage).toEqual(new Big('3000000'));
    expect(consumed.slice(100).every((event) => event.type === 'UsageConsumed' && event.includedQuantity.eq(0))).toBe(true);
  });

  it('keeps the quarterly pool open (13M of 30M) and rolls January over on the 2026-02-01 tick', () => {
    expect(balanceOf(state, 'tokens.quarterly-pool')).toMatchObject({ consumedUnits: new Big('13000000'), remainingUnits: new Big('17000000') });
    const february = run([acmeTermsReceived, ...usageCommands, tick('2026-02-01T00:00:00.000Z')]);
    expect(february.events.at(-1)).toMatchObject({ type: 'PeriodRolledOver', featureCode: 'tokens', closedConsumedUnits: new Big('13000000') });
    expect(balanceOf(february.state, 'tokens')).toMatchObject({ periodStart: '2026-02-01', consumedUnits: new Big('0'), remainingUnits: new Big('10000000') });
  });
});

describe('scenario A: the terms arrive after some of the usage (no order across topics)', () => {
  const usageCommands = januaryUsage();
  const counting = (events: EntitlementEvent[]) =>
    events.filter((event) => event.type === 'UsageConsumed' || event.type === 'ThresholdReached' || event.type === 'AllowanceExhausted');
  const fiftyPercent = (events: EntitlementEvent[]) =>
    events.find((event) => event.type === 'ThresholdReached' && event.featureCode === 'tokens' && event.percent === 50);
  const exhaustion = (events: EntitlementEvent[]) => events.find((event) => event.type === 'AllowanceExhausted' && event.featureCode === 'tokens');
  const termsFirst = run([acmeTermsReceived, ...usageCommands]).events;

  it('with the terms at any point of January, gives the same 50% date and exhausting usage event as terms-first', () => {
    const termsFirstFifty = fiftyPercent(termsFirst);
    const termsFirstExhausted = exhaustion(termsFirst);
    expect(termsFirstFifty).toMatchObject({ usageEventId: 'acme-u-050', eventTime: expect.stringMatching(/^2026-01-15/) });
    expect(termsFirstExhausted).toMatchObject({ usageEventId: 'acme-u-100', eventTime: expect.stringMatching(/^2026-01-23/) });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: usageCommands.length }), fc.integer({ min: 0, max: 6 * 60 }), (heldCount, delayMinutes) => {
        const held = usageCommands.slice(0, heldCount);
        const lastHeld = held.at(-1);
        const arrival = lastHeld === undefined ? Date.parse(acmeTermsReceived.now) : Date.parse(lastHeld.now);
        // The terms arrive after the held usage, a little later on the platform clock (at most into 2026-02-01).
        const now = new Date(Math.min(arrival + delayMinutes * 60_000, Date.parse('2026-02-01T00:00:00.000Z') - 1)).toISOString();
        const { events, state } = run([...held, { ...acmeTermsReceived, now }, ...usageCommands.slice(heldCount)]);
        expect(events.filter((event) => event.type === 'UsageHeldUntilTerms')).toHaveLength(heldCount);
        expect(state.heldUsage).toEqual([]);
        expect(fiftyPercent(events)).toEqual(termsFirstFifty);
        expect(exhaustion(events)).toEqual(termsFirstExhausted);
        expect(counting(events)).toEqual(counting(termsFirst));
        expect(balanceOf(state, 'tokens')).toEqual(balanceOf(run([acmeTermsReceived, ...usageCommands]).state, 'tokens'));
      }),
      { numRuns: 60 },
    );
  });
});
