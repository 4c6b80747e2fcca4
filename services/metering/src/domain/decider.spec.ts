import { Big } from '@billing/money';
import { fold } from '@billing/eventsourcing';
import { specFor } from '@billing/testing';
import type { ClockTicked, ContractTermsReceived, UsageReceived } from './commands';
import { createMeteringDecider, meteringDecider } from './decider';
import type { ContractTermsNoted, MeteringEvent, PeriodClosed, UsageAccepted } from './events';
import type { MeteringState } from './state';

const given = specFor(meteringDecider);
const CUSTOMER = 'cust-acme';
const CONTRACT = 'ctr-acme-2026';

function termsReceived(overrides: Partial<ContractTermsReceived> = {}): ContractTermsReceived {
  return {
    type: 'ContractTermsReceived',
    now: '2026-01-01T00:00:00.000Z',
    customerId: CUSTOMER,
    contractId: CONTRACT,
    termsVersion: 1,
    startDate: '2026-01-01T00:00:00.000Z',
    endDate: '2027-01-01T00:00:00.000Z',
    billingPeriodAlignment: 'calendar_month',
    meters: [
      { meterCode: 'tokens', aggregation: 'sum', aggregationProperty: null },
      { meterCode: 'seats', aggregation: 'unique_count', aggregationProperty: 'userId' },
    ],
    ...overrides,
  };
}

function termsNoted(overrides: Partial<ContractTermsNoted> = {}): ContractTermsNoted {
  const { type: _type, now, ...terms } = termsReceived();
  return { type: 'ContractTermsNoted', ...terms, notedAt: now, ...overrides };
}

function usage(overrides: Partial<UsageReceived> = {}): UsageReceived {
  return {
    type: 'UsageReceived',
    now: '2026-01-15T12:00:00.000Z',
    eventId: 'u-1',
    customerId: CUSTOMER,
    meterCode: 'tokens',
    quantity: new Big('1000'),
    eventTime: '2026-01-15T11:59:00.000Z',
    properties: { model: 'large' },
    ...overrides,
  };
}

function accepted(overrides: Partial<UsageAccepted> = {}): UsageAccepted {
  return {
    type: 'UsageAccepted',
    eventId: 'u-1',
    customerId: CUSTOMER,
    contractId: CONTRACT,
    meterCode: 'tokens',
    quantity: new Big('1000'),
    eventTime: '2026-01-15T11:59:00.000Z',
    receivedAt: '2026-01-15T12:00:00.000Z',
    periodId: '2026-01',
    periodStart: '2026-01-01T00:00:00.000Z',
    periodEnd: '2026-02-01T00:00:00.000Z',
    properties: { model: 'large' },
    ...overrides,
  };
}

const tick = (now: string): ClockTicked => ({ type: 'ClockTicked', now });

/**
 * Runs commands through decide + evolve as the runtime does: one state per customer (the record key), clock ticks
 * to every customer; collects events and rejection reason codes. `state` is CUSTOMER's.
 */
function play(commands: readonly (UsageReceived | ClockTicked | ContractTermsReceived)[], decider = meteringDecider) {
  const states = new Map<string, MeteringState>();
  const events: MeteringEvent[] = [];
  const rejections: string[] = [];
  for (const command of commands) {
    const keys = command.type === 'ClockTicked' ? [...states.keys()] : [command.customerId];
    for (const key of keys) {
      let state = states.get(key) ?? decider.initialState();
      try {
        const produced = decider.decide(command, state);
        for (const event of produced) state = decider.evolve(state, event);
        events.push(...produced);
        states.set(key, state);
      } catch (error) {
        rejections.push((error as { reasonCode?: string }).reasonCode ?? String(error));
      }
    }
  }
  return { events, rejections, state: states.get(CUSTOMER) ?? decider.initialState() };
}

describe('metering: contract terms', () => {
  it('notes a contract version', () => given([]).when(termsReceived()).then([termsNoted()]));
  it('ignores a redelivered or older version', () => given([termsNoted({ termsVersion: 2 })]).when(termsReceived()).then([]));
  it('notes a newer version', () =>
    given([termsNoted()]).when(termsReceived({ termsVersion: 2 })).then([termsNoted({ termsVersion: 2 })]));
  it('rejects a unique_count meter without a property', () =>
    given([])
      .when(termsReceived({ meters: [{ meterCode: 'seats', aggregation: 'unique_count', aggregationProperty: null }] }))
      .thenRejects('INVALID_TERMS'));
});

