// What the platform needs from kafkajs 2.2.4 against the broker version the local stack runs (deploy/local/README.md):
// topic admin, idempotent produce, consumer groups, transactions with read_committed isolation, sendOffsets,
// fetchTopicOffsets and seek. Kafka 4.0 removed old protocol versions (KIP-896); this is the proof that the ones
// kafkajs speaks are still served. Each run uses fresh topic and group names, so it can run against a shared broker.
import { Admin, Consumer, Kafka, KafkaMessage, logLevel, Producer } from 'kafkajs';
import { kafkaConfigFromEnv } from './config';

const RECORDS_WAIT_MS = 30_000;
// jest.config.js's per-project testTimeout is ignored by jest 29 (a global-only option); say it here.
jest.setTimeout(120_000);

describe('kafkajs 2.2.4 against the local broker', () => {
  const runId = `${process.pid}-${Date.now()}`;
  const topic = `it.kafkajs-compat.${runId}`;
  // kafkajs logs the broker's retriable answers (CONCURRENT_TRANSACTIONS, coordinator loading) as errors; they are
  // expected here and a real failure throws anyway. KAFKA_LOG_LEVEL turns them back on.
  const config = kafkaConfigFromEnv(`kafkajs-compat-${runId}`);
  const kafka = new Kafka({ ...config, logLevel: process.env.KAFKA_LOG_LEVEL ? config.logLevel : logLevel.NOTHING });
  let admin: Admin;
  const connected: Array<Producer | Consumer> = [];

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
    const created = await admin.createTopics({
      topics: [{ topic, numPartitions: 2, replicationFactor: 1 }],
      waitForLeaders: true,
    });
    expect(created).toBe(true);
  });

  afterAll(async () => {
    for (const client of connected) await client.disconnect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  async function producer(options: Parameters<Kafka['producer']>[0]): Promise<Producer> {
    const p = kafka.producer(options);
    await p.connect();
    connected.push(p);
    return p;
  }

  /** Reads the topic from the start with a fresh group until `count` records arrived (or the wait ran out). */
  async function consumeAll(count: number, readUncommitted: boolean): Promise<KafkaMessage[]> {
    const consumer = kafka.consumer({ groupId: `it.kafkajs-compat.${runId}.${connected.length}`, readUncommitted, maxWaitTimeInMs: 200 });
    await consumer.connect();
    connected.push(consumer);
    await consumer.subscribe({ topic, fromBeginning: true });
    const seen: KafkaMessage[] = [];
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, RECORDS_WAIT_MS);
      void consumer.run({
        autoCommit: true,
        eachMessage: async ({ message }) => {
          seen.push(message);
          if (seen.length >= count) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    // Give a wrongly delivered aborted record the chance to show up before we judge.
    await new Promise((r) => setTimeout(r, 500));
    await consumer.stop();
    return seen;
  }

  it('produces idempotently and transactionally; read_committed sees only committed records', async () => {
    const idempotent = await producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await idempotent.send({ topic, acks: -1, messages: [{ key: 'customer-1', value: 'plain' }] });

    const transactional = await producer({
      idempotent: true,
      maxInFlightRequests: 1,
      transactionalId: `it.kafkajs-compat.${runId}`,
      allowAutoTopicCreation: false,
    });
    const committed = await transactional.transaction();
    await committed.send({ topic, messages: [{ key: 'customer-1', value: 'committed-1' }, { key: 'customer-2', value: 'committed-2' }] });
    await committed.commit();

    const aborted = await transactional.transaction();
    await aborted.send({ topic, messages: [{ key: 'customer-1', value: 'aborted' }] });
    await aborted.abort();

    // sendOffsets is how a service commits its input position in the same transaction as its output.
    const withOffsets = await transactional.transaction();
    await withOffsets.send({ topic, messages: [{ key: 'customer-2', value: 'committed-3' }] });
    await withOffsets.sendOffsets({
      consumerGroupId: `it.kafkajs-compat.${runId}.tx-input`,
      topics: [{ topic, partitions: [{ partition: 0, offset: '1' }] }],
    });
    await withOffsets.commit();

    const committedOnly = await consumeAll(4, false);
    expect(committedOnly.map((m) => m.value?.toString()).sort()).toEqual(['committed-1', 'committed-2', 'committed-3', 'plain']);

    const inputPosition = await admin.fetchOffsets({ groupId: `it.kafkajs-compat.${runId}.tx-input`, topics: [topic] });
    expect(inputPosition[0].partitions.find((p) => p.partition === 0)?.offset).toBe('1');

    // read_uncommitted does deliver the aborted record: proves the filter above was the broker's isolation, not luck.
    const everything = await consumeAll(5, true);
    expect(everything.map((m) => m.value?.toString())).toContain('aborted');
  });

  it('reports topic offsets and seeks a consumer to an offset', async () => {
    const offsets = await admin.fetchTopicOffsets(topic);
    expect(offsets).toHaveLength(2);
    const total = offsets.reduce((sum, p) => sum + (Number(p.high) - Number(p.low)), 0);
    // 5 data records plus one control marker per transaction per partition it touched.
    expect(total).toBeGreaterThanOrEqual(5);

    const partitionWithPlain = await (async () => {
      const seek = kafka.consumer({ groupId: `it.kafkajs-compat.${runId}.seek`, readUncommitted: false, maxWaitTimeInMs: 200 });
      await seek.connect();
      connected.push(seek);
      await seek.subscribe({ topic, fromBeginning: false });
      const received: Array<{ partition: number; offset: string; value: string }> = [];
      let seeked = false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, RECORDS_WAIT_MS);
        seek.on(seek.events.GROUP_JOIN, () => {
          if (seeked) return;
          seeked = true;
          for (const p of offsets) seek.seek({ topic, partition: p.partition, offset: p.low });
        });
        void seek.run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            received.push({ partition, offset: message.offset, value: message.value?.toString() ?? '' });
            if (received.length >= 4) {
              clearTimeout(timer);
              resolve();
            }
          },
        });
      });
      await seek.stop();
      return received;
    })();
    // fromBeginning:false alone would read nothing: everything was written before; the seek rewound it.
    expect(partitionWithPlain.map((r) => r.value).sort()).toEqual(['committed-1', 'committed-2', 'committed-3', 'plain']);
  });
});
