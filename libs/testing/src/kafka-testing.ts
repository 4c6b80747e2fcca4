import { randomBytes } from 'node:crypto';
import { Kafka, KafkaMessage } from 'kafkajs';
import { kafkaConfigFromEnv, TopicDeclaration, ensureTopics } from '@billing/kafka';
import { readPartitionsToEnd } from '@billing/runtime';

/** A Kafka client for tests: the real broker that global setup started (KAFKA_BROKERS). */
export function testKafka(clientId = 'test'): Kafka {
  if (!process.env.KAFKA_BROKERS) throw new Error('KAFKA_BROKERS is not set: integration tests need the real broker (see test/global-setup.ts)');
  return new Kafka({ ...kafkaConfigFromEnv(clientId), logLevel: 1 });
}

/** A short random id so a test run gets its own topics, groups and schemas. */
export function runId(): string {
  return randomBytes(4).toString('hex');
}

/** Creates fresh topics for one test run (same partitioning as the declared ones). */
export async function createTestTopics(kafka: Kafka, names: { name: string; compact?: boolean }[], partitions = 4): Promise<void> {
  const declarations: TopicDeclaration[] = names.map(({ name, compact }) => ({
    name, owner: 'test', key: 'test', partitions, cleanupPolicy: compact ? 'compact' : 'delete', retentionMs: -1, description: 'test run topic', testOnly: true,
  }));
  await ensureTopics(kafka, declarations);
}

/** Every committed record of a topic, all partitions, up to its end as of the call. */
export async function readTopic(kafka: Kafka, topic: string): Promise<(KafkaMessage & { partition: number })[]> {
  const admin = kafka.admin();
  await admin.connect();
  const partitions = (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0].partitions.map((p) => p.partitionId);
  await admin.disconnect();
  const out: (KafkaMessage & { partition: number })[] = [];
  await readPartitionsToEnd(
    kafka,
    partitions.map((partition) => ({ topic, partition, fromOffset: '0' })),
    async (target, messages) => { for (const m of messages) out.push({ ...m, partition: target.partition }); },
  );
  return out;
}

/** Polls until `probe` returns a value other than undefined, or fails after timeoutMs. */
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 60_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
export { TestSchemaRegistry } from './schema-registry-server';
