import { specFor } from '@billing/testing';
import type { UsagePriceLine } from './commands';
import { ratingDecider } from './decider';
import type { ContractTermsNoted, PeriodRated, UsageRated } from './events';
import type { PricingModel } from './pricing';
import { tier } from './pricing/test-helpers';
import { CONTRACT, CUSTOMER, acmeTokens, big, closeMonth, only, play, termsReceived, usage } from './test-fixtures';

const given = specFor(ratingDecider);

function noted(lines: UsagePriceLine[] = [acmeTokens()], overrides: Partial<ContractTermsNoted> = {}): ContractTermsNoted {
  const { type: _type, now, ...terms } = termsReceived(lines);
  return { type: 'ContractTermsNoted', ...terms, notedAt: now, ...overrides };
}

/** A plain line: no included units, no discount, monthly. */
function line(pricing: PricingModel, overrides: Partial<UsagePriceLine> = {}): UsagePriceLine {
  return acmeTokens({ pricing, includedUnits: big(0), overageDiscountRate: big(0), commitScope: 'monthly', ...overrides });
}

/** January's PeriodRated for `lines` after `quantities` of January usage. */
function januaryRated(lines: UsagePriceLine[], quantities: string[]): PeriodRated {
  const history = play([termsReceived(lines), ...quantities.map((quantity, index) => usage(quantity, `2026-01-${String(10 + index).padStart(2, '0')}T00:00:00Z`))]).events;
  const [rated] = given(history).when(closeMonth('2026-01')).result().events as PeriodRated[];
  return rated;
}

describe('rating: contract terms', () => {
  it('notes a contract version', () => given([]).when(termsReceived()).then([noted()]));
  it('ignores a version already noted', () => given([noted()]).when(termsReceived()).then([]));
  it('rejects an unknown currency', () => given([]).when(termsReceived(undefined, { currency: 'XYZ' })).thenRejects('UNKNOWN_CURRENCY'));
  it('rejects terms with decreasing tiers, a discount above 100% or a minimum above the maximum', () => {
    given([]).when(termsReceived([line({ model: 'graduated', tiers: [tier('10', '1'), tier('5', '1'), tier(null, '1')] })])).thenRejects('INVALID_TERMS');
    given([]).when(termsReceived([acmeTokens({ overageDiscountRate: big('1.5') })])).thenRejects('INVALID_TERMS');
    given([]).when(termsReceived([acmeTokens({ minimumAmount: big(10), maximumAmount: big(5) })])).thenRejects('INVALID_TERMS');
  });
  it('holds usage of a customer or contract it has no terms for yet (held-usage.spec.ts), never rejects it', () => {
    expect(given([]).when(usage('1', '2026-01-10T00:00:00Z')).result().events.map((event) => event.type)).toEqual(['UsageHeld']);
    expect(given([noted()]).when(usage('1', '2026-01-10T00:00:00Z', { contractId: 'ctr-other' })).result().events.map((event) => event.type)).toEqual(['UsageHeld']);
  });
  it('rates nothing for a meter without a price line', () => given([noted()]).when(usage('5', '2026-01-10T00:00:00Z', { meterCode: 'seats' })).then([]));
});

describe('rating: usage rated in real time', () => {
  it('emits UsageRated with the increment and the accrued amount', () => {
    const command = usage('2000', '2026-01-10T00:00:00Z');
    const expected: UsageRated = {
      type: 'UsageRated',
      customerId: CUSTOMER,
      contractId: CONTRACT,
      currency: 'USD',
      priceLineId: 'tokens-overage',
      meterCode: 'tokens',
      periodId: '2026-01',
      periodStart: '2026-01-01T00:00:00.000Z',
      periodEnd: '2026-02-01T00:00:00.000Z',
      usageEventId: command.eventId,
      quantity: big('2000'),
      eventTime: '2026-01-10T00:00:00.000Z',
      rampEffectiveFrom: null,
      pricedFrom: null,
      aggregationValue: null,
      ratedAt: '2026-01-10T00:00:00.000Z',
      amount: big('2000').times('0.004').div(1000),
      accruedAmount: big('2000').times('0.004').div(1000),
    };
    given([noted([line({ model: 'per_unit', unitPrice: big('0.004'), unitsPerPrice: big('1000') })])]).when(command).then([expected]);
  });

  it('caps the accrual at the maximum in real time', () => {
    const lines = [line({ model: 'per_unit', unitPrice: big(1), unitsPerPrice: big(1) }, { maximumAmount: big(100) })];
    const run = play([termsReceived(lines), usage('80', '2026-01-10T00:00:00Z'), usage('50', '2026-01-11T00:00:00Z')]);
    expect(only(run.events, 'UsageRated').map((event) => [event.amount.toFixed(), event.accruedAmount.toFixed()])).toEqual([
      ['80', '80'],
      ['20', '100'],
    ]);
  });
});

