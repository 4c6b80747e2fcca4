import fc from 'fast-check';
import { AvroCodec, CatalogSchemaRegistry, loadSchemas } from '@billing/avro';
import { Big } from '@billing/money';
import { deepFreeze, fingerprint } from '@billing/testing';
import type { RatingCommand, UsagePriceLine } from '../domain/commands';
import { ratingDecider } from '../domain/decider';
import type { RatingEvent } from '../domain/events';
import type { PriceTier, PricingModel } from '../domain/pricing';
import { initialRatingState, type RatingState } from '../domain/state';
import { acmeTokens, closeMonth, termsReceived, usage } from '../domain/test-fixtures';
import { ratingEventToWire } from './mappers';

// Whatever the prices, package sizes and quantities (each within decimal(38,12), as the wire brings them), every
// event rating decides encodes with the real Avro codec: amounts are put at wire scale by the decider, and a
// magnitude beyond 26 integer digits is the command's AMOUNT_OUT_OF_RANGE, never an encode failure.
const codec = new AvroCodec(new CatalogSchemaRegistry(loadSchemas()));

/** A decimal with up to `decimals` decimals and up to `integerDigits` integer digits (never above 26). */
const decimal = (integerDigits: number, decimals = 12, min = 0n) =>
  fc.bigInt({ min, max: 10n ** BigInt(integerDigits + decimals) - 1n }).map((digits) => new Big(digits.toString()).div(new Big(10).pow(decimals)));
const positive = (integerDigits: number) => decimal(integerDigits, 12, 1n);
const rate = decimal(0).map((value) => value); // 0 <= rate < 1, up to 12 decimals

const tiers: fc.Arbitrary<PriceTier[]> = fc
  .tuple(fc.uniqueArray(fc.integer({ min: 1, max: 1_000_000 }), { minLength: 0, maxLength: 3 }), fc.array(fc.tuple(decimal(4), positive(4), decimal(3)), { minLength: 4, maxLength: 4 }))
  .map(([bounds, prices]) => {
    const sorted = [...bounds].sort((a, b) => a - b);
    return [...sorted, null].map((bound, index) => ({
      upToUnits: bound === null ? null : new Big(bound),
      unitPrice: prices[index][0],
      unitsPerPrice: prices[index][1],
      flatAmount: prices[index][2],
    }));
  });

const pricing: fc.Arbitrary<PricingModel> = fc.oneof(
  fc.record({ model: fc.constant('per_unit' as const), unitPrice: decimal(6), unitsPerPrice: fc.oneof(positive(4), fc.constantFrom(new Big(3), new Big(7), new Big(1000))) }),
  fc.record({ model: fc.constant('graduated' as const), tiers }),
  fc.record({ model: fc.constant('volume' as const), tiers }),
  fc.record({ model: fc.constant('package' as const), packageSize: positive(6), packagePrice: decimal(6), rounding: fc.constantFrom('up' as const, 'down' as const) }),
  fc.record({ model: fc.constant('percentage' as const), rate, fixedAmountPerEvent: decimal(3) }),
  fc.record({ model: fc.constant('flat' as const), amount: decimal(8) }),
);

const line: fc.Arbitrary<UsagePriceLine> = fc
  .record({
    pricing,
    includedUnits: decimal(6),
    overageDiscountRate: rate,
    discountRate: rate,
    fixedDiscountAmount: decimal(2),
    minimumAmount: fc.option(decimal(5)),
    commitScope: fc.constantFrom('monthly' as const, 'pooled_quarterly' as const),
    aggregation: fc.constantFrom('sum' as const, 'max' as const, 'latest' as const, 'count' as const),
  })
  .map((fields) => acmeTokens(fields));

/** Usage over February and March (late after February's close), quantities up to 12 decimals, some huge. */
const usages = fc.array(
  fc.record({ quantity: fc.oneof(decimal(7), decimal(26)), day: fc.integer({ min: 0, max: 58 }), late: fc.boolean() }),
  { minLength: 1, maxLength: 12 },
);

