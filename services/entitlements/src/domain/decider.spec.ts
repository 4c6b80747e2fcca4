import { Big } from '@billing/money';
import { specFor } from '@billing/testing';
import { entitlementsDecider, entitlementsDeciderWith } from './decider';
import { ENTITLEMENT_REJECTIONS, EntitlementRejection } from './errors';
import {
  AllowanceOpened,
  ContractTermsNoted,
  EntitlementEvent,
  EntitlementEventType,
  FeatureFlagSet,
  PeriodRolledOver,
  UsageConsumed,
} from './events';
import { ContractGrants } from './grants';
import { GrantCredits } from './commands';
import { ACME_CONTRACT_ID, ACME_CUSTOMER_ID, acmeGrants, acmeTermsReceived, tick, usage } from './scenario-a.fixture';

const given = specFor(entitlementsDecider);
const big = (value: string) => new Big(value);
const AT = '2026-01-01T00:00:00.000Z';

const noted: ContractTermsNoted = { type: 'ContractTermsNoted', customerId: ACME_CUSTOMER_ID, grants: acmeGrants, at: AT };
const opened = (overrides: Partial<AllowanceOpened> = {}): AllowanceOpened => ({
  type: 'AllowanceOpened',
  featureCode: 'tokens',
  meterCode: 'tokens',
  contractId: ACME_CONTRACT_ID,
  role: 'billing',
  periodUnit: 'month',
  alignment: 'calendar_month',
  anchorDate: '2026-01-01',
  periodStart: '2026-01-01',
  periodEnd: '2026-02-01',
  includedUnits: big('10000000'),
  overageAllowed: true,
  thresholdPercents: [50, 80, 100],
  at: AT,
  ...overrides,
});
const poolOpened = opened({
  featureCode: 'tokens.quarterly-pool',
  role: 'pool',
  periodUnit: 'quarter',
  periodEnd: '2026-04-01',
  includedUnits: big('30000000'),
});
const ssoOn: FeatureFlagSet = { type: 'FeatureFlagSet', featureCode: 'sso', enabled: true, at: AT };
const acmeHistory: EntitlementEvent[] = [noted, opened(), poolOpened, ssoOn];

const consumed = (featureCode: string, id: string, quantity: string, included: string, eventTime: string, periodStart = '2026-01-01'): UsageConsumed => ({
  type: 'UsageConsumed',
  featureCode,
  periodStart,
  usageEventId: id,
  eventTime,
  quantity: big(quantity),
  includedQuantity: big(included),
  overageQuantity: big(quantity).minus(included),
});

/** Only the billing allowance, to keep the credit/threshold specs small. */
const monthlyGrants: ContractGrants = {
  ...acmeGrants,
  metered: [{ ...acmeGrants.metered[0], commitScope: 'monthly', trueUp: false }],
  flags: [],
};
const monthlyHistory: EntitlementEvent[] = [{ ...noted, grants: monthlyGrants }, opened()];

const grantCredits = (creditId: string, units: string, priority: number, expiresOn: string, lowBalanceUnits = '0'): GrantCredits => ({
  type: 'GrantCredits',
  now: '2026-01-02T00:00:00.000Z',
  customerId: ACME_CUSTOMER_ID,
  creditId,
  meterCode: 'tokens',
  units: big(units),
  validFrom: '2026-01-01',
  expiresOn,
  priority,
  lowBalanceUnits: big(lowBalanceUnits),
});
const creditsGranted = (command: GrantCredits): EntitlementEvent => ({
  type: 'CreditsGranted',
  creditId: command.creditId,
  meterCode: 'tokens',
  featureCode: 'tokens.credits',
  units: command.units,
  validFrom: command.validFrom,
  expiresOn: command.expiresOn,
  priority: command.priority,
  lowBalanceUnits: command.lowBalanceUnits,
  contractId: null,
  at: command.now,
});