describe('rating: every pricing model, period-final', () => {
  it('flat: the amount once, whatever the usage', () => {
    expect(januaryRated([line({ model: 'flat', amount: big('50000') })], []).amount.toFixed()).toBe('50000');
    expect(januaryRated([line({ model: 'flat', amount: big('50000') })], ['7', '9']).amount.toFixed()).toBe('50000');
  });
  it('per unit', () => expect(januaryRated([line({ model: 'per_unit', unitPrice: big('0.5'), unitsPerPrice: big(1) })], ['3', '4']).amount.toFixed()).toBe('3.5'));
  it('graduated: units priced by the tier they fall in', () =>
    expect(januaryRated([line({ model: 'graduated', tiers: [tier('10', '1'), tier(null, '0.5')] })], ['6', '6']).amount.toFixed()).toBe('11'));
  it('volume: all units at the tier the total lands in', () =>
    expect(januaryRated([line({ model: 'volume', tiers: [tier('10', '1'), tier(null, '0.5')] })], ['6', '6']).amount.toFixed()).toBe('6'));
  it('package rounded up and down', () => {
    const pricing = { model: 'package' as const, packageSize: big(10), packagePrice: big(3) };
    expect(januaryRated([line({ ...pricing, rounding: 'up' })], ['6', '6']).amount.toFixed()).toBe('6');
    expect(januaryRated([line({ ...pricing, rounding: 'down' })], ['6', '6']).amount.toFixed()).toBe('3');
  });
  it('percentage of a monetary quantity, plus a fee per usage event', () =>
    expect(januaryRated([line({ model: 'percentage', rate: big('0.029'), fixedAmountPerEvent: big('0.3') })], ['100.10', '50']).amount.toFixed()).toBe(
      big('150.1').times('0.029').plus('0.6').toFixed(),
    ));
  it('included units drawn down before graduated tiers, then the overage discount', () => {
    const rated = januaryRated([line({ model: 'graduated', tiers: [tier('10', '1'), tier(null, '0.5')] }, { includedUnits: big(5), overageDiscountRate: big('0.1') })], ['20']);
    expect(rated.lines[0]).toMatchObject({ billableUnits: big(15), overageAmount: big('12.5'), overageDiscountAmount: big('1.25'), amount: big('11.25') });
  });
  it('a line discount applies to the whole charge, a fixed discount comes off it, never below zero', () => {
    const flatPlus = line({ model: 'per_unit', unitPrice: big(1), unitsPerPrice: big(1) }, { discountRate: big('0.1'), fixedDiscountAmount: big(5) });
    expect(januaryRated([flatPlus], ['100']).lines[0]).toMatchObject({ discountAmount: big(10), fixedDiscountAmount: big(5), amount: big(85) });
    expect(januaryRated([flatPlus], ['2']).lines[0]).toMatchObject({ fixedDiscountAmount: big('1.8'), amount: big(0) });
  });
  it('a minimum tops the period up; a maximum caps it', () => {
    const perUnit: PricingModel = { model: 'per_unit', unitPrice: big(1), unitsPerPrice: big(1) };
    expect(januaryRated([line(perUnit, { minimumAmount: big(100) })], ['30']).lines[0]).toMatchObject({ minimumTopUpAmount: big(70), amount: big(100) });
    expect(januaryRated([line(perUnit, { minimumAmount: big(100) })], []).amount.toFixed()).toBe('100');
    expect(januaryRated([line(perUnit, { maximumAmount: big(100) })], ['130']).lines[0]).toMatchObject({ maximumReductionAmount: big(30), amount: big(100) });
  });
  it('count, max, latest and unique count aggregations', () => {
    const perUnit: PricingModel = { model: 'per_unit', unitPrice: big(2), unitsPerPrice: big(1) };
    expect(januaryRated([line(perUnit, { aggregation: 'count' })], ['6', '6', '1']).amount.toFixed()).toBe('6');
    expect(januaryRated([line(perUnit, { aggregation: 'max' })], ['6', '9', '1']).amount.toFixed()).toBe('18');
    expect(januaryRated([line(perUnit, { aggregation: 'latest' })], ['6', '9', '1']).amount.toFixed()).toBe('2');
    const seats = [line(perUnit, { aggregation: 'unique_count', aggregationProperty: 'userId' })];
    const history = play([
      termsReceived(seats),
      usage('1', '2026-01-10T00:00:00Z', { properties: { userId: 'ann' } }),
      usage('1', '2026-01-11T00:00:00Z', { properties: { userId: 'bob' } }),
      usage('1', '2026-01-12T00:00:00Z', { properties: { userId: 'ann' } }),
    ]).events;
    expect((given(history).when(closeMonth('2026-01')).result().events[0] as PeriodRated).amount.toFixed()).toBe('4');
  });
  it('ramps: usage priced by the pricing in effect on its date, tiers counted across the period', () => {
    const ramped = line(
      { model: 'graduated', tiers: [tier('10', '1'), tier(null, '0.5')] },
      { ramps: [{ effectiveFrom: '2026-01-16T00:00:00.000Z', effectiveUntil: '2026-01-25T00:00:00.000Z', pricing: { model: 'graduated', tiers: [tier('10', '2'), tier(null, '1')] } }] },
    );
    const run = play([termsReceived([ramped]), usage('8', '2026-01-20T00:00:00Z'), usage('8', '2026-01-05T00:00:00Z'), closeMonth('2026-01')]);
    // Units 1-8 (Jan 5) at the base tier 1 price: 8. Units 9-16 (Jan 20) at the ramp: 2 in tier 1 at 2, 6 in tier 2 at 1.
    expect(only(run.events, 'PeriodRated')[0].amount.toFixed()).toBe(big(8).plus(4).plus(6).toFixed());
    expect(only(run.events, 'UsageRated')[0].rampEffectiveFrom).toBe('2026-01-16T00:00:00.000Z');
    // After the ramp's end the base pricing applies again: 4 more units in tier 2 at 0.5.
    const after = play([usage('4', '2026-01-26T00:00:00Z')], ratingDecider, play([termsReceived([ramped]), usage('8', '2026-01-20T00:00:00Z'), usage('8', '2026-01-05T00:00:00Z')]).state);
    expect(only(after.events, 'UsageRated')[0]).toMatchObject({ rampEffectiveFrom: null, pricedFrom: '2026-01-25T00:00:00.000Z' });
    expect(only(after.events, 'UsageRated')[0].amount.toFixed()).toBe('2');
  });
  it('prepaid credit units are drawn after the included units and before overage, by priority, granted once', () => {
    const perUnit: PricingModel = { model: 'per_unit', unitPrice: big(1), unitsPerPrice: big(1) };
    const credit = (creditId: string, units: string, priority: number) => ({
      creditId,
      meterCode: 'tokens',
      units: big(units),
      validFrom: '2026-01-01T00:00:00.000Z',
      expiresOn: '2027-01-01T00:00:00.000Z',
      priority,
    });
    const terms = termsReceived([line(perUnit, { includedUnits: big(10) })], { prepaidCredits: [credit('cr-late', '100', 2), credit('cr-first', '30', 1)] });
    const run = play([
      terms,
      { ...terms, termsVersion: 2 },
      usage('40', '2026-01-10T00:00:00Z'),
      closeMonth('2026-01'),
      usage('200', '2026-02-10T00:00:00Z'),
      closeMonth('2026-02'),
    ]);
    const [january, february] = only(run.events, 'PeriodRated');
    expect(january.lines[0]).toMatchObject({ creditUnitsApplied: big(30), creditsApplied: [{ creditId: 'cr-first', units: big(30) }], amount: big(0) });
    expect(february.lines[0]).toMatchObject({ creditUnitsApplied: big(100), creditsApplied: [{ creditId: 'cr-late', units: big(100) }], billableUnits: big(90) });
    expect(february.amount.toFixed()).toBe('90');
  });
  it('accrues with the credit units left in real time', () => {
    const terms = termsReceived([line({ model: 'per_unit', unitPrice: big(1), unitsPerPrice: big(1) })], {
      prepaidCredits: [{ creditId: 'cr', meterCode: 'tokens', units: big(5), validFrom: '2026-01-01T00:00:00Z', expiresOn: '2026-02-01T00:00:00Z', priority: 0 }],
    });
    const run = play([terms, usage('3', '2026-01-10T00:00:00Z'), usage('3', '2026-01-11T00:00:00Z')]);
    expect(only(run.events, 'UsageRated').map((event) => event.accruedAmount.toFixed())).toEqual(['0', '1']);
  });
});

