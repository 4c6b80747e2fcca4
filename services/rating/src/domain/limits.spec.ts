import { specFor } from '@billing/testing';
import { createRatingDecider } from './decider';
import { defaultRatingConfig } from './state';
import { acmeTokens, big, play, termsReceived, usage } from './test-fixtures';

// Limits input can reach reject that customer's input (to the DLQ); they never stop the service.
const seats = acmeTokens({ priceLineId: 'seats', meterCode: 'seats', aggregation: 'unique_count', aggregationProperty: 'userId', commitScope: 'monthly' });
const seat = (userId: string) => usage(big(1), '2026-01-10T00:00:00Z', { meterCode: 'seats', properties: { userId } });

describe('rating limits', () => {
  const decider = createRatingDecider({ ...defaultRatingConfig, uniqueValuesMax: 2 });
  const history = play([termsReceived([seats]), seat('ann'), seat('bob')], decider).events;

  it('rejects a new unique value past uniqueValuesMax as LIMIT_EXCEEDED, naming the limit', () => {
    specFor(decider)(history).when(seat('cat')).thenRejects('LIMIT_EXCEEDED');
    expect(() => specFor(decider)(history).when(seat('cat')).result()).toThrow(expect.objectContaining({ details: expect.objectContaining({ limit: 'uniqueValuesMax', limitValue: '2' }) }));
  });

  it('still rates a value already counted', () => expect(specFor(decider)(history).when(seat('ann')).result().events.map((event) => event.type)).toEqual(['UsageRated']));

  it('rejects terms past TERMS_VERSIONS_MAX versions of one contract as LIMIT_EXCEEDED', () => {
    const versions = Array.from({ length: 100 }, (_, index) => termsReceived([seats], { termsVersion: index + 1 }));
    const run = play([...versions, termsReceived([seats], { termsVersion: 101 })], decider);
    expect(run.rejections).toEqual(['LIMIT_EXCEEDED']);
  });

  it('rejects held usage once a lowered heldUsageMax is already reached, instead of asserting', () => {
    const held = play([seat('ann'), seat('bob'), seat('cat')]).state;
    expect(() => createRatingDecider({ ...defaultRatingConfig, heldUsageMax: 2 }).decide(seat('dan'), held)).toThrow(expect.objectContaining({ reasonCode: 'HELD_USAGE_LIMIT' }));
  });
});

describe('rating and a clock jumping far ahead', () => {
  it('rates at most periodsClosedPerTickMax periods per tick, in order, and the rest on the next ticks', () => {
    const decider = createRatingDecider({ ...defaultRatingConfig, periodsClosedPerTickMax: 2 });
    const jump = { type: 'ClockTicked' as const, now: '2026-06-01T01:00:00.000Z' };
    const run = play([termsReceived([seats]), jump, jump, jump], decider);
    expect(run.rejections).toEqual([]);
    expect(run.events.flatMap((event) => (event.type === 'PeriodRated' ? [event.periodId] : []))).toEqual(['2026-01', '2026-02', '2026-03', '2026-04', '2026-05']);
  });
});
