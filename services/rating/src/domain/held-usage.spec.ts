import { InvariantViolation, listItems } from '@billing/eventsourcing';
import { specFor } from '@billing/testing';
import type { LateUsageAccepted, UsageAccepted, UsagePriceLine } from './commands';
import { createRatingDecider, ratingDecider } from './decider';
import type { UsageHeld } from './events';
import { defaultRatingConfig, type RatingState } from './state';
import { CONTRACT, acmeTokens, big, closeMonth, only, play, termsReceived, usage } from './test-fixtures';

const given = specFor(ratingDecider);

/** A plain per-unit line: 1 per unit, nothing included, so amounts are the units. */
const perUnit: UsagePriceLine = acmeTokens({
  pricing: { model: 'per_unit', unitPrice: big(1), unitsPerPrice: big(1) },
  includedUnits: big(0),
  overageDiscountRate: big(0),
  commitScope: 'monthly',
});

function held(command: UsageAccepted | LateUsageAccepted): UsageHeld {
  return {
    type: 'UsageHeld',
    customerId: command.customerId,
    contractId: command.contractId,
    usageEventId: command.eventId,
    meterCode: command.meterCode,
    quantity: command.quantity,
    eventTime: command.eventTime,
    periodId: command.periodId,
    properties: command.properties,
    late: command.type === 'LateUsageAccepted',
    receivedAt: command.now,
    heldAt: command.now,
  };
}

function heldContracts(state: RatingState): Record<string, number> {
  if (state.status !== 'rating' || state.held === undefined) return {};
  return Object.fromEntries([...state.held].map(([contractId, usages]) => [contractId, usages.length]));
}

describe('rating: usage arriving before its contract terms is held', () => {
  it('holds usage of a customer it has no terms for yet', () => {
    const command = usage('5', '2026-01-10T00:00:00Z');
    given([]).when(command).then([held(command)]);
  });

  it("holds usage of a contract it has not seen yet, beside the customer's other contract", () => {
    const other = play([termsReceived([perUnit])]).events;
    const command = usage('5', '2026-01-10T00:00:00Z', { contractId: 'ctr-acme-addendum' });
    given(other).when(command).then([held(command)]);
  });

  it('holds late usage as late', () => {
    const late: LateUsageAccepted = { ...usage('5', '2026-01-31T23:00:00Z'), type: 'LateUsageAccepted', now: '2026-02-03T00:00:00.000Z' };
    given([]).when(late).then([{ ...held(late), late: true }]);
  });

  it('keeps held usage in state per contract, in the order held', () => {
    const first = usage('1', '2026-01-10T00:00:00Z');
    const second = usage('2', '2026-01-11T00:00:00Z', { contractId: 'ctr-acme-addendum' });
    const third = usage('3', '2026-01-12T00:00:00Z');
    const state = given([held(first), held(second), held(third)]).state();
    expect(heldContracts(state)).toEqual({ [CONTRACT]: 2, 'ctr-acme-addendum': 1 });
    expect(state.status === 'rating' && listItems(state.held?.get(CONTRACT) ?? []).map((usage) => usage.eventId)).toEqual([first.eventId, third.eventId]);
  });
});

describe('rating: held usage released when the terms arrive', () => {
  it('notes the terms and rates every held usage of the contract in the order held: the events of the in-order stream', () => {
    const usages = [usage('40', '2026-01-10T00:00:00Z'), usage('30', '2026-01-05T00:00:00Z'), usage('1', '2026-01-20T00:00:00Z', { meterCode: 'seats' })];
    const terms = termsReceived([acmeTokens({ ...perUnit, maximumAmount: big(50) })]);
    const inOrder = play([terms, ...usages]).events;
    const { events } = given(usages.map(held)).when(terms).result();
    expect(events).toEqual(inOrder);
    // 40 then 30 units against a maximum of 50: accrued 40, then capped at 50; the unpriced meter rates nothing.
    expect(events.map((event) => event.type)).toEqual(['ContractTermsNoted', 'UsageRated', 'UsageRated']);
    expect(only(events, 'UsageRated').map((event) => [event.usageEventId, event.amount.toFixed(), event.accruedAmount.toFixed()])).toEqual([
      [usages[0].eventId, '40', '40'],
      [usages[1].eventId, '10', '50'],
    ]);
  });

  it("releases only that contract's usage, once: the other contract's stays held, a later terms version releases nothing", () => {
    const mine = usage('4', '2026-01-10T00:00:00Z');
    const addendum = usage('7', '2026-01-10T00:00:00Z', { contractId: 'ctr-acme-addendum' });
    const history = [held(mine), held(addendum)];
    const released = given(history).when(termsReceived([perUnit])).result();
    expect(only(released.events, 'UsageRated').map((event) => event.usageEventId)).toEqual([mine.eventId]);
    expect(heldContracts(released.state)).toEqual({ 'ctr-acme-addendum': 1 });
    const afterwards = play([termsReceived([perUnit], { termsVersion: 2 })], ratingDecider, released.state);
    expect(afterwards.events.map((event) => event.type)).toEqual(['ContractTermsNoted']);
  });

  it('usage after the release is rated on top of the released usage', () => {
    const first = usage('3', '2026-01-10T00:00:00Z');
    const released = given([held(first)]).when(termsReceived([perUnit])).result();
    const next = play([usage('2', '2026-01-11T00:00:00Z')], ratingDecider, released.state);
    expect(only(next.events, 'UsageRated')[0].accruedAmount.toFixed()).toBe('5');
  });

  it('invalid terms release nothing: the usage stays held for the corrected terms', () => {
    const command = usage('3', '2026-01-10T00:00:00Z');
    given([held(command)]).when(termsReceived([acmeTokens({ overageDiscountRate: big('1.5') })])).thenRejects('INVALID_TERMS');
  });
});

