import { randomUUID } from 'node:crypto';
import { Kafka, KafkaMessage } from 'kafkajs';

export interface ReadTarget {
  readonly topic: string;
  readonly partition: number;
  /** First offset to deliver (inclusive). */
  readonly fromOffset: string;
  /** Stop before this offset (exclusive) if it comes before the end. */
  readonly untilOffset?: string;
}

export interface ReadOptions {
  /** Called while reading, so a caller inside a consumer group's batch keeps its session alive. */
  readonly heartbeat?: () => Promise<void>;
  readonly timeoutMs?: number;
  readonly onProgress?: (target: ReadTarget, offset: string, end: string) => void;
}

const READ_TIMEOUT_MS_DEFAULT = 10 * 60_000;

/**
 * Reads the committed records of some topic-partitions from a given offset up to their end offset as it was
 * when the read started (read_committed, so aborted transactions never show). Used to rebuild state from the
 * service's own log. kafkajs has no assign(): a throw-away consumer group with no commits does the job.
 */
export async function readPartitionsToEnd(
  kafka: Kafka,
  targets: readonly ReadTarget[],
  onMessages: (target: ReadTarget, messages: KafkaMessage[]) => Promise<void>,
  options: ReadOptions = {},
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map<string, bigint>();
  try {
    for (const topic of new Set(targets.map((t) => t.topic))) {
      const offsets = await admin.fetchTopicOffsets(topic);
      for (const o of offsets) ends.set(`${topic}:${o.partition}`, BigInt(o.high));
    }
  } finally {
    await admin.disconnect();
  }
  const pending = new Map<string, ReadTarget>();
  for (const target of targets) {
    const key = `${target.topic}:${target.partition}`;
    let end = ends.get(key);
    if (end === undefined) throw new Error(`partition ${target.topic}:${target.partition} does not exist`);
    if (target.untilOffset !== undefined && BigInt(target.untilOffset) < end) ends.set(key, (end = BigInt(target.untilOffset)));
    if (BigInt(target.fromOffset) < end) pending.set(`${target.topic}:${target.partition}`, target);
  }
  if (pending.size === 0) return;

  const consumer = kafka.consumer({
    groupId: `reader.${randomUUID()}`,
    readUncommitted: false,
    sessionTimeout: 30_000,
    heartbeatInterval: 3_000,
    maxWaitTimeInMs: 100,
    allowAutoTopicCreation: false,
    retry: { retries: 5 },
  });
  let resolveDone!: () => void;
  let rejectDone!: (error: Error) => void;
  const done = new Promise<void>((resolve, reject) => { resolveDone = resolve; rejectDone = reject; });
  const markProgress = (topic: string, partition: number, lastOffset: string) => {
    const key = `${topic}:${partition}`;
    const target = pending.get(key);
    const end = ends.get(key)!;
    if (!target) return;
    options.onProgress?.(target, lastOffset, end.toString());
    if (BigInt(lastOffset) >= end - 1n) {
      pending.delete(key);
      if (pending.size === 0) resolveDone();
    }
  };
  // END_BATCH_PROCESS also fires for batches holding only transaction markers or aborted records, which never
  // reach eachBatch: without it a log that ends in a commit marker would never look finished.
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => markProgress(payload.topic, payload.partition, payload.lastOffset));
  consumer.on(consumer.events.CRASH, ({ payload }) => rejectDone(payload.error));
  try {
    await consumer.connect();
    for (const topic of new Set(targets.map((t) => t.topic))) await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      // Auto-resolve moves the fetch position past each batch; without it kafkajs fetches the same batch forever.
      eachBatchAutoResolve: true,
      partitionsConsumedConcurrently: 1,
      eachBatch: async ({ batch, heartbeat, pause }) => {
        const target = pending.get(`${batch.topic}:${batch.partition}`);
        if (!target) {
          // A partition we were not asked for (the throw-away group is assigned every partition): stop fetching it.
          if (!targets.some((t) => t.topic === batch.topic && t.partition === batch.partition)) pause();
          return;
        }
        const from = BigInt(target.fromOffset);
        const end = ends.get(`${batch.topic}:${batch.partition}`)!;
        const messages = batch.messages.filter((m) => BigInt(m.offset) >= from && BigInt(m.offset) < end);
        if (messages.length > 0) {
          try {
            await onMessages(target, messages);
          } catch (error) {
            // Never let kafkajs redeliver the batch: the handler may have applied part of it (a fold would count
            // those events twice). The read fails as a whole and the caller starts over from a clean state.
            pause();
            rejectDone(error instanceof Error ? error : new Error(String(error)));
            return;
          }
        }
        await heartbeat();
        if (options.heartbeat) await options.heartbeat();
      },
    });
    for (const target of targets) consumer.seek({ topic: target.topic, partition: target.partition, offset: target.fromOffset });
    const timeoutMs = options.timeoutMs ?? READ_TIMEOUT_MS_DEFAULT;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`reading ${[...pending.keys()].join(', ')} to its end took over ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([done, timeout]);
    } finally {
      clearTimeout(timer);
    }
  } finally {
    await consumer.disconnect();
  }
}
