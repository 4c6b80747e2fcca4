// The integration stack really is there: one record through the broker and one row through PostgreSQL, both read
// back, so a CI log that says "passed" means Kafka and PostgreSQL were both exercised.
import { Kafka } from 'kafkajs';
import { Client } from 'pg';
import { kafkaConfigFromEnv } from '@billing/kafka';

const RECORD_WAIT_MS = 30_000;
jest.setTimeout(120_000);

describe('integration stack', () => {
  const runId = `${process.pid}-${Date.now()}`;

  it('carries a record from a producer to a consumer group through the broker', async () => {
    const topic = `it.stack-smoke.${runId}`;
    const kafka = new Kafka(kafkaConfigFromEnv(`stack-smoke-${runId}`));
    const admin = kafka.admin();
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    const consumer = kafka.consumer({ groupId: `it.stack-smoke.${runId}`, maxWaitTimeInMs: 200 });
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
      await producer.connect();
      await producer.send({ topic, acks: -1, messages: [{ key: 'customer-smoke', value: `hello ${runId}` }] });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const received = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no record on ${topic} within ${RECORD_WAIT_MS} ms`)), RECORD_WAIT_MS);
        void consumer.run({
          autoCommit: true,
          eachMessage: async ({ message }) => {
            clearTimeout(timer);
            resolve(`${message.key?.toString()}=${message.value?.toString()}`);
          },
        });
      });
      expect(received).toBe(`customer-smoke=hello ${runId}`);
      console.log(`stack-smoke: kafka ${process.env.KAFKA_BROKERS} carried ${received} on ${topic}`);
    } finally {
      await consumer.disconnect();
      await producer.disconnect();
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    }
  });

  it('writes a row to PostgreSQL and reads it back', async () => {
    const client = new Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    try {
      // A temporary table: nothing is left behind in the shared database.
      await client.query('CREATE TEMP TABLE stack_smoke (run_id text PRIMARY KEY, amount numeric(20, 6) NOT NULL)');
      await client.query('INSERT INTO stack_smoke (run_id, amount) VALUES ($1, $2)', [runId, '1234567890.123456']);
      const { rows } = await client.query<{ run_id: string; amount: string }>('SELECT run_id, amount FROM stack_smoke WHERE run_id = $1', [runId]);
      // numeric comes back as a string: exact, never a JS number.
      expect(rows).toEqual([{ run_id: runId, amount: '1234567890.123456' }]);
      const { rows: server } = await client.query<{ version: string }>('SELECT version()');
      console.log(`stack-smoke: postgres wrote and read run ${runId} (${server[0].version.split(' on ')[0]})`);
    } finally {
      await client.end();
    }
  });
});
