// Scenario A (shared/ACCEPTANCE.md) through the real broker: Acme's contract on contracts.events.v1, January
// 13,000,000 / February 8,000,000 / March 12,000,000 tokens as many usage events, the platform clock closing each
// month. Rating must emit 9.60 of overage for January, 0 for February, 6.40 for March (period-final ratings) and a
// Q1 true-up of -6.40; metering's period aggregates and both projections must agree.
import { Big } from '@billing/money';
import { acmeClosedWon, ACME_CUSTOMER_ID } from '../../services/contracts/src/domain/scenario-a.fixture';
import type { PeriodRated, TrueUpCalculated, UsageRated } from '../../services/rating/src/domain';
import type { PeriodClosed } from '../../services/metering/src/domain';
import { usageSpread } from '@billing/testing';
import { UsagePipeline } from './usage-pipeline.harness';

jest.setTimeout(120_000);

const MONTHS = [
  // [periodId, windows of (from, until, tokens, events)]: January's 5,000,000 by the end of the 15th, the
  // 10,000,000th token on the 23rd.
  ['2026-01', [['2026-01-01T00:00:00Z', '2026-01-16T00:00:00Z', 5_000_000n, 100], ['2026-01-16T00:00:00Z', '2026-01-24T00:00:00Z', 5_000_000n, 100],
    ['2026-01-24T00:00:00Z', '2026-02-01T00:00:00Z', 3_000_000n, 60]]],
  ['2026-02', [['2026-02-01T00:00:00Z', '2026-02-15T00:00:00Z', 4_000_000n, 80], ['2026-02-15T00:00:00Z', '2026-03-01T00:00:00Z', 4_000_000n, 80]]],
  ['2026-03', [['2026-03-01T00:00:00Z', '2026-03-16T00:00:00Z', 6_000_000n, 120], ['2026-03-16T00:00:00Z', '2026-04-01T00:00:00Z', 6_000_000n, 120]]],
] as const;
const GRACE_AFTER = 'T01:00:00Z';