describe('rating: late usage', () => {
  const tiered = line({ model: 'graduated', tiers: [tier('100', '1'), tier(null, '0.1')] });

  it('rates late usage for a closed period as the difference, at the tier the period total puts it in', () => {
    const history = play([termsReceived([tiered]), usage('95', '2026-01-20T00:00:00Z'), closeMonth('2026-01')]).events;
    const late = usage('10', '2026-01-31T23:59:00Z', { type: 'LateUsageAccepted', now: '2026-02-03T00:00:00.000Z' } as never);
    const [event] = given(history).when(late).result().events;
    // 5 units left in tier 1 at 1, 5 in tier 2 at 0.1.
    expect(event).toMatchObject({ type: 'LateUsageRated', periodId: '2026-01', previousAmount: big(95), reratedAmount: big('100.5'), amount: big('5.5') });
  });

  it('treats usage metering accepted on time but reaching rating after the close as late', () => {
    const history = play([termsReceived([tiered]), usage('95', '2026-01-20T00:00:00Z'), closeMonth('2026-01')]).events;
    const [event] = given(history).when(usage('1', '2026-01-31T23:59:00Z', { now: '2026-02-01T00:59:00.000Z' })).result().events;
    expect(event.type).toBe('LateUsageRated');
  });

  it('counts usage within grace in its period (on-time)', () => {
    const run = play([termsReceived([tiered]), usage('95', '2026-01-20T00:00:00Z'), usage('10', '2026-01-31T23:59:00Z', { now: '2026-02-01T00:30:00.000Z' }), closeMonth('2026-01')]);
    expect(only(run.events, 'PeriodRated')[0].amount.toFixed()).toBe('100.5');
  });

  it('re-trues a pooled quarter already trued up', () => {
    const run = play([termsReceived(), usage('13000000', '2026-01-20T00:00:00Z'), closeMonth('2026-01'), closeMonth('2026-02'), closeMonth('2026-03')]);
    // January charged 9.60; the quarter's 13M is within the pooled 30M: the true-up gives the 9.60 back.
    expect(only(run.events, 'TrueUpCalculated')[0].amount.toFixed()).toBe('-9.6');
    const late = play([usage('20000000', '2026-03-31T12:00:00Z', { now: '2026-04-05T00:00:00.000Z' })], ratingDecider, run.state);
    const [lateRated] = only(late.events, 'LateUsageRated');
    const [retrued] = only(late.events, 'TrueUpCalculated');
    // March alone: 20M - 10M included = 10M billable = 32. The quarter: 33M - 30M = 3M = 9.60 pooled, 9.60 + 32
    // charged, -9.60 trued up already: 9.60 - 41.60 + 9.60 = -22.40, so the customer pays 9.60 net for the quarter.
    expect(lateRated.amount.toFixed()).toBe('32');
    expect(retrued.lines[0]).toMatchObject({ pooledAmount: big('9.6'), chargedAmount: big('41.6'), previouslyTruedUpAmount: big('-9.6') });
    expect(retrued.amount.toFixed()).toBe('-22.4');
  });
});
