import fc from 'fast-check';
import { Big } from '@billing/money';
import type { RatingCommand, UsagePriceLine } from './commands';
import type { RatingEvent } from './events';
import type { PricingModel } from './pricing';
import { tier } from './pricing/test-helpers';
import { acmeTokens, big, closeMonth, only, play, termsReceived, usage } from './test-fixtures';

const JANUARY_START_MS = Date.parse('2026-01-01T00:00:00Z');
const JANUARY_MS = 31 * 86_400_000;

const pricingModels: PricingModel[] = [
  { model: 'per_unit', unitPrice: big('0.004'), unitsPerPrice: big('1000') },
  { model: 'graduated', tiers: [tier('1000', '0.3'), tier('50000', '0.07', '5'), tier(null, '0.0013')] },
  { model: 'volume', tiers: [tier('1000', '0.3'), tier('50000', '0.07', '5'), tier(null, '0.0013')] },
  { model: 'package', packageSize: big('750'), packagePrice: big('1.25'), rounding: 'up' },
  { model: 'percentage', rate: big('0.0275'), fixedAmountPerEvent: big('0.3') },
  { model: 'percentage', rate: big('0.0275'), fixedAmountPerEvent: big('0') },
];

const lineArbitrary = fc
  .record({
    pricing: fc.constantFrom(...pricingModels),
    includedUnits: fc.integer({ min: 0, max: 20_000 }),
    discountPercent: fc.integer({ min: 0, max: 100 }),
    withRamp: fc.boolean(),
    rampUntil: fc.constantFrom(null, '2026-01-25T00:00:00.000Z'),
    aggregation: fc.constantFrom('sum' as const, 'sum' as const, 'max' as const, 'count' as const),
  })
  .map(
    ({ pricing, includedUnits, discountPercent, withRamp, rampUntil, aggregation }): UsagePriceLine =>
      acmeTokens({
        pricing,
        aggregation,
        includedUnits: big(includedUnits),
        overageDiscountRate: big(discountPercent).div(100),
        commitScope: 'monthly',
        ramps: withRamp ? [{ effectiveFrom: '2026-01-16T00:00:00.000Z', effectiveUntil: rampUntil, pricing: pricingModels[1] }] : [],
      }),
  );

/** Quantities with up to 3 decimals. */
const quantityArbitrary = fc.integer({ min: 0, max: 40_000_000 }).map((thousandths) => big(thousandths).div(1000));
const timeArbitrary = fc.integer({ min: 0, max: JANUARY_MS - 1 }).map((offsetMs) => new Date(JANUARY_START_MS + offsetMs).toISOString());

function januaryRating(line: UsagePriceLine, usages: readonly { quantity: Big; eventTime: string }[]) {
  const run = play([termsReceived([line]), ...usages.map(({ quantity, eventTime }) => usage(quantity, eventTime)), closeMonth('2026-01')]);
  const accrued = only(run.events, 'UsageRated');
  return {
    final: only(run.events, 'PeriodRated')[0].lines[0],
    accrued: accrued.length === 0 ? big(0) : accrued[accrued.length - 1].accruedAmount,
    increments: accrued.reduce((total, event) => total.plus(event.amount), big(0)),
  };
}

describe('rating properties', () => {
  it('splitting a usage batch into any number of events gives the same total charge', () =>
    fc.assert(
      fc.property(
        // A per-event fee charges each event by definition, so splitting is priced the same only without one.
        lineArbitrary.filter((line) => line.aggregation === 'sum' && !(line.pricing.model === 'percentage' && !line.pricing.fixedAmountPerEvent.eq(0))),
        fc.array(fc.integer({ min: 1, max: 5_000_000 }), { minLength: 1, maxLength: 40 }),
        timeArbitrary,
        (line, partsThousandths, eventTime) => {
          const parts = partsThousandths.map((part) => big(part).div(1000));
          const total = parts.reduce((sum, part) => sum.plus(part), big(0));
          const whole = januaryRating(line, [{ quantity: total, eventTime }]);
          const split = januaryRating(line, parts.map((quantity) => ({ quantity, eventTime })));
          expect(split.final.amount.eq(whole.final.amount)).toBe(true);
          expect(split.accrued.eq(whole.accrued)).toBe(true);
          expect(split.increments.eq(split.accrued)).toBe(true);
        },
      ),
      { numRuns: 150 },
    ));

  it('rating is order-independent within a period (ramps, tiers, included units, aggregations)', () =>
    fc.assert(
      fc.property(
        lineArbitrary,
        fc.array(fc.record({ quantity: quantityArbitrary, eventTime: timeArbitrary }), { minLength: 1, maxLength: 30 }).chain((usages) =>
          fc.tuple(fc.constant(usages), fc.shuffledSubarray(usages, { minLength: usages.length, maxLength: usages.length })),
        ),
        (line, [usages, shuffled]) => {
          const inOrder = januaryRating(line, usages);
          const reordered = januaryRating(line, shuffled);
          expect(reordered.final).toEqual(inOrder.final);
          expect(reordered.accrued.eq(inOrder.accrued)).toBe(true);
        },
      ),
      { numRuns: 150 },
    ));
});

/** January's total on the line: its period-final rating plus any late usage rated into it afterwards. */
function januaryTotal(events: readonly RatingEvent[]): Big {
  const final = only(events, 'PeriodRated').filter((event) => event.periodId === '2026-01');
  expect(final).toHaveLength(1);
  const late = only(events, 'LateUsageRated').filter((event) => event.periodId === '2026-01');
  return late.reduce((total, event) => total.plus(event.amount), final[0].amount);
}

describe('rating properties: contract terms arriving after usage', () => {
  it("a month's usage gives the same period total wherever in the stream the contract's terms arrive (before or after the close)", () =>
    fc.assert(
      fc.property(
        lineArbitrary,
        fc.array(fc.record({ quantity: quantityArbitrary, eventTime: timeArbitrary, afterClose: fc.boolean() }), { minLength: 1, maxLength: 25 }),
        fc.nat(),
        (line, usages, where) => {
          // January usage, the tick closing January, January usage reaching rating after it (late), the tick closing
          // February: the terms come anywhere before that last tick (a period is rated final on a tick after its terms).
          const onTime = usages.filter((u) => !u.afterClose).map((u) => usage(u.quantity, u.eventTime));
          const afterClose = usages.filter((u) => u.afterClose).map((u) => usage(u.quantity, u.eventTime, { now: '2026-02-05T00:00:00.000Z' }));
          const stream: RatingCommand[] = [...onTime, closeMonth('2026-01'), ...afterClose, closeMonth('2026-02')];
          const contractFirst = play([termsReceived([line]), ...stream]);
          const at = where % stream.length;
          const contractLate = play([...stream.slice(0, at), termsReceived([line]), ...stream.slice(at)]);
          expect(contractFirst.rejections).toEqual([]);
          expect(contractLate.rejections).toEqual([]);
          expect(januaryTotal(contractLate.events).eq(januaryTotal(contractFirst.events))).toBe(true);
          // Every usage record was rated exactly once, whichever way.
          const ratedIds = (events: readonly RatingEvent[]) =>
            [...only(events, 'UsageRated'), ...only(events, 'LateUsageRated')].map((event) => event.usageEventId).sort();
          expect(ratedIds(contractLate.events)).toEqual(ratedIds(contractFirst.events));
          expect(only(contractLate.events, 'UsageHeld')).toHaveLength(stream.slice(0, at).filter((command) => command.type === 'UsageAccepted').length);
        },
      ),
      { numRuns: 150 },
    ));
});