describe('metering: contract termination', () => {
  const terminate = (effectiveDate: string) => ({ type: 'ContractTerminationReceived' as const, now: '2026-03-10T00:00:00.000Z', customerId: CUSTOMER, contractId: CONTRACT, effectiveDate });

  it('notes an earlier end, ignores a later one or an unknown contract', () => {
    given([termsNoted()]).when(terminate('2026-04-01T00:00:00Z')).then([
      { type: 'ContractEndNoted', customerId: CUSTOMER, contractId: CONTRACT, endDate: '2026-04-01T00:00:00.000Z', notedAt: '2026-03-10T00:00:00.000Z' },
    ]);
    given([termsNoted()]).when(terminate('2028-01-01T00:00:00Z')).then([]);
    given([]).when(terminate('2026-04-01T00:00:00Z')).then([]);
  });

  it('attributes no usage after the end and closes no period after it', () => {
    const ended = { type: 'ContractEndNoted' as const, customerId: CUSTOMER, contractId: CONTRACT, endDate: '2026-04-01T00:00:00.000Z', notedAt: '2026-03-10T00:00:00.000Z' };
    given([termsNoted(), ended]).when(usage({ eventTime: '2026-04-02T00:00:00.000Z', now: '2026-04-02T00:00:00.000Z' })).thenRejects('NO_ACTIVE_CONTRACT');
    const { events } = given([termsNoted(), ended]).when(tick('2026-07-01T01:00:00.000Z')).result();
    expect(events.map((event) => (event as PeriodClosed).periodId)).toEqual(['2026-01', '2026-02', '2026-03']);
  });
});

describe('metering: usage acceptance', () => {
  it('accepts usage and attributes it to the contract, meter and calendar month', () =>
    given([termsNoted()]).when(usage()).then([accepted()]));

  it('accepts the quantity as decimal text', () =>
    given([termsNoted()]).when(usage({ quantity: '1000.5' })).then([accepted({ quantity: new Big('1000.5') })]));

  it.each([
    ['NEGATIVE_QUANTITY', usage({ quantity: new Big('-1') })],
    ['NON_FINITE_QUANTITY', usage({ quantity: 'NaN' })],
    ['NON_FINITE_QUANTITY', usage({ quantity: '-Infinity' })],
    ['INVALID_QUANTITY', usage({ quantity: '12,5' })],
    ['DECIMAL_OVERFLOW', usage({ quantity: new Big('1.0000000000001') })],
    ['DECIMAL_OVERFLOW', usage({ quantity: new Big('1e26') })],
    ['UNKNOWN_METER', usage({ meterCode: 'gpu-minutes' })],
    ['FUTURE_TIMESTAMP', usage({ eventTime: '2026-01-15T12:06:00.001Z' })], // one tick interval (1 min) + 5 min skew
    ['TOO_OLD', usage({ eventTime: '2025-12-11T11:59:59.999Z' })],
    ['INVALID_EVENT_TIME', usage({ eventTime: 'yesterday' })],
    ['INVALID_EVENT_ID', usage({ eventId: '' })],
    ['INVALID_EVENT_ID', usage({ eventId: 'x'.repeat(129) })],
    ['NO_ACTIVE_CONTRACT', usage({ now: '2027-01-01T00:10:00.000Z', eventTime: '2027-01-01T00:00:00.000Z' })],
  ])('rejects %s', (reasonCode, command) => given([termsNoted()]).when(command).thenRejects(reasonCode));

  it('rejects usage of a customer with no contract as UNKNOWN_CUSTOMER', () =>
    given([]).when(usage()).thenRejects('UNKNOWN_CUSTOMER'));

  it('accepts an event exactly at the allowed future skew and exactly at the window edge', () => {
    given([termsNoted()]).when(usage({ eventTime: '2026-01-15T12:06:00.000Z' })).then([accepted({ eventTime: '2026-01-15T12:06:00.000Z' })]);
    given([termsNoted({ startDate: '2025-12-01T00:00:00.000Z' })])
      .when(usage({ eventTime: '2025-12-11T12:00:00.000Z' }))
      .then([accepted({ eventTime: '2025-12-11T12:00:00.000Z', periodId: '2025-12', periodStart: '2025-12-01T00:00:00.000Z', periodEnd: '2026-01-01T00:00:00.000Z' })]);
  });

  it('rejects a duplicate event id as DUPLICATE_USAGE, whatever its event time', () => {
    given([termsNoted(), accepted()]).when(usage()).thenRejects('DUPLICATE_USAGE');
    given([termsNoted(), accepted()]).when(usage({ eventTime: '2026-01-14T00:00:00.000Z' })).thenRejects('DUPLICATE_USAGE');
  });

  it('attributes to the latest-started contract carrying the meter', () =>
    given([termsNoted(), termsNoted({ contractId: 'ctr-b', startDate: '2026-01-10T00:00:00.000Z', meters: [{ meterCode: 'tokens', aggregation: 'sum', aggregationProperty: null }] })])
      .when(usage())
      .then([accepted({ contractId: 'ctr-b' })]));

  it('puts usage on anniversary periods when the contract asks for them', () => {
    const anniversary = termsNoted({ startDate: '2026-01-31T00:00:00.000Z', billingPeriodAlignment: 'contract_anniversary' });
    given([anniversary])
      .when(usage({ eventTime: '2026-03-01T00:00:00.000Z', now: '2026-03-01T00:00:00.000Z' }))
      .then([accepted({ eventTime: '2026-03-01T00:00:00.000Z', receivedAt: '2026-03-01T00:00:00.000Z', periodId: '2026-02-28', periodStart: '2026-02-28T00:00:00.000Z', periodEnd: '2026-03-31T00:00:00.000Z' })]);
    given([anniversary]).when(usage({ eventTime: '2026-01-30T00:00:00.000Z', now: '2026-01-30T00:00:00.000Z' })).thenRejects('NO_ACTIVE_CONTRACT');
  });
});