function commandsOf(priceLine: UsagePriceLine, records: readonly { quantity: Big; day: number; late: boolean }[]): RatingCommand[] {
  const at = (day: number) => new Date(Date.parse('2026-01-01T00:00:00Z') + day * 86_400_000 + 3_600_000).toISOString();
  const onTime = records.filter((record) => !record.late).map((record) => usage(record.quantity, at(record.day)));
  const late = records.filter((record) => record.late).map((record) => ({ ...usage(record.quantity, at(record.day % 31)), now: '2026-02-02T00:00:00.000Z' }));
  return [termsReceived([priceLine]), ...onTime, closeMonth('2026-01'), ...late, closeMonth('2026-02'), closeMonth('2026-03')];
}

async function encode(event: RatingEvent): Promise<void> {
  const { eventType, occurredAt, payload } = ratingEventToWire(event);
  const record = { eventId: 'e-1', eventType, occurredAt, recordedAt: occurredAt, causationId: null, correlationId: null, schemaVersion: 1, customerId: event.customerId, payload };
  await codec.encode('rating.events.v1-value', record);
}

describe('rating events on the wire', () => {
  let rejected = 0;
  let encoded = 0;
  it('always encode as decimal(38,12), or the command is rejected as AMOUNT_OUT_OF_RANGE; evolve leaves every given state as it was', async () => {
    await fc.assert(
      fc.asyncProperty(line, usages, async (priceLine, records) => {
        let state: RatingState = initialRatingState;
        for (const command of commandsOf(priceLine, records)) {
          const given = deepFreeze(state);
          const before = fingerprint(given);
          let events: readonly RatingEvent[] = [];
          try {
            events = ratingDecider.decide(command, given);
          } catch (error) {
            // Only a magnitude beyond 26 integer digits may be refused; a scale is always brought to the wire.
            expect((error as { reasonCode?: string }).reasonCode).toBe('AMOUNT_OUT_OF_RANGE');
            expect(new Big((error as { details: { value: string } }).details.value).abs().gte('1e26')).toBe(true);
            rejected += 1;
            continue;
          }
          for (const event of events) {
            await encode(event);
            encoded += 1;
            state = ratingDecider.evolve(state, event);
          }
          expect(fingerprint(given)).toBe(before);
        }
      }),
      { numRuns: 150 },
    );
    // Both outcomes were exercised.
    expect(rejected).toBeGreaterThan(0);
    expect(encoded).toBeGreaterThan(1000);
  });

  it('puts 0.01 per 3 units at 12 decimals, half-even, and the period total is recomputed from the quantities', async () => {
    const perThree = acmeTokens({ pricing: { model: 'per_unit', unitPrice: new Big('0.01'), unitsPerPrice: new Big(3) }, includedUnits: new Big(0), overageDiscountRate: new Big(0), commitScope: 'monthly' });
    let state: RatingState = initialRatingState;
    const events: RatingEvent[] = [];
    for (const command of [termsReceived([perThree]), usage('1', '2026-01-10T00:00:00Z'), usage('1', '2026-01-11T00:00:00Z'), usage('1', '2026-01-12T00:00:00Z'), closeMonth('2026-01')]) {
      for (const event of ratingDecider.decide(command, state)) {
        await encode(event);
        events.push(event);
        state = ratingDecider.evolve(state, event);
      }
    }
    const accrued = events.flatMap((event) => (event.type === 'UsageRated' ? [[event.amount.toFixed(), event.accruedAmount.toFixed()]] : []));
    expect(accrued).toEqual([
      ['0.003333333333', '0.003333333333'],
      ['0.003333333334', '0.006666666667'],
      ['0.003333333333', '0.01'],
    ]);
    const period = events.find((event) => event.type === 'PeriodRated');
    expect(period?.type === 'PeriodRated' && period.amount.toFixed()).toBe('0.01');
  });
});