describe('scenario A: usage metered and rated through the broker', () => {
  const pipeline = new UsagePipeline();

  beforeAll(() => pipeline.start());
  afterAll(() => pipeline.stop());

  it('rates January 9.60, February 0, March 6.40 and trues Q1 up by -6.40', async () => {
    await pipeline.advanceTo('2026-01-01T00:00:00Z');
    await pipeline.publishContract(acmeClosedWon);

    const expectedByPeriod = new Map<string, { tokens: Big; events: number }>();
    for (const [periodId, windows] of MONTHS) {
      let tokens = new Big(0);
      let events = 0;
      for (const [from, until, total, count] of windows) {
        // Usage arrives as it happens: the clock reaches the window's end, then the window's events are sent.
        await pipeline.advanceTo(until);
        const usages = usageSpread(ACME_CUSTOMER_ID, `u-${from}`, 'tokens', total, count, from, until, 10_000n);
        await pipeline.sendUsage(usages);
        await pipeline.settle();
        tokens = usages.reduce((sum, u) => sum.plus(u.quantity as string), tokens);
        events += usages.length;
      }
      expectedByPeriod.set(periodId, { tokens, events });
      // The month is final once its grace has passed on the platform clock.
      const nextMonth = windows[windows.length - 1][1].slice(0, 10);
      await pipeline.advanceTo(`${nextMonth}${GRACE_AFTER}`);
    }
    await pipeline.meteringProjection.waitUntilCaughtUp();
    await pipeline.ratingProjection.waitUntilCaughtUp();

    // Metering: every usage accepted once, each month closed with its exact totals.
    const metering = await pipeline.meteringEvents();
    expect(metering.filter((e) => e.type === 'UsageAccepted')).toHaveLength(660);
    expect(metering.filter((e) => e.type === 'LateUsageAccepted')).toHaveLength(0);
    const closed = metering.filter((e): e is PeriodClosed & { partition: number } => e.type === 'PeriodClosed');
    expect(closed.map((e) => e.periodId)).toEqual(['2026-01', '2026-02', '2026-03']);
    for (const close of closed) {
      const tokens = close.aggregates.find((a) => a.meterCode === 'tokens')!;
      expect(tokens.sum.eq(expectedByPeriod.get(close.periodId)!.tokens)).toBe(true);
      expect(tokens.count).toBe(expectedByPeriod.get(close.periodId)!.events);
    }
    expect([...expectedByPeriod.values()].map((v) => v.tokens.toFixed())).toEqual(['13000000', '8000000', '12000000']);

    // Rating: period-final figures and the quarter's true-up, exact.
    const rating = await pipeline.ratingEvents();
    const periodRated = rating.filter((e): e is PeriodRated => e.type === 'PeriodRated');
    expect(periodRated.map((e) => e.periodId)).toEqual(['2026-01', '2026-02', '2026-03']);
    const amountOf = (periodId: string) => periodRated.find((e) => e.periodId === periodId)!;
    expect(amountOf('2026-01').amount.eq('9.6')).toBe(true);
    expect(amountOf('2026-01').lines[0].billableUnits.eq('3000000')).toBe(true);
    expect(amountOf('2026-02').amount.eq(0)).toBe(true);
    expect(amountOf('2026-03').amount.eq('6.4')).toBe(true);
    expect(amountOf('2026-03').lines[0].units.eq('12000000')).toBe(true);
    const trueUps = rating.filter((e): e is TrueUpCalculated => e.type === 'TrueUpCalculated');
    expect(trueUps).toHaveLength(1);
    expect(trueUps[0].periodIds).toEqual(['2026-01', '2026-02', '2026-03']);
    expect(trueUps[0].lines[0].pooledUnits.eq('33000000')).toBe(true);
    expect(trueUps[0].lines[0].pooledAmount.eq('9.6')).toBe(true);
    expect(trueUps[0].lines[0].chargedAmount.eq('16')).toBe(true);
    expect(trueUps[0].amount.eq('-6.4')).toBe(true);

    // Real time: January accrues nothing until the 10,000,000th token (the 23rd), then overage.
    const january = rating.filter((e): e is UsageRated => e.type === 'UsageRated' && e.periodId === '2026-01');
    expect(january).toHaveLength(260);
    const firstOverage = january.findIndex((e) => e.accruedAmount.gt(0));
    expect(firstOverage).toBe(200);
    expect(january[firstOverage - 1].eventTime.slice(0, 10)).toBe('2026-01-23');
    expect(january[january.length - 1].accruedAmount.eq('9.6')).toBe(true);
    expect(january.reduce((sum, e) => sum.plus(e.amount), new Big(0)).eq('9.6')).toBe(true);

    // Projections: dashboards' rows say the same, with the log position they reflect.
    const aggregates: { period_id: string; usage_sum: string; usage_count: string; usage_max: string; closed: boolean }[] = await pipeline.meteringDb.query(
      `SELECT period_id, usage_sum::text, usage_count::text, usage_max::text, closed_at IS NOT NULL AS closed
       FROM "${pipeline.meteringName}".usage_period_aggregates WHERE customer_id = $1 AND meter_code = 'tokens' ORDER BY period_id`,
      [ACME_CUSTOMER_ID],
    );
    expect(aggregates.map((r) => [r.period_id, new Big(r.usage_sum).toFixed(), r.usage_count, new Big(r.usage_max).toFixed(), r.closed])).toEqual([
      ['2026-01', '13000000', '260', '60000', true],
      ['2026-02', '8000000', '160', '60000', true],
      ['2026-03', '12000000', '240', '60000', true],
    ]);
    const charges: { period_id: string; accrued_amount: string; final_amount: string }[] = await pipeline.ratingDb.query(
      `SELECT period_id, accrued_amount::text, final_amount::text FROM "${pipeline.ratingName}".accrued_charges WHERE customer_id = $1 ORDER BY period_id`,
      [ACME_CUSTOMER_ID],
    );
    expect(charges.map((r) => [r.period_id, new Big(r.accrued_amount).toFixed(), new Big(r.final_amount).toFixed()])).toEqual([
      ['2026-01', '9.6', '9.6'], ['2026-02', '0', '0'], ['2026-03', '6.4', '6.4'],
    ]);
    const trueUpRows: { pool_id: string; true_up_amount: string }[] = await pipeline.ratingDb.query(
      `SELECT pool_id, true_up_amount::text FROM "${pipeline.ratingName}".true_ups WHERE customer_id = $1`, [ACME_CUSTOMER_ID],
    );
    expect(trueUpRows.map((r) => [r.pool_id, new Big(r.true_up_amount).toFixed()])).toEqual([[trueUps[0].poolId, '-6.4']]);

    expect(await pipeline.meteringDeadLetters()).toEqual([]);
    expect(await pipeline.ratingDeadLetters()).toEqual([]);
  });
});
