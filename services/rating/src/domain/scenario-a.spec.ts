import { fold } from '@billing/eventsourcing';
import { ratingDecider } from './decider';
import { acmeTokens, big, closeMonth, only, play, spread, termsReceived, usage } from './test-fixtures';

/** ACCEPTANCE.md scenario A, rating's part: monthly overage 9.60 / 0 / 6.40 and a Q1 true-up of -6.40. */
describe('scenario A: Acme tokens, pooled quarterly', () => {
  const january = [
    ...spread('5000000', 30, '2026-01-01T00:00:00Z', '2026-01-15T23:00:00Z'),
    ...spread('5000000', 40, '2026-01-16T00:00:00Z', '2026-01-23T00:00:00Z'),
    ...spread('3000000', 25, '2026-01-23T01:00:00Z', '2026-01-31T23:00:00Z'),
  ];
  const february = spread('8000000', 50, '2026-02-01T00:00:00Z', '2026-02-28T22:00:00Z');
  const march = spread('12000000', 60, '2026-03-01T00:00:00Z', '2026-03-31T22:00:00Z');
  const run = play([termsReceived(), ...january, closeMonth('2026-01'), ...february, closeMonth('2026-02'), ...march, closeMonth('2026-03')]);

  it('rates January 9.60, February 0 and March 6.40 at period close', () => {
    expect(run.rejections).toEqual([]);
    const rated = only(run.events, 'PeriodRated');
    expect(rated.map((period) => [period.periodId, period.amount.toFixed()])).toEqual([
      ['2026-01', '9.6'],
      ['2026-02', '0'],
      ['2026-03', '6.4'],
    ]);
    expect(rated[0].lines[0]).toMatchObject({ billableUnits: big('3000000'), overageAmount: big('12'), overageDiscountAmount: big('2.4') });
  });

  it('accrues nothing until the 10,000,000th January token, then overage in real time', () => {
    const januaryRated = only(run.events, 'UsageRated').filter((event) => event.periodId === '2026-01');
    const firstCharged = januaryRated.findIndex((event) => !event.amount.eq(0));
    expect(januaryRated[firstCharged].eventTime >= '2026-01-23').toBe(true);
    expect(januaryRated.slice(0, firstCharged).every((event) => event.accruedAmount.eq(0))).toBe(true);
    expect(januaryRated[januaryRated.length - 1].accruedAmount.toFixed()).toBe('9.6');
    const sumOfIncrements = januaryRated.reduce((total, event) => total.plus(event.amount), big(0));
    expect(sumOfIncrements.toFixed()).toBe('9.6');
  });

  it('trues up Q1 at -6.40: pooled 33M against 30M owes 9.60, 16.00 was charged', () => {
    const [trueUp] = only(run.events, 'TrueUpCalculated');
    expect(trueUp).toMatchObject({ poolId: '2026-01..2026-03', periodIds: ['2026-01', '2026-02', '2026-03'], currency: 'USD' });
    expect(trueUp.lines[0].pooledUnits.toFixed()).toBe('33000000');
    expect(trueUp.lines[0].pooledIncludedUnits.toFixed()).toBe('30000000');
    expect(trueUp.lines[0].pooledAmount.toFixed()).toBe('9.6');
    expect(trueUp.lines[0].chargedAmount.toFixed()).toBe('16');
    expect(trueUp.amount.toFixed()).toBe('-6.4');
  });

  it('emits the true-up right after March is rated, and nothing more on later ticks of the quarter', () => {
    const types = run.events.filter((event) => event.type !== 'UsageRated').map((event) => event.type);
    expect(types).toEqual(['ContractTermsNoted', 'PeriodRated', 'PeriodRated', 'PeriodRated', 'TrueUpCalculated']);
    const again = play([closeMonth('2026-03')], ratingDecider, run.state);
    expect(again.events).toEqual([]);
  });

  it('a state rebuilt from the log decides the same', () => {
    const rebuilt = fold(ratingDecider, run.events);
    const next = [usage('1000000', '2026-04-02T00:00:00Z'), closeMonth('2026-04')];
    expect(play(next, ratingDecider, rebuilt).events).toEqual(play(next, ratingDecider, run.state).events);
  });

  it('trues up a pool with a monthly line left alone (no true-up for monthly commits)', () => {
    const monthly = play([termsReceived([acmeTokens({ commitScope: 'monthly' })]), ...january.slice(0, 3), closeMonth('2026-03')]);
    expect(only(monthly.events, 'TrueUpCalculated')).toEqual([]);
  });
});