const covered = new Set<EntitlementEventType>();
function seen(events: readonly EntitlementEvent[]): readonly EntitlementEvent[] {
  for (const event of events) covered.add(event.type);
  return events;
}
function expectEvents(run: { result(): { events: readonly EntitlementEvent[] } }, expected: EntitlementEvent[]): void {
  expect(seen(run.result().events)).toEqual(expected);
}

describe('entitlements decider: events', () => {
  it('notes the terms and opens the monthly allowance, the quarterly pool and the feature flags', () =>
    expectEvents(given([]).when(acmeTermsReceived), acmeHistory));

  it('consumes usage against the monthly allowance and the pool', () =>
    expectEvents(given(acmeHistory).when(usage('u-1', '100000', '2026-01-02T10:00:00Z')), [
      consumed('tokens', 'u-1', '100000', '100000', '2026-01-02T10:00:00Z'),
      consumed('tokens.quarterly-pool', 'u-1', '100000', '100000', '2026-01-02T10:00:00Z'),
    ]));

  it('exhausts the allowance at the usage event that crosses it, after its 80% and 100% thresholds', () =>
    expectEvents(
      given([...monthlyHistory, consumed('tokens', 'u-41', '7999999', '7999999', '2026-01-20T00:00:00Z')]).when(
        usage('u-42', '2000003', '2026-01-23T10:00:00Z'),
      ),
      [
        consumed('tokens', 'u-42', '2000003', '2000001', '2026-01-23T10:00:00Z'),
        { type: 'ThresholdReached', featureCode: 'tokens', periodStart: '2026-01-01', percent: 80, usageEventId: 'u-42', eventTime: '2026-01-23T10:00:00Z', consumedUnits: big('10000002'), includedUnits: big('10000000') },
        { type: 'ThresholdReached', featureCode: 'tokens', periodStart: '2026-01-01', percent: 100, usageEventId: 'u-42', eventTime: '2026-01-23T10:00:00Z', consumedUnits: big('10000002'), includedUnits: big('10000000') },
        { type: 'AllowanceExhausted', featureCode: 'tokens', periodStart: '2026-01-01', usageEventId: 'u-42', eventTime: '2026-01-23T10:00:00Z', consumedUnits: big('10000002'), includedUnits: big('10000000') },
      ],
    ));

  it('records usage stamped before the live period without changing the balance', () => {
    const february = [...monthlyHistory, rolled('2026-02-01', '2026-03-01', '0')];
    expectEvents(given(february).when(usage('u-late', '5', '2026-01-31T23:59:00Z')), [
      { type: 'LateUsageRecorded', featureCode: 'tokens', periodStart: '2026-02-01', usageEventId: 'u-late', eventTime: '2026-01-31T23:59:00Z', quantity: big('5') },
    ]);
  });

  it('rolls the monthly allowance over on the clock tick of 2026-02-01, keeping the quarterly pool open', () =>
    expectEvents(given([...acmeHistory, consumed('tokens', 'u-1', '13000000', '10000000', '2026-01-31T00:00:00Z')]).when(tick('2026-02-01T00:00:00.000Z')), [
      { ...rolled('2026-02-01', '2026-03-01', '13000000'), at: '2026-02-01T00:00:00.000Z' },
    ]));

  it('rolls over when usage of the next period arrives before the tick', () => {
    const { events } = given(monthlyHistory).when(usage('u-feb', '10', '2026-02-01T00:00:05Z')).result();
    expect(seen(events).map((event) => event.type)).toEqual(['PeriodRolledOver', 'UsageConsumed']);
    expect(events[1]).toMatchObject({ periodStart: '2026-02-01' });
  });

  it('applies an amendment effective 2026-02-01 from the February period, not to January', () => {
    const amended: ContractGrants = {
      ...monthlyGrants,
      termsVersion: 2,
      effectiveDate: '2026-02-01',
      metered: [{ ...monthlyGrants.metered[0], includedUnitsPerMonth: big('12000000'), thresholdPercents: [90] }],
    };
    const january = given(monthlyHistory).when({ ...acmeTermsReceived, now: '2026-01-20T00:00:00Z', grants: amended }).result();
    expect(seen(january.events)).toEqual([{ type: 'ContractTermsNoted', customerId: ACME_CUSTOMER_ID, grants: amended, at: '2026-01-20T00:00:00Z' }]);
    expect(january.state.allowances.tokens.includedUnits).toEqual(big('10000000'));
    const february = given([...monthlyHistory, ...january.events]).when(tick('2026-02-01T00:00:00Z')).result();
    expect(february.events).toEqual([
      { ...rolled('2026-02-01', '2026-03-01', '0'), includedUnits: big('12000000'), thresholdPercents: [90], at: '2026-02-01T00:00:00Z' },
    ]);
  });

  it('closes allowances, drops seats and switches flags off when a contract is terminated', () => {
    const withSeats: ContractGrants = { ...acmeGrants, metered: monthlyGrants.metered, seats: [{ featureCode: 'analyst-seats', seats: 25 }] };
    const start = given([]).when({ ...acmeTermsReceived, grants: withSeats }).result();
    expect(seen(start.events).map((event) => event.type)).toEqual(['ContractTermsNoted', 'AllowanceOpened', 'SeatsChanged', 'FeatureFlagSet']);
    expect(start.events[2]).toEqual({ type: 'SeatsChanged', featureCode: 'analyst-seats', seats: 25, previousSeats: 0, at: AT });
    const termination = given(start.events).when({
      type: 'ContractTerminationReceived',
      now: '2026-07-01T00:00:00Z',
      customerId: ACME_CUSTOMER_ID,
      contractId: ACME_CONTRACT_ID,
      effectiveDate: '2026-07-01',
    });
    expectEvents(termination, [
      { type: 'ContractTerminationNoted', contractId: ACME_CONTRACT_ID, effectiveDate: '2026-07-01', at: '2026-07-01T00:00:00Z' },
      { type: 'AllowanceClosed', featureCode: 'tokens', periodStart: '2026-01-01', consumedUnits: big('0'), reason: 'contract_terminated', at: '2026-07-01T00:00:00Z' },
      { type: 'SeatsChanged', featureCode: 'analyst-seats', seats: 0, previousSeats: 25, at: '2026-07-01T00:00:00Z' },
      { type: 'FeatureFlagSet', featureCode: 'sso', enabled: false, at: '2026-07-01T00:00:00Z' },
    ]);
  });

  it('grants prepaid credits written in the contract once the contract is in force', () => {
    const withCredits: ContractGrants = {
      ...monthlyGrants,
      credits: [{ creditId: 'c-contract', meterCode: 'tokens', units: big('500000'), validFrom: '2026-01-01', expiresOn: '2026-07-01', priority: 1, lowBalanceUnits: big('1000') }],
    };
    const { events } = given([]).when({ ...acmeTermsReceived, grants: withCredits }).result();
    expect(seen(events).at(-1)).toEqual({
      type: 'CreditsGranted', creditId: 'c-contract', meterCode: 'tokens', featureCode: 'tokens.credits', units: big('500000'),
      validFrom: '2026-01-01', expiresOn: '2026-07-01', priority: 1, lowBalanceUnits: big('1000'), contractId: ACME_CONTRACT_ID, at: AT,
    });
  });

  it('grants ad-hoc credits', () => {
    const command = grantCredits('c-1', '1000', 1, '2026-06-01');
    expectEvents(given(monthlyHistory).when(command), [creditsGranted(command)]);
  });

  it('burns credits on overage by priority, then earliest expiry, and warns on a low balance', () => {
    const late = grantCredits('c-late', '1000', 1, '2026-12-01');
    const early = grantCredits('c-early', '300', 1, '2026-03-01', '0');
    const low = grantCredits('c-low-priority', '1000', 2, '2026-02-01');
    const history = [...monthlyHistory, consumed('tokens', 'u-0', '10000000', '10000000', '2026-01-20T00:00:00Z'), creditsGranted(late), creditsGranted(low), creditsGranted(early)];
    const { state } = given(history).when(usage('noop', '0', '2026-01-20T00:00:00Z')).result();
    expect(state.allowances.tokens.status).toBe('open');
    expectEvents(given(history).when(usage('u-1', '500', '2026-01-21T00:00:00Z')), [
      consumed('tokens', 'u-1', '500', '0', '2026-01-21T00:00:00Z'),
      { type: 'CreditsBurned', creditId: 'c-early', featureCode: 'tokens.credits', units: big('300'), remainingUnits: big('0'), usageEventId: 'u-1', eventTime: '2026-01-21T00:00:00Z' },
      { type: 'CreditBalanceLow', creditId: 'c-early', featureCode: 'tokens.credits', remainingUnits: big('0'), lowBalanceUnits: big('0'), usageEventId: 'u-1', eventTime: '2026-01-21T00:00:00Z' },
      { type: 'CreditsBurned', creditId: 'c-late', featureCode: 'tokens.credits', units: big('200'), remainingUnits: big('800'), usageEventId: 'u-1', eventTime: '2026-01-21T00:00:00Z' },
    ]);
  });

  it('expires unused credits on the clock tick of their expiry date', () => {
    const command = grantCredits('c-1', '1000', 1, '2026-02-01');
    const history = [...monthlyHistory, creditsGranted(command)];
    const { events } = given(history).when(tick('2026-02-01T00:00:00Z')).result();
    expect(seen(events).map((event) => event.type)).toEqual(['PeriodRolledOver', 'CreditsExpired']);
    expect(events[1]).toEqual({ type: 'CreditsExpired', creditId: 'c-1', featureCode: 'tokens.credits', expiredUnits: big('1000'), expiresOn: '2026-02-01', at: '2026-02-01T00:00:00Z' });
  });

  it('closes allowances when the contract ends without renewal', () => {
    const { events } = given(monthlyHistory).when(tick('2027-01-01T00:00:00Z')).result();
    expect(seen(events)).toEqual([
      { type: 'AllowanceClosed', featureCode: 'tokens', periodStart: '2026-01-01', consumedUnits: big('0'), reason: 'contract_ended', at: '2027-01-01T00:00:00Z' },
    ]);
  });

  // Usage can reach entitlements before the customer's terms (no order across topics): held, then counted on the terms.
  const heldEvent = (id: string, quantity: string, eventTime: string, meterCode = 'tokens', at = eventTime): EntitlementEvent => ({
    type: 'UsageHeldUntilTerms', usageEventId: id, meterCode, eventTime, quantity: big(quantity), at,
  });
  const threshold = (percent: number, id: string, eventTime: string, consumedUnits: string): EntitlementEvent => ({
    type: 'ThresholdReached', featureCode: 'tokens', periodStart: '2026-01-01', percent, usageEventId: id, eventTime,
    consumedUnits: big(consumedUnits), includedUnits: big('10000000'),
  });

  it('holds usage that arrives before any terms of the customer', () =>
    expectEvents(given([]).when(usage('u-1', '6000000', '2026-01-05T10:00:00.000Z')), [heldEvent('u-1', '6000000', '2026-01-05T10:00:00.000Z')]));

  it('keeps held usage through clock ticks (nothing to count against yet)', () =>
    given([heldEvent('u-1', '6000000', '2026-01-05T10:00:00.000Z')]).when(tick('2026-02-03T00:00:00.000Z')).then([]));

  it('releases held usage when the terms arrive: counted in the order held, thresholds and exhaustion at the crossing usage', () => {
    const now = '2026-01-21T08:00:00.000Z';
    expectEvents(
      given([heldEvent('u-1', '6000000', '2026-01-05T10:00:00.000Z'), heldEvent('u-2', '5000000', '2026-01-20T10:00:00.000Z')]).when({
        ...acmeTermsReceived, now, grants: monthlyGrants,
      }),
      [
        { ...noted, grants: monthlyGrants, at: now },
        opened({ at: now }),
        consumed('tokens', 'u-1', '6000000', '6000000', '2026-01-05T10:00:00.000Z'),
        threshold(50, 'u-1', '2026-01-05T10:00:00.000Z', '6000000'),
        consumed('tokens', 'u-2', '5000000', '4000000', '2026-01-20T10:00:00.000Z'),
        threshold(80, 'u-2', '2026-01-20T10:00:00.000Z', '11000000'),
        threshold(100, 'u-2', '2026-01-20T10:00:00.000Z', '11000000'),
        {
          type: 'AllowanceExhausted', featureCode: 'tokens', periodStart: '2026-01-01', usageEventId: 'u-2', eventTime: '2026-01-20T10:00:00.000Z',
          consumedUnits: big('11000000'), includedUnits: big('10000000'),
        },
      ],
    );
  });

  it('counts January usage held past the February tick in January, then rolls over, as if the terms had come first', () => {
    const now = '2026-02-03T00:00:00.000Z';
    const run = given([heldEvent('u-1', '1000000', '2026-01-30T10:00:00.000Z')]).when({ ...acmeTermsReceived, now, grants: monthlyGrants });
    expectEvents(run, [
      { ...noted, grants: monthlyGrants, at: now },
      opened({ at: now }),
      consumed('tokens', 'u-1', '1000000', '1000000', '2026-01-30T10:00:00.000Z'),
      {
        type: 'PeriodRolledOver', featureCode: 'tokens', contractId: ACME_CONTRACT_ID, closedPeriodStart: '2026-01-01', closedPeriodEnd: '2026-02-01',
        closedConsumedUnits: big('1000000'), periodStart: '2026-02-01', periodEnd: '2026-03-01', includedUnits: big('10000000'), overageAllowed: true,
        thresholdPercents: [50, 80, 100], at: now,
      },
    ]);
    expect(run.result().state.heldUsage).toEqual([]);
  });

  it('rejects, by an event, held usage of a meter the arrived terms do not grant; the rest is counted', () =>
    expectEvents(
      given([heldEvent('u-gpu', '7', '2026-01-05T10:00:00.000Z', 'gpu-seconds'), heldEvent('u-1', '100', '2026-01-05T11:00:00.000Z')]).when({
        ...acmeTermsReceived, grants: monthlyGrants,
      }),
      [
        { ...noted, grants: monthlyGrants },
        opened(),
        {
          type: 'HeldUsageRejected', usageEventId: 'u-gpu', meterCode: 'gpu-seconds', eventTime: '2026-01-05T10:00:00.000Z', quantity: big('7'),
          reasonCode: 'UNKNOWN_FEATURE', at: AT,
        },
        consumed('tokens', 'u-1', '100', '100', '2026-01-05T11:00:00.000Z'),
      ],
    ));

  it('has a spec producing every event type', () => {
    const all: EntitlementEventType[] = [
      'ContractTermsNoted', 'ContractTerminationNoted', 'AllowanceOpened', 'UsageConsumed', 'LateUsageRecorded', 'ThresholdReached',
      'AllowanceExhausted', 'PeriodRolledOver', 'AllowanceClosed', 'CreditsGranted', 'CreditsBurned', 'CreditsExpired',
      'CreditBalanceLow', 'SeatsChanged', 'FeatureFlagSet', 'UsageHeldUntilTerms', 'HeldUsageRejected',
    ];
    expect([...covered].sort()).toEqual([...all].sort());
  });
});

