import { Big } from '@billing/money';
import { specFor } from '@billing/testing';
import type { UsageReceived } from './commands';
import { createMeteringDecider } from './decider';
import type { ContractTermsNoted, UsageAccepted } from './events';
import { defaultMeteringConfig } from './state';

// Limits input can reach reject that customer's usage (LIMIT_EXCEEDED, to the DLQ); they never stop the service.
const decider = createMeteringDecider({ ...defaultMeteringConfig, dedupIdsMax: 2, uniqueValuesMax: 2 });
const given = specFor(decider);

const noted = (customerId: string): ContractTermsNoted => ({
  type: 'ContractTermsNoted', customerId, contractId: `ctr-${customerId}`, termsVersion: 1, startDate: '2026-01-01T00:00:00.000Z', endDate: null,
  billingPeriodAlignment: 'calendar_month',
  meters: [
    { meterCode: 'tokens', aggregation: 'sum', aggregationProperty: null },
    { meterCode: 'seats', aggregation: 'unique_count', aggregationProperty: 'userId' },
  ],
  notedAt: '2026-01-01T00:00:00.000Z',
});

const usage = (customerId: string, eventId: string, meterCode = 'tokens', userId = 'ann'): UsageReceived => ({
  type: 'UsageReceived', now: '2026-01-15T12:00:00.000Z', eventId, customerId, meterCode, quantity: '1', eventTime: '2026-01-15T11:00:00.000Z', properties: { userId },
});

const accepted = (customerId: string, eventId: string, meterCode = 'tokens', userId = 'ann'): UsageAccepted => ({
  type: 'UsageAccepted', eventId, customerId, contractId: `ctr-${customerId}`, meterCode, quantity: new Big('1'), eventTime: '2026-01-15T11:00:00.000Z',
  receivedAt: '2026-01-15T12:00:00.000Z', periodId: '2026-01', periodStart: '2026-01-01T00:00:00.000Z', periodEnd: '2026-02-01T00:00:00.000Z', properties: { userId },
});

describe('metering limits', () => {
  it('rejects a customer\'s usage past dedupIdsMax as LIMIT_EXCEEDED, naming the limit and the customer', () => {
    const full = given([noted('acme'), accepted('acme', 'u-1'), accepted('acme', 'u-2')]).when(usage('acme', 'u-3'));
    full.thenRejects('LIMIT_EXCEEDED');
    expect(() => full.result()).toThrow(expect.objectContaining({ details: { limit: 'dedupIdsMax', customerId: 'acme', limitValue: '2' } }));
  });

  it('keeps serving every other customer of the partition', () =>
    given([noted('globex'), accepted('globex', 'u-1')]).when(usage('globex', 'u-2')).then([accepted('globex', 'u-2')]));

  it('still answers a duplicate as a duplicate at the limit', () =>
    given([noted('acme'), accepted('acme', 'u-1'), accepted('acme', 'u-2')]).when(usage('acme', 'u-2')).thenRejects('DUPLICATE_USAGE'));

  it('rejects a new unique value past uniqueValuesMax, and still counts values already seen', () => {
    const history = [noted('acme'), accepted('acme', 's-1', 'seats', 'ann'), accepted('acme', 's-2', 'seats', 'bob')];
    const roomy = createMeteringDecider({ ...defaultMeteringConfig, uniqueValuesMax: 2 });
    specFor(roomy)(history).when(usage('acme', 's-3', 'seats', 'cat')).thenRejects('LIMIT_EXCEEDED');
    specFor(roomy)(history).when(usage('acme', 's-3', 'seats', 'ann')).then([accepted('acme', 's-3', 'seats', 'ann')]);
  });

  it('rejects usage whose period sum would not fit decimal(38,12), instead of failing to encode PeriodClosed', () => {
    const huge = new Big('9'.repeat(26));
    given([noted('acme'), { ...accepted('acme', 'u-1'), quantity: huge }])
      .when({ ...usage('acme', 'u-2'), quantity: huge })
      .thenRejects('QUANTITY_OUT_OF_RANGE');
  });
});

describe('metering and a clock jumping far ahead', () => {
  it('closes at most periodsClosedPerTickMax periods per tick, in order, and the rest on the next ticks', () => {
    const capped = createMeteringDecider({ ...defaultMeteringConfig, periodsClosedPerTickMax: 2 });
    const jump = { type: 'ClockTicked' as const, now: '2026-06-01T01:00:00.000Z' };
    let state = specFor(capped)([noted('acme')]).state();
    const closed: string[] = [];
    for (let tick = 0; tick < 3; tick += 1) {
      for (const event of capped.decide(jump, state)) {
        if (event.type === 'PeriodClosed') closed.push(event.periodId);
        state = capped.evolve(state, event);
      }
    }
    expect(closed).toEqual(['2026-01', '2026-02', '2026-03', '2026-04', '2026-05']);
  });
});