describe('metering: periods, grace and late usage', () => {
  it('closes a period only once end + grace has passed, with its aggregates', () => {
    const history = [
      termsNoted(),
      accepted({ eventId: 'u-1', quantity: new Big('5'), properties: { userId: 'ann' } }),
      accepted({ eventId: 'u-2', quantity: new Big('7'), eventTime: '2026-01-20T00:00:00.000Z', properties: { userId: 'bob' } }),
      accepted({ eventId: 'u-3', meterCode: 'seats', quantity: new Big('1'), properties: { userId: 'ann' } }),
      accepted({ eventId: 'u-4', meterCode: 'seats', quantity: new Big('1'), properties: { userId: 'bob' } }),
      accepted({ eventId: 'u-5', meterCode: 'seats', quantity: new Big('1'), properties: { userId: 'ann' } }),
    ];
    given(history).when(tick('2026-02-01T00:59:59.999Z')).then([]);
    const closed: PeriodClosed = {
      type: 'PeriodClosed',
      customerId: CUSTOMER,
      contractId: CONTRACT,
      periodId: '2026-01',
      periodStart: '2026-01-01T00:00:00.000Z',
      periodEnd: '2026-02-01T00:00:00.000Z',
      closedAt: '2026-02-01T01:00:00.000Z',
      aggregates: [
        { meterCode: 'tokens', aggregation: 'sum', value: new Big('12'), sum: new Big('12'), count: 2, max: new Big('7'), uniqueCount: 0, latest: new Big('7') },
        { meterCode: 'seats', aggregation: 'unique_count', value: new Big('2'), sum: new Big('3'), count: 3, max: new Big('1'), uniqueCount: 2, latest: new Big('1') },
      ],
    };
    given(history).when(tick('2026-02-01T01:00:00.000Z')).then([closed]);
  });

  it('closes every period a clock jump passed, in order, including empty ones', () => {
    const { events } = given([termsNoted()]).when(tick('2026-04-01T01:00:00.000Z')).result();
    expect(events.map((event) => (event as PeriodClosed).periodId)).toEqual(['2026-01', '2026-02', '2026-03']);
    given([termsNoted(), ...events]).when(tick('2026-04-02T00:00:00.000Z')).then([]);
  });

  it('reports the max, latest and count aggregations independent of arrival order', () => {
    const a = accepted({ eventId: 'a', quantity: new Big('3'), eventTime: '2026-01-20T00:00:00.000Z' });
    const b = accepted({ eventId: 'b', quantity: new Big('9'), eventTime: '2026-01-10T00:00:00.000Z' });
    const one = given([termsNoted(), a, b]).when(tick('2026-02-02T00:00:00.000Z')).result().events;
    const other = given([termsNoted(), b, a]).when(tick('2026-02-02T00:00:00.000Z')).result().events;
    expect(other).toEqual(one);
    expect((one[0] as PeriodClosed).aggregates[0]).toMatchObject({ max: new Big('9'), latest: new Big('3'), count: 2 });
  });

  it('accepts usage for a period after its end but within grace as on-time', () =>
    given([termsNoted()])
      .when(usage({ eventTime: '2026-01-31T23:59:00.000Z', now: '2026-02-01T00:30:00.000Z' }))
      .then([accepted({ eventTime: '2026-01-31T23:59:00.000Z', receivedAt: '2026-02-01T00:30:00.000Z' })]));
});

