import { Big } from '@billing/money';
import { entitlementsDecider } from './decider';
import type { AllowanceOpened, EntitlementEvent, PeriodRolledOver } from './events';
import type { ContractGrants } from './grants';
import type { EntitlementCommand } from './commands';
import { ACME_CUSTOMER_ID, acmeGrants, tick } from './scenario-a.fixture';

/**
 * A pool follows the contract's billing alignment (the one pool calendar, @billing/calendar's poolOf). For a contract
 * starting 2026-02-01: calendar-aligned, Q1 holds February and March only, with two periods' allowance (20M);
 * anniversary-aligned, the first pool is February to April (30M). Rating trues up over the same periods (its
 * pools.spec).
 */
const februaryGrants = (billingAlignment: ContractGrants['billingAlignment']): ContractGrants => ({
  ...acmeGrants,
  effectiveDate: '2026-02-01',
  endDate: '2027-02-01',
  contractStartDate: '2026-02-01',
  billingAlignment,
});

function play(commands: EntitlementCommand[]): EntitlementEvent[] {
  let state = entitlementsDecider.initialState();
  const events: EntitlementEvent[] = [];
  for (const command of commands) {
    for (const event of entitlementsDecider.decide(command, state)) {
      state = entitlementsDecider.evolve(state, event);
      events.push(event);
    }
  }
  return events;
}

function pools(events: EntitlementEvent[]): { start: string; end: string; includedUnits: string }[] {
  return events.flatMap((event) => {
    if (event.type === 'AllowanceOpened' && event.role === 'pool') return [window(event)];
    if (event.type === 'PeriodRolledOver' && event.featureCode === 'tokens.quarterly-pool') return [window(event)];
    return [];
  });
}
function window(event: AllowanceOpened | PeriodRolledOver) {
  return { start: event.periodStart, end: event.periodEnd, includedUnits: event.includedUnits.toFixed() };
}

describe('pooled allowance of a contract starting 2026-02-01', () => {
  const at = (now: string) => tick(now);
  const terms = (grants: ContractGrants): EntitlementCommand => ({ type: 'ContractTermsReceived', now: '2026-02-01T00:00:00.000Z', customerId: ACME_CUSTOMER_ID, grants });
  const ticks = ['2026-03-01T00:00:00.000Z', '2026-04-01T00:00:00.000Z', '2026-05-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z'].map(at);

  it('calendar-aligned: Q1 pools February and March (20M), then whole calendar quarters, the last one January 2027 alone', () => {
    expect(pools(play([terms(februaryGrants('calendar_month')), ...ticks]))).toEqual([
      { start: '2026-02-01', end: '2026-04-01', includedUnits: '20000000' },
      { start: '2026-04-01', end: '2026-07-01', includedUnits: '30000000' },
      { start: '2027-01-01', end: '2027-02-01', includedUnits: '10000000' },
    ]);
  });

  it('anniversary-aligned: pools February to April (30M), then May to July, ..., November to January', () => {
    expect(pools(play([terms(februaryGrants('contract_anniversary')), ...ticks]))).toEqual([
      { start: '2026-02-01', end: '2026-05-01', includedUnits: '30000000' },
      { start: '2026-05-01', end: '2026-08-01', includedUnits: '30000000' },
      { start: '2026-11-01', end: '2027-02-01', includedUnits: '30000000' },
    ]);
  });

  it('keeps the monthly billing allowance at one period of included units', () => {
    const monthly = play([terms(februaryGrants('calendar_month'))]).find((event) => event.type === 'AllowanceOpened' && event.role === 'billing');
    expect(monthly).toMatchObject({ periodStart: '2026-02-01', periodEnd: '2026-03-01', includedUnits: new Big('10000000') });
  });
});
