import { acmeTokens, big, closeMonth, only, play, termsReceived, usage } from './test-fixtures';

/**
 * A pool follows the contract's billing alignment (the one pool calendar, @billing/calendar's poolOf). For a contract
 * starting 2026-02-01: calendar-aligned, Q1 holds February and March only, with two periods' allowance (20M);
 * anniversary-aligned, the first pool is February to April (30M). Entitlements pools the same periods (its
 * decider spec 'pools follow the billing alignment').
 */
describe('pooled true-up of a contract starting 2026-02-01', () => {
  const february = { startDate: '2026-02-01T00:00:00.000Z', effectiveFrom: '2026-02-01T00:00:00.000Z', endDate: '2027-02-01T00:00:00.000Z' };
  const usageOf = [usage('12000000', '2026-02-10T00:00:00Z'), usage('5000000', '2026-03-10T00:00:00Z'), usage('14000000', '2026-04-10T00:00:00Z')];

  it('calendar-aligned: trues up Q1 at the end of March over February and March, 20M included', () => {
    const run = play([termsReceived([acmeTokens()], { ...february, billingPeriodAlignment: 'calendar_month' }), ...usageOf, closeMonth('2026-02'), closeMonth('2026-03')]);
    expect(run.rejections).toEqual([]);
    const [q1] = only(run.events, 'TrueUpCalculated');
    expect(q1).toMatchObject({ poolId: '2026-02..2026-03', periodIds: ['2026-02', '2026-03'], poolStart: '2026-02-01T00:00:00.000Z', poolEnd: '2026-04-01T00:00:00.000Z' });
    expect(q1.lines[0]).toMatchObject({ pooledUnits: big('17000000'), pooledIncludedUnits: big('20000000') });
    // February's 2M overage (6.40 after the 20% discount) is owed back: the pool holds 17M of 20M.
    expect(q1.amount.toFixed()).toBe('-6.4');
  });

  it('anniversary-aligned: pools February to April, trued up at the end of April, 30M included', () => {
    const run = play([
      termsReceived([acmeTokens()], { ...february, billingPeriodAlignment: 'contract_anniversary' }),
      ...usageOf.map((record) => ({ ...record, periodId: record.eventTime.slice(0, 8) + '01' })),
      closeMonth('2026-02'),
      closeMonth('2026-03'),
    ]);
    expect(only(run.events, 'TrueUpCalculated')).toEqual([]);
    const april = play([closeMonth('2026-04')], undefined, run.state);
    const [first] = only(april.events, 'TrueUpCalculated');
    expect(first).toMatchObject({ poolId: '2026-02-01..2026-04-01', periodIds: ['2026-02-01', '2026-03-01', '2026-04-01'], poolEnd: '2026-05-01T00:00:00.000Z' });
    expect(first.lines[0]).toMatchObject({ pooledUnits: big('31000000'), pooledIncludedUnits: big('30000000') });
  });
});