describe('entitlements decider: typed rejections', () => {
  const rejections: Array<[EntitlementRejection, () => { thenRejects(code: string): void }]> = [
    ['INVALID_TIMESTAMP', () => given(monthlyHistory).when(usage('u', '1', '2026-01-05 10:00'))],
    ['INVALID_DATE', () => given([]).when({ ...acmeTermsReceived, grants: { ...acmeGrants, endDate: '2027-13-01' } })],
    ['MISSING_FIELD', () => given(monthlyHistory).when(usage('', '1', '2026-01-05T10:00:00Z'))],
    ['NEGATIVE_QUANTITY', () => given(monthlyHistory).when(usage('u', '-5', '2026-01-05T10:00:00Z'))],
    ['INVALID_QUANTITY', () => given(monthlyHistory).when(grantCredits('c', '0', 1, '2026-06-01'))],
    ['INVALID_THRESHOLD', () => given([]).when({ ...acmeTermsReceived, grants: { ...acmeGrants, metered: [{ ...acmeGrants.metered[0], thresholdPercents: [0] }] } })],
    ['START_AFTER_END', () => given(monthlyHistory).when(grantCredits('c', '10', 1, '2026-01-01'))],
    ['UNKNOWN_FEATURE', () => given(monthlyHistory).when(usage('u', '1', '2026-01-05T10:00:00Z', 'gpu-seconds'))],
    ['NO_ACTIVE_ENTITLEMENT', () => given([...monthlyHistory, { type: 'AllowanceClosed', featureCode: 'tokens', periodStart: '2026-01-01', consumedUnits: big('0'), reason: 'contract_ended', at: AT }]).when(usage('u', '1', '2026-01-05T10:00:00Z'))],
    ['FEATURE_CONFLICT', () => given(monthlyHistory).when({ ...acmeTermsReceived, grants: { ...monthlyGrants, contractId: 'hubspot-other' } })],
    ['DUPLICATE_TERMS_VERSION', () => given(monthlyHistory).when({ ...acmeTermsReceived, grants: monthlyGrants })],
    ['DUPLICATE_CREDIT', () => given([...monthlyHistory, creditsGranted(grantCredits('c-1', '5', 1, '2026-06-01'))]).when(grantCredits('c-1', '5', 1, '2026-06-01'))],
    ['UNKNOWN_CONTRACT', () => given(monthlyHistory).when({ type: 'ContractTerminationReceived', now: AT, customerId: ACME_CUSTOMER_ID, contractId: 'nope', effectiveDate: '2026-02-01' })],
    ['CUSTOMER_MISMATCH', () => given(monthlyHistory).when({ ...acmeTermsReceived, customerId: 'cust-other', grants: { ...monthlyGrants, contractId: 'x', metered: [] } })],
    ['LIMIT_EXCEEDED', () => given([]).when({ ...acmeTermsReceived, grants: { ...acmeGrants, metered: [{ ...acmeGrants.metered[0], thresholdPercents: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] }] } })],
    // Held usage is bounded: one more than heldUsageMax waiting for terms goes to the DLQ.
    ['HELD_USAGE_LIMIT', () => specFor(entitlementsDeciderWith({ heldUsageMax: 1 }))([
      { type: 'UsageHeldUntilTerms', usageEventId: 'u-1', meterCode: 'tokens', eventTime: AT, quantity: big('1'), at: AT },
    ]).when(usage('u-2', '1', '2026-01-05T10:00:00Z'))],
  ];
  it.each(rejections)('rejects with %s', (reasonCode, scenario) => scenario().thenRejects(reasonCode));
  it('covers every declared rejection reason', () => {
    expect(rejections.map(([code]) => code).sort()).toEqual([...ENTITLEMENT_REJECTIONS].sort());
  });
});

function rolled(periodStart: string, periodEnd: string, closedConsumed: string): PeriodRolledOver {
  return {
    type: 'PeriodRolledOver',
    featureCode: 'tokens',
    contractId: ACME_CONTRACT_ID,
    closedPeriodStart: '2026-01-01',
    closedPeriodEnd: '2026-02-01',
    closedConsumedUnits: big(closedConsumed),
    periodStart,
    periodEnd,
    includedUnits: big('10000000'),
    overageAllowed: true,
    thresholdPercents: [50, 80, 100],
    at: `${periodStart}T00:00:00.000Z`,
  };
}
