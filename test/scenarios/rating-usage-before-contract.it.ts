// Kafka orders nothing across topics: accepted usage on metering.usage.v1 can reach rating before the customer's
// contract on contracts.events.v1. Here January's accepted usage (scenario A's 13,000,000 tokens) is written onto
// rating's usage input before the contract event exists, the clock even passes January's close, and only then is the
// contract published: rating holds the usage (UsageHeld, nothing dead-lettered), releases it when the terms arrive,
// and the next tick rates January 9.60, as if the contract had come first. A rating restart while it is held keeps it.
import { Big } from '@billing/money';
import type * as wire from '@billing/schemas';
import { Partitioners } from 'kafkajs';
import { acmeClosedWon, ACME_CONTRACT_ID, ACME_CUSTOMER_ID } from '../../services/contracts/src/domain/scenario-a.fixture';
import type { PeriodRated, UsageHeld, UsageRated } from '../../services/rating/src/domain';
import { UsagePipeline } from './usage-pipeline.harness';

jest.setTimeout(120_000);

const METERING_SUBJECT = 'metering.usage.v1-value';
const RECORDS = 26;
const TOKENS_EACH = 500_000n;

describe('rating: usage reaching rating before its contract', () => {
  const pipeline = new UsagePipeline();

  beforeAll(() => pipeline.start());
  afterAll(() => pipeline.stop());

  it('holds the usage, releases it when the terms arrive, and rates January as if the contract had come first', async () => {
    await pipeline.advanceTo('2026-01-01T00:00:00Z');
    const schemaVersion = await pipeline.codec.registry.latestVersion(METERING_SUBJECT);
    const messages = [];
    for (let index = 0; index < RECORDS; index += 1) {
      const eventTime = new Date(Date.UTC(2026, 0, 2 + index)).toISOString();
      const record: wire.MeteringEvent = {
        eventId: `metering-it:${pipeline.run}:${index}`, eventType: 'UsageAccepted', occurredAt: eventTime, recordedAt: eventTime,
        causationId: null, correlationId: null, schemaVersion, customerId: ACME_CUSTOMER_ID,
        payload: {
          'billing.metering.UsageAccepted': {
            usageEventId: `u-early-${index}`, contractId: ACME_CONTRACT_ID, meterCode: 'tokens', quantity: new Big(TOKENS_EACH.toString()), eventTime,
            receivedAt: eventTime, periodId: '2026-01', periodStart: '2026-01-01T00:00:00.000Z', periodEnd: '2026-02-01T00:00:00.000Z', properties: {},
          },
        },
      };
      messages.push({ key: ACME_CUSTOMER_ID, value: await pipeline.codec.encode(METERING_SUBJECT, record) });
    }
    const producer = pipeline.kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    try {
      await producer.send({ topic: pipeline.ratingTopics.meteringUsage, acks: -1, messages });
    } finally {
      await producer.disconnect();
    }
    await pipeline.rating.waitUntilCaughtUp();

    let rating = await pipeline.ratingEvents();
    const held = rating.filter((e): e is UsageHeld => e.type === 'UsageHeld');
    expect(held.map((e) => e.usageEventId)).toEqual(Array.from({ length: RECORDS }, (_, index) => `u-early-${index}`));
    expect(rating.filter((e) => e.type !== 'UsageHeld')).toEqual([]);

    // A restart rebuilds the held usage from rating.events.v1.
    await pipeline.restartRating();
    // January closes on the clock while the usage is held: nothing to rate final yet, nothing lost.
    await pipeline.advanceTo('2026-02-01T01:00:00Z');
    expect((await pipeline.ratingEvents()).filter((e) => e.type === 'PeriodRated')).toEqual([]);

    await pipeline.publishContract(acmeClosedWon);
    rating = await pipeline.ratingEvents();
    const released = rating.filter((e): e is UsageRated => e.type === 'UsageRated');
    expect(released.map((e) => e.usageEventId)).toEqual(held.map((e) => e.usageEventId));
    const tokens = released.reduce((sum, e) => sum.plus(e.quantity), new Big(0));
    expect(tokens.eq(new Big((TOKENS_EACH * BigInt(RECORDS)).toString()))).toBe(true);
    expect(tokens.eq('13000000')).toBe(true);
    // Accrual reaches the included 10,000,000 with the 20th record, as in scenario A's January.
    expect(released.findIndex((e) => e.accruedAmount.gt(0))).toBe(20);
    expect(released[released.length - 1].accruedAmount.eq('9.6')).toBe(true);

    // The next tick rates January final with the released usage: scenario A's 9.60 (3,000,000 billable tokens).
    await pipeline.advanceTo('2026-02-01T02:00:00Z');
    await pipeline.ratingProjection.waitUntilCaughtUp();
    const january = (await pipeline.ratingEvents()).filter((e): e is PeriodRated => e.type === 'PeriodRated' && e.periodId === '2026-01');
    expect(january).toHaveLength(1);
    expect(january[0].amount.eq('9.6')).toBe(true);
    expect(january[0].lines[0].billableUnits.eq('3000000')).toBe(true);
    const charges: { accrued_amount: string; final_amount: string }[] = await pipeline.ratingDb.query(
      `SELECT accrued_amount::text, final_amount::text FROM "${pipeline.ratingName}".accrued_charges WHERE customer_id = $1 AND period_id = '2026-01'`,
      [ACME_CUSTOMER_ID],
    );
    expect(charges.map((r) => [new Big(r.accrued_amount).toFixed(), new Big(r.final_amount).toFixed()])).toEqual([['9.6', '9.6']]);
    expect(await pipeline.ratingDeadLetters()).toEqual([]);
  });
});
