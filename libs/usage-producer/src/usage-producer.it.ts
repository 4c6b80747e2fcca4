// UsageProducer against the real broker: records keyed by customer id whose values decode as usage.events.v1.
// Written to a scratch topic so no service consuming usage.events.v1 sees test usage.
import { AvroCodec, CatalogSchemaRegistry, loadSchemas } from '@billing/avro';
import { kafkaConfigFromEnv } from '@billing/kafka';
import { Big } from '@billing/money';
import type * as wire from '@billing/schemas';
import { Kafka } from 'kafkajs';
import { UsageProducer } from './usage-producer';

const RECORD_WAIT_MS = 30_000;
jest.setTimeout(120_000);

describe('UsageProducer', () => {
  it('writes Avro usage keyed by customer id through an idempotent producer', async () => {
    const runId = `${process.pid}-${Date.now()}`;
    const topic = `it.usage-producer.${runId}`;
    const kafka = new Kafka(kafkaConfigFromEnv(`usage-producer-${runId}`));
    const codec = new AvroCodec(new CatalogSchemaRegistry(loadSchemas()));
    const admin = kafka.admin();
    const usageProducer = UsageProducer.create(kafka, { codec, topic });
    const consumer = kafka.consumer({ groupId: topic, maxWaitTimeInMs: 200 });
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
      await usageProducer.connect();
      await usageProducer.send({ eventId: 'u-1', customerId: 'cust-a', meterCode: 'tokens', quantity: '1000.5', eventTime: '2026-01-15T10:00:00Z' });
      await usageProducer.sendBatch([{ eventId: 'u-2', customerId: 'cust-b', meterCode: 'tokens', quantity: new Big('2'), eventTime: new Date('2026-01-15T10:01:00Z'), properties: { model: 'small' } }]);
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const received: { key: string; value: wire.UsageEvent }[] = [];
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`expected 2 records on ${topic} within ${RECORD_WAIT_MS} ms`)), RECORD_WAIT_MS);
        void consumer.run({
          autoCommit: true,
          eachMessage: async ({ message }) => {
            const decoded = await codec.decode<wire.UsageEvent>(message.value as Buffer, 'usage.events.v1-value');
            received.push({ key: message.key?.toString() ?? '', value: decoded.value });
            if (received.length === 2) {
              clearTimeout(timer);
              resolve();
            }
          },
        });
      });
      expect(received.map(({ key, value }) => [key, value.eventId, value.occurredAt, value.payload['billing.usage.UsageRecorded'].quantity.toFixed()])).toEqual([
        ['cust-a', 'u-1', '2026-01-15T10:00:00.000Z', '1000.5'],
        ['cust-b', 'u-2', '2026-01-15T10:01:00.000Z', '2'],
      ]);
    } finally {
      await consumer.disconnect();
      await usageProducer.disconnect();
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    }
  });
});