describe('rating: clock ticks while usage is held', () => {
  it('a tick passing the period of held usage closes nothing; released, the usage is rated into its period, which the next tick rates final', () => {
    const january = [usage('60', '2026-01-10T00:00:00Z'), usage('40', '2026-01-31T23:00:00Z', { now: '2026-02-01T00:30:00.000Z' })];
    const heldJanuary = january.map(held);
    given(heldJanuary).when(closeMonth('2026-01')).then([]);
    // Terms on Feb 3, after January's close on the clock: January is still open for this new contract, not late.
    const released = given(heldJanuary).when(termsReceived([perUnit], { now: '2026-02-03T00:00:00.000Z' })).result();
    expect(only(released.events, 'UsageRated').map((event) => [event.periodId, event.accruedAmount.toFixed()])).toEqual([
      ['2026-01', '60'],
      ['2026-01', '100'],
    ]);
    expect(only(released.events, 'LateUsageRated')).toEqual([]);
    const nextTick = play([closeMonth('2026-02')], ratingDecider, released.state);
    const periods = only(nextTick.events, 'PeriodRated');
    expect(periods.map((event) => [event.periodId, event.amount.toFixed()])).toEqual([
      ['2026-01', '100'],
      ['2026-02', '0'],
    ]);
    // The same as contract-first, where the second record reached rating within January's grace.
    const contractFirst = play([termsReceived([perUnit]), ...january, closeMonth('2026-01')]);
    expect(only(contractFirst.events, 'PeriodRated')[0].lines).toEqual(periods[0].lines);
  });
});

describe('rating: held usage is bounded', () => {
  const bounded = createRatingDecider({ ...defaultRatingConfig, heldUsageMax: 2 });
  const givenBounded = specFor(bounded);

  it('rejects usage beyond heldUsageMax per customer (across contracts) as HELD_USAGE_LIMIT', () => {
    const history = [held(usage('1', '2026-01-10T00:00:00Z')), held(usage('1', '2026-01-10T00:00:00Z', { contractId: 'ctr-acme-addendum' }))];
    givenBounded(history).when(usage('1', '2026-01-11T00:00:00Z')).thenRejects('HELD_USAGE_LIMIT');
    const withinLimit = usage('1', '2026-01-11T00:00:00Z');
    givenBounded(history.slice(0, 1)).when(withinLimit).then([held(withinLimit)]);
  });

  it('a release makes room again; usage of a noted contract is never counted', () => {
    const run = play(
      [usage('1', '2026-01-10T00:00:00Z'), usage('1', '2026-01-11T00:00:00Z'), usage('1', '2026-01-12T00:00:00Z'), termsReceived([perUnit]), usage('1', '2026-01-13T00:00:00Z'), usage('1', '2026-01-13T00:00:00Z', { contractId: 'ctr-acme-addendum' })],
      bounded,
    );
    expect(run.rejections).toEqual(['HELD_USAGE_LIMIT']);
    expect(only(run.events, 'UsageRated').map((event) => event.accruedAmount.toFixed())).toEqual(['1', '2', '3']);
    expect(heldContracts(run.state)).toEqual({ 'ctr-acme-addendum': 1 });
  });

  it('asserts the limit is a positive integer', () => {
    expect(() => createRatingDecider({ ...defaultRatingConfig, heldUsageMax: 0 })).toThrow(InvariantViolation);
    expect(() => createRatingDecider({ ...defaultRatingConfig, heldUsageMax: 1.5 })).toThrow(InvariantViolation);
  });
});
