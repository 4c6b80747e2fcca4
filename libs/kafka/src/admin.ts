import { Admin, ITopicConfig, Kafka } from 'kafkajs';
import { loadTopicDeclarations, TopicDeclaration } from './topics';

/** Replication is capped by the broker count: a single-node dev broker takes 1, a real cluster 3. */
export const REPLICATION_FACTOR_MAX = 3;

export interface EnsureTopicsOptions {
  /** Defaults to min(brokers in the cluster, REPLICATION_FACTOR_MAX). */
  replicationFactor?: number;
}

/**
 * Creates every declared topic that does not exist yet; existing topics keep their data and config. Returns the
 * created names. Throws when an existing topic has a different partition count than declared: co-partitioning by
 * customer id depends on equal counts, and a silent mismatch would route one customer to two workers.
 */
export async function ensureTopics(
  kafka: Kafka,
  declarations: TopicDeclaration[] = loadTopicDeclarations(),
  options: EnsureTopicsOptions = {},
): Promise<string[]> {
  const admin: Admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const present = declarations.filter((d) => existing.has(d.name));
    if (present.length > 0) {
      const metadata = await admin.fetchTopicMetadata({ topics: present.map((d) => d.name) });
      const mismatches = present.flatMap((d) => {
        const actual = metadata.topics.find((t) => t.name === d.name)?.partitions.length;
        return actual === d.partitions ? [] : [`${d.name} has ${actual} partitions, declared ${d.partitions}`];
      });
      if (mismatches.length > 0) throw new Error(`topics differ from schemas/topics.json: ${mismatches.join('; ')}`);
    }
    const missing = declarations.filter((d) => !existing.has(d.name));
    if (missing.length === 0) return [];
    // kafkajs speaks CreateTopics v3 at most, which rejects replicationFactor -1 (broker default), so name it.
    const replicationFactor =
      options.replicationFactor ?? Math.min((await admin.describeCluster()).brokers.length, REPLICATION_FACTOR_MAX);
    if (!(Number.isInteger(replicationFactor) && replicationFactor >= 1)) {
      throw new Error(`replicationFactor must be a positive integer, got ${replicationFactor}`);
    }
    const topics: ITopicConfig[] = missing.map((d) => ({
      topic: d.name,
      numPartitions: d.partitions,
      replicationFactor,
      configEntries: [
        { name: 'cleanup.policy', value: d.cleanupPolicy },
        { name: 'retention.ms', value: String(d.retentionMs) },
      ],
    }));
    // createTopics resolves false when another process created them first; that is fine, the topics exist.
    await admin.createTopics({ topics, waitForLeaders: true, validateOnly: false });
    return missing.map((d) => d.name);
  } finally {
    await admin.disconnect();
  }
}