describe('scenario E in the domain: duplicate, bad and late usage', () => {
  it('counts a thrice-sent id once, rejects each bad event with its reason, and keeps late usage', () => {
    const run = play([
      termsReceived(),
      usage({ eventId: 'dup-1', quantity: new Big('100') }),
      usage({ eventId: 'dup-1', quantity: new Big('100') }),
      usage({ eventId: 'dup-1', quantity: new Big('100') }),
      usage({ eventId: 'neg', quantity: new Big('-5') }),
      usage({ eventId: 'meter', meterCode: 'unknown-meter' }),
      { ...usage({ eventId: 'who' }), customerId: 'cust-nobody' },
      usage({ eventId: 'future', eventTime: '2026-01-15T12:30:00.000Z' }),
      usage({ eventId: 'in-grace', eventTime: '2026-01-31T23:59:00Z', now: '2026-02-01T00:20:00.000Z', quantity: new Big('10') }),
      tick('2026-02-01T01:00:00.000Z'),
      usage({ eventId: 'late', eventTime: '2026-01-31T23:59:00Z', now: '2026-02-01T02:00:00.000Z', quantity: new Big('20') }),
      usage({ eventId: 'late', eventTime: '2026-01-31T23:59:00Z', now: '2026-02-01T02:01:00.000Z', quantity: new Big('20') }),
    ]);
    expect(run.rejections).toEqual([
      'DUPLICATE_USAGE',
      'DUPLICATE_USAGE',
      'NEGATIVE_QUANTITY',
      'UNKNOWN_METER',
      'UNKNOWN_CUSTOMER',
      'FUTURE_TIMESTAMP',
      'DUPLICATE_USAGE',
    ]);
    const types = run.events.map((event) => `${event.type}${'eventId' in event ? `:${event.eventId}` : ''}`);
    expect(types).toEqual([
      'ContractTermsNoted',
      'UsageAccepted:dup-1',
      'UsageAccepted:in-grace',
      'PeriodClosed',
      'LateUsageAccepted:late',
    ]);
    const january = run.events.find((event): event is PeriodClosed => event.type === 'PeriodClosed');
    expect(january?.aggregates[0].sum.eq(new Big('100').plus(10))).toBe(true);
    const late = run.events[run.events.length - 1] as UsageAccepted;
    expect(late.periodId).toBe('2026-01');
  });
});

describe('metering: the dedup window survives rebuilds and stays bounded', () => {
  const decider = createMeteringDecider({ ...createConfig() });
  function createConfig() {
    return { dedupWindowDays: 2, futureSkewMs: 300_000, clockTickIntervalMs: 60_000, graceMs: 3_600_000, dedupIdsMax: 3, eventIdLengthMax: 128, uniqueValuesMax: 10, periodsClosedPerTickMax: 100 };
  }

  it('a state rebuilt from the own log still rejects the duplicate', () => {
    const run = play([termsReceived(), usage({ eventId: 'x' })], decider);
    const rebuilt = fold(decider, run.events);
    expect(() => decider.decide(usage({ eventId: 'x' }), rebuilt)).toThrow(expect.objectContaining({ reasonCode: 'DUPLICATE_USAGE' }));
  });

  it('drops whole day buckets once the window has passed them, and rejects usage past dedupIdsMax as LIMIT_EXCEEDED', () => {
    const run = play(
      [
        termsReceived(),
        usage({ eventId: 'd1', now: '2026-01-10T12:00:00.000Z', eventTime: '2026-01-10T12:00:00.000Z' }),
        usage({ eventId: 'd2', now: '2026-01-10T12:00:00.000Z', eventTime: '2026-01-10T11:00:00.000Z' }),
        usage({ eventId: 'd3', now: '2026-01-11T12:00:00.000Z', eventTime: '2026-01-11T12:00:00.000Z' }),
      ],
      decider,
    );
    expect(run.rejections).toEqual([]);
    expect(() => decider.decide(usage({ eventId: 'd4', now: '2026-01-11T12:00:00.000Z', eventTime: '2026-01-11T12:00:00.000Z' }), run.state)).toThrow(
      expect.objectContaining({ reasonCode: 'LIMIT_EXCEEDED', details: expect.objectContaining({ limit: 'dedupIdsMax', customerId: CUSTOMER }) }),
    );
    const later = decider.evolve(run.state, decider.decide(usage({ eventId: 'd5', now: '2026-01-13T00:00:01.000Z', eventTime: '2026-01-13T00:00:00.000Z' }), run.state)[0]);
    if (later.status !== 'known') throw new Error('expected a known customer');
    expect([...later.dedup.buckets.keys()].length).toBe(2);
    expect(later.dedup.idCount).toBe(2);
    expect(() => decider.decide(usage({ eventId: 'd1', now: '2026-01-13T00:00:02.000Z', eventTime: '2026-01-10T12:00:00.000Z' }), later)).toThrow(
      expect.objectContaining({ reasonCode: 'TOO_OLD' }),
    );
  });
});
