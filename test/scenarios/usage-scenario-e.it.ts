// Scenario E (shared/ACCEPTANCE.md) through the real broker: the same usage id three times is counted once; a
// negative quantity, an unknown meter, an unknown customer, bytes that are not Avro for the topic, a timestamp past
// the future skew and one older than the dedup window each land in metering.dlq.v1 with their reason and change no
// total; 2026-01-31T23:59:00Z within grace counts in January; the same instant after January is final becomes late
// usage for 2026-01, rated by January's terms. A metering restart in between keeps the dedup and the platform time.
import { Big } from '@billing/money';
import { usageEventValue } from '@billing/usage-producer';
import { acmeClosedWon, ACME_CUSTOMER_ID } from '../../services/contracts/src/domain/scenario-a.fixture';
import type { LateUsageAccepted, PeriodClosed, UsageAccepted } from '../../services/metering/src/domain';
import type { LateUsageRated, PeriodRated, UsageRated } from '../../services/rating/src/domain';
import { usageSpread } from '@billing/testing';
import { UsagePipeline } from './usage-pipeline.harness';

jest.setTimeout(120_000);

const LAST_MINUTE_OF_JANUARY = '2026-01-31T23:59:00Z';

describe('scenario E: bad, duplicate and late usage through the broker', () => {
  const pipeline = new UsagePipeline();

  beforeAll(() => pipeline.start());
  afterAll(() => pipeline.stop());

  it('dead-letters bad usage with its reason, counts a duplicate once, and rates late usage by its period', async () => {
    await pipeline.advanceTo('2026-01-01T00:00:00Z');
    await pipeline.publishContract(acmeClosedWon);
    await pipeline.advanceTo('2026-01-20T00:00:00Z');

    const january = usageSpread(ACME_CUSTOMER_ID, 'u-jan', 'tokens', 10_500_000n, 20, '2026-01-01T00:00:00Z', '2026-01-20T00:00:00Z', 5_000n);
    const duplicate = { eventId: 'u-dup', customerId: ACME_CUSTOMER_ID, meterCode: 'tokens', quantity: '100000', eventTime: '2026-01-10T12:00:00Z' };
    const bad = {
      NEGATIVE_QUANTITY: { ...duplicate, eventId: 'u-negative', quantity: '-5' },
      UNKNOWN_METER: { ...duplicate, eventId: 'u-meter', meterCode: 'gpu-seconds' },
      UNKNOWN_CUSTOMER: { ...duplicate, eventId: 'u-who', customerId: 'cust-nobody' },
      FUTURE_TIMESTAMP: { ...duplicate, eventId: 'u-future', eventTime: '2026-01-20T00:10:00Z' }, // 10 min ahead, 5 min allowed
      TOO_OLD: { ...duplicate, eventId: 'u-old', eventTime: '2025-12-01T00:00:00Z' }, // 50 days back, 35 remembered
    };
    const valid = await pipeline.codec.encode('usage.events.v1-value', usageEventValue(duplicate, new Date('2026-01-20T00:00:00Z'), 1));
    const truncated = valid.subarray(0, valid.length - 4); // framed for the usage schema, body cut short
    const garbage = Buffer.from('tokens=100000;customer=cust-acme-bank');

    await pipeline.sendUsage([...january.slice(0, 10), duplicate, ...january.slice(10)]);
    await pipeline.sendUsage([duplicate]);
    await pipeline.sendUsage(Object.values(bad));
    await pipeline.sendRawUsage(ACME_CUSTOMER_ID, truncated);
    await pipeline.sendRawUsage(ACME_CUSTOMER_ID, garbage);
    await pipeline.sendUsage([duplicate]);
    await pipeline.settle();

    const letters = await pipeline.meteringDeadLetters();
    expect(letters.map((l) => l.reasonCode).sort()).toEqual(
      ['BAD_MAGIC_BYTE', 'FUTURE_TIMESTAMP', 'MALFORMED_AVRO', 'NEGATIVE_QUANTITY', 'TOO_OLD', 'UNKNOWN_CUSTOMER', 'UNKNOWN_METER'],
    );
    for (const [reasonCode, usage] of Object.entries(bad)) {
      const letter = letters.find((l) => l.reasonCode === reasonCode)!;
      const { value } = await pipeline.codec.decode<{ eventId: string }>(letter.originalValue, 'usage.events.v1-value');
      expect([reasonCode, value.eventId]).toEqual([reasonCode, usage.eventId]);
      expect(letter.originalTopic).toBe(pipeline.meteringTopics.usage);
    }
    expect(letters.find((l) => l.reasonCode === 'MALFORMED_AVRO')!.originalValue.equals(truncated)).toBe(true);
    expect(letters.find((l) => l.reasonCode === 'BAD_MAGIC_BYTE')!.originalValue.equals(garbage)).toBe(true);
    // Duplicates are counted (metric), not dead-lettered and not re-emitted.
    expect(pipeline.duplicates).toEqual(['u-dup', 'u-dup']);
    let accepted = (await pipeline.meteringEvents()).filter((e): e is UsageAccepted & { partition: number } => e.type === 'UsageAccepted');
    expect(accepted.map((e) => e.eventId).sort()).toEqual([...january.map((u) => u.eventId), 'u-dup'].sort());
    const validTokens = [...january, duplicate].reduce((sum, u) => sum.plus(u.quantity), new Big(0));
    expect(validTokens.eq('10600000')).toBe(true);
    // Rating accrued only the valid usage: 600,000 tokens over the included 10,000,000 at 0.004 per 1,000, 20% off.
    let rated = (await pipeline.ratingEvents()).filter((e): e is UsageRated => e.type === 'UsageRated');
    expect(rated).toHaveLength(21);
    expect(rated[rated.length - 1].accruedAmount.eq('1.92')).toBe(true);

    // 23:59 on the 31st, arriving within January's grace hour: counted in January.
    await pipeline.advanceTo('2026-02-01T00:30:00Z');
    const inGrace = { ...duplicate, eventId: 'u-in-grace', quantity: '250000', eventTime: LAST_MINUTE_OF_JANUARY };
    await pipeline.sendUsage([inGrace]);
    await pipeline.settle();
    accepted = (await pipeline.meteringEvents()).filter((e): e is UsageAccepted & { partition: number } => e.type === 'UsageAccepted');
    expect(accepted.find((e) => e.eventId === 'u-in-grace')!.periodId).toBe('2026-01');

    // January is final one hour after its end.
    await pipeline.advanceTo('2026-02-01T01:00:00Z');
    let metering = await pipeline.meteringEvents();
    const closed = metering.filter((e): e is PeriodClosed & { partition: number } => e.type === 'PeriodClosed');
    expect(closed.map((e) => e.periodId)).toEqual(['2026-01']);
    expect(closed[0].aggregates[0].sum.eq(validTokens.plus(inGrace.quantity))).toBe(true);
    expect(closed[0].aggregates[0].count).toBe(22);
    const januaryRated = (await pipeline.ratingEvents()).find((e): e is PeriodRated => e.type === 'PeriodRated' && e.periodId === '2026-01')!;
    expect(januaryRated.lines[0].units.eq('10850000')).toBe(true);
    expect(januaryRated.amount.eq('2.72')).toBe(true); // 850 x 0.004 x 0.8

    // A restart: the dedup window and the platform time come back from the topics, not from memory.
    await pipeline.advanceTo('2026-02-02T00:00:00Z');
    await pipeline.restartMetering();
    const late = { ...duplicate, eventId: 'u-late', quantity: '1000000', eventTime: LAST_MINUTE_OF_JANUARY };
    await pipeline.sendUsage([late, duplicate]);
    await pipeline.settle();
    expect(pipeline.duplicates).toEqual(['u-dup', 'u-dup', 'u-dup']);

    metering = await pipeline.meteringEvents();
    const lateAccepted = metering.filter((e): e is LateUsageAccepted & { partition: number } => e.type === 'LateUsageAccepted');
    expect(lateAccepted.map((e) => [e.eventId, e.periodId, e.receivedAt])).toEqual([['u-late', '2026-01', '2026-02-02T00:00:00.000Z']]);
    expect(metering.filter((e) => e.type === 'PeriodClosed')).toHaveLength(1); // the closed figures stay as billed
    expect(metering.filter((e) => e.type === 'UsageAccepted')).toHaveLength(22);

    // Late usage for 2026-01, priced by January's terms: January re-rated with it minus January as rated.
    const rating = await pipeline.ratingEvents();
    const lateRated = rating.filter((e): e is LateUsageRated => e.type === 'LateUsageRated');
    expect(lateRated).toHaveLength(1);
    expect(lateRated[0].periodId).toBe('2026-01');
    expect(lateRated[0].usageEventId).toBe('u-late');
    expect(lateRated[0].previousAmount.eq(januaryRated.amount)).toBe(true);
    expect(lateRated[0].reratedAmount.eq('5.92')).toBe(true);
    expect(lateRated[0].amount.eq('3.2')).toBe(true);

    await pipeline.meteringProjection.waitUntilCaughtUp();
    await pipeline.ratingProjection.waitUntilCaughtUp();
    const rows: { usage_sum: string; usage_count: string; late_sum: string; late_count: string }[] = await pipeline.meteringDb.query(
      `SELECT usage_sum::text, usage_count::text, late_sum::text, late_count::text FROM "${pipeline.meteringName}".usage_period_aggregates
       WHERE customer_id = $1 AND period_id = '2026-01'`, [ACME_CUSTOMER_ID],
    );
    expect(rows.map((r) => [new Big(r.usage_sum).toFixed(), r.usage_count, new Big(r.late_sum).toFixed(), r.late_count])).toEqual([['10850000', '22', '1000000', '1']]);
    const charges: { final_amount: string; late_amount: string }[] = await pipeline.ratingDb.query(
      `SELECT final_amount::text, late_amount::text FROM "${pipeline.ratingName}".accrued_charges WHERE customer_id = $1 AND period_id = '2026-01'`,
      [ACME_CUSTOMER_ID],
    );
    expect(charges.map((r) => [new Big(r.final_amount).toFixed(), new Big(r.late_amount).toFixed()])).toEqual([['2.72', '3.2']]);

    // Nothing stopped: both services are live, no new dead letters, rating rejected nothing.
    expect(await pipeline.metering.isReady()).toBe(true);
    expect(await pipeline.rating.isReady()).toBe(true);
    expect(await pipeline.meteringDeadLetters()).toHaveLength(7);
    expect(await pipeline.ratingDeadLetters()).toEqual([]);
  });
});
