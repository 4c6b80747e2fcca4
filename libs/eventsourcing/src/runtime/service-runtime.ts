import { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { JsonLogger, telemetryApi } from '@billing/telemetry';
import { InvariantViolation } from '@billing/errors';
import { CoPartitionedAssigner } from './copartitioned-assigner';
import { RuntimeMetrics } from './metrics';
import { PartitionWorker, WorkerLogger } from './partition-worker';
import { SnapshotStore } from './snapshot-store';
import { defaultRuntimeOptions, InputRecord, RuntimeOptions, ServiceDefinition } from './types';

const REBUILD_RETRY_MS = 1_000;

export interface ServiceRuntimeDependencies {
  readonly kafka: Kafka;
  readonly dataSource: DataSource;
  readonly options?: Partial<RuntimeOptions>;
  readonly logger?: WorkerLogger;
  /** Called when an invariant breaks. The default stops the process: writing on would corrupt the books. */
  readonly onFatal?: (error: Error) => void;
}

/**
 * Runs one event-sourced service: a consumer group over its inputs with co-partitioned assignment, one
 * PartitionWorker per assigned partition, rebuilt from the log on assignment.
 */
export class ServiceRuntime<C, E, S> {
  private consumer: Consumer | undefined;
  private readonly workers = new Map<number, { worker: PartitionWorker<C, E, S>; started: Promise<void>; rebuilt: boolean }>();
  private readonly options: RuntimeOptions;
  private readonly logger: WorkerLogger;
  private readonly metrics: RuntimeMetrics;
  private readonly snapshots: SnapshotStore;
  private assigned = new Set<number>();
  private readonly consumedUpTo = new Map<string, bigint>();
  private joined = false;
  private stopping = false;
  /** Partition counts of the input topics, fetched once per topic (to check that keys arrive where they hash). */
  private readonly partitionCounts = new Map<string, Promise<number>>();

  constructor(private readonly definition: ServiceDefinition<C, E, S>, private readonly deps: ServiceRuntimeDependencies) {
    this.options = { ...defaultRuntimeOptions, ...deps.options };
    this.logger = deps.logger ?? new JsonLogger(definition.name);
    this.metrics = new RuntimeMetrics(telemetryApi(definition.name).meter, definition.name);
    this.snapshots = new SnapshotStore(deps.dataSource, definition.name);
  }

  /**
   * Ready once the consumer joined its group, every assigned partition is rebuilt and none is retrying an input,
   * and the service itself has no reason not to be (ServiceDefinition.notReadyReason).
   */
  async isReady(): Promise<boolean> {
    return (await this.notReadyReason()) === undefined;
  }

  /** Why the service is not ready, or undefined when it is (what /ready reports). */
  async notReadyReason(): Promise<string | undefined> {
    if (this.stopping) return 'stopping';
    if (!this.joined) return 'joining the consumer group';
    for (const p of [...this.assigned].sort((a, b) => a - b)) {
      const entry = this.workers.get(p);
      if (!entry || !entry.rebuilt || entry.worker.isBroken) return `partition ${p} rebuilding`;
      const retrying = entry.worker.notReadyReason();
      if (retrying) return `partition ${p} ${retrying}`;
    }
    return this.definition.notReadyReason?.();
  }

  /** Resolves when ready, or rejects after timeoutMs. */
  async waitUntilReady(timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await this.isReady())) {
      if (Date.now() > deadline) throw new Error(`${this.definition.name} not ready after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Resolves once every input partition has been consumed up to its end offset as of the call (tests, demos, bench). */
  async waitUntilCaughtUp(timeoutMs = 120_000): Promise<void> {
    const admin = this.deps.kafka.admin();
    await admin.connect();
    const deadline = Date.now() + timeoutMs;
    try {
      const ends: [string, string, number, bigint][] = [];
      for (const input of this.definition.inputs) {
        for (const o of await admin.fetchTopicOffsets(input.topic)) ends.push([`${input.topic}:${o.partition}`, input.topic, o.partition, BigInt(o.high)]);
      }
      for (;;) {
        // A restarted consumer that starts at the end sees no batch, so its committed offset counts as well.
        const committed = new Map<string, bigint>();
        for (const t of await admin.fetchOffsets({ groupId: this.definition.name, topics: this.definition.inputs.map((i) => i.topic) })) {
          for (const p of t.partitions) if (p.offset !== '-1') committed.set(`${t.topic}:${p.partition}`, BigInt(p.offset) - 1n);
        }
        const behind = ends.filter(([key, topic, partition, end]) => {
          if (end === 0n) return false;
          const done = [this.consumedUpTo.get(key), committed.get(key), this.worker(partition)?.positionOf(topic)]
            .reduce<bigint>((a, b) => (b !== undefined && b > a ? b : a), -1n);
          return done < end - 1n;
        });
        if (behind.length === 0) return;
        if (Date.now() > deadline) throw new Error(`${this.definition.name} still behind on ${behind.map(([k]) => k).join(', ')}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      await admin.disconnect();
    }
  }

  assignedPartitions(): number[] {
    return [...this.assigned].sort((a, b) => a - b);
  }

  worker(partition: number): PartitionWorker<C, E, S> | undefined {
    return this.workers.get(partition)?.worker;
  }

  async start(): Promise<void> {
    const { definition, options } = this;
    const consumer = this.deps.kafka.consumer({
      groupId: definition.name,
      partitionAssigners: [CoPartitionedAssigner],
      readUncommitted: false,
      sessionTimeout: options.sessionTimeoutMs,
      heartbeatInterval: options.heartbeatIntervalMs,
      maxBytesPerPartition: options.maxBytesPerPartition,
      maxWaitTimeInMs: 100,
      allowAutoTopicCreation: false,
      retry: { retries: 5 },
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => this.onAssignment(payload.memberAssignment));
    // Also fires for batches of transaction markers only, which never reach eachBatch.
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      this.consumedUpTo.set(`${payload.topic}:${payload.partition}`, BigInt(payload.lastOffset));
    });
    await consumer.connect();
    for (const input of definition.inputs) await consumer.subscribe({ topic: input.topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: options.partitionsConsumedConcurrently,
      eachBatch: (payload) => this.onBatch(payload),
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.consumer?.disconnect().catch(() => undefined);
    for (const { worker } of this.workers.values()) await worker.stop();
    this.workers.clear();
  }

  private onAssignment(memberAssignment: Record<string, number[]>): void {
    const partitions = new Set<number>();
    for (const list of Object.values(memberAssignment)) for (const p of list) partitions.add(p);
    // Eager rebalancing: a partition kept across a rebalance was never owned by anyone else meanwhile, so its
    // worker stays; a partition that left is dropped (its new owner fences our producer anyway).
    for (const [p, entry] of this.workers) {
      if (!partitions.has(p)) {
        this.workers.delete(p);
        void entry.worker.stop();
      }
    }
    this.assigned = partitions;
    this.joined = true;
    for (const p of partitions) this.ensureWorker(p);
    this.logger.info('partitions assigned', { service: this.definition.name, partitions: [...partitions] });
  }

  private ensureWorker(partition: number, heartbeat?: () => Promise<void>) {
    let entry = this.workers.get(partition);
    if (!entry || entry.worker.isBroken) {
      const worker = new PartitionWorker(this.definition, partition, this.deps.kafka, this.snapshots, this.options, this.metrics, this.logger, (topic) => this.partitionCountOf(topic));
      const started = worker.start(heartbeat);
      const created = { worker, started, rebuilt: false };
      started.then(
        () => { created.rebuilt = true; },
        (error) => {
          this.logger.error('partition rebuild failed; retrying', { partition, error: String(error) });
          // A failed rebuild (a leader not elected yet, a broker restart) must not leave the partition unready until
          // some input happens to arrive: retry while we still own it.
          void created.worker.stop();
          setTimeout(() => {
            if (this.stopping || !this.assigned.has(partition) || this.workers.get(partition) !== created) return;
            this.workers.delete(partition);
            this.ensureWorker(partition);
          }, REBUILD_RETRY_MS);
        },
      );
      entry = created;
      this.workers.set(partition, entry);
    }
    return entry;
  }

  private partitionCountOf(topic: string): Promise<number> {
    let count = this.partitionCounts.get(topic);
    if (!count) {
      count = fetchPartitionCount(this.deps.kafka, topic);
      count.catch(() => this.partitionCounts.delete(topic)); // a failed fetch is retried next time
      this.partitionCounts.set(topic, count);
    }
    return count;
  }

  private async onBatch({ batch, heartbeat, resolveOffset, isRunning, isStale }: EachBatchPayload): Promise<void> {
    if (!isRunning() || isStale() || batch.messages.length === 0) return;
    let entry = this.ensureWorker(batch.partition, heartbeat);
    try {
      await waitWithHeartbeats(entry.started, heartbeat);
    } catch (error) {
      this.workers.delete(batch.partition);
      throw error;
    }
    if (entry.worker.isBroken) entry = this.ensureWorker(batch.partition, heartbeat);
    const records: InputRecord[] = batch.messages.map((m) => ({
      topic: batch.topic,
      partition: batch.partition,
      offset: m.offset,
      key: m.key,
      value: m.value,
      headers: m.headers ?? {},
      timestamp: m.timestamp,
    }));
    try {
      await entry.worker.process(records, heartbeat);
    } catch (error) {
      if (error instanceof InvariantViolation) {
        this.logger.error('invariant violated; stopping the service', { error: error.message, partition: batch.partition });
        (this.deps.onFatal ?? defaultFatal)(error);
      }
      // The transaction failed. The worker's state did not move (it moves only after a commit), but its producer
      // may be fenced or in an abortable state: drop it; the batch is redelivered and a fresh worker rebuilds from
      // the log and skips what is already there.
      this.workers.delete(batch.partition);
      await entry.worker.stop();
      // kafkajs stops the consumer for good on a non-retriable error from eachBatch (a broker refusing a record
      // inside the transaction): hand it a retriable one so the batch is retried instead.
      if ((error as { retriable?: unknown }).retriable === false) throw new BatchFailed(batch.partition, error);
      throw error;
    }
    const last = batch.messages[batch.messages.length - 1].offset;
    resolveOffset(last);
    this.metrics.setLag(batch.topic, batch.partition, Number(BigInt(batch.highWatermark) - BigInt(last) - 1n));
    // Consumer offsets are a fetch hint only (the positions topic is the truth), so a lost commit costs a skip, never a duplicate.
    await this.consumer!.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() }]).catch(() => undefined);
  }
}

/** A batch whose transaction failed for good; retriable for kafkajs, so the consumer retries it rather than crash. */
class BatchFailed extends Error {
  readonly retriable = true;
  constructor(partition: number, error: unknown) {
    super(`partition ${partition}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    this.name = 'BatchFailed';
  }
}

async function fetchPartitionCount(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
    if (!metadata || metadata.partitions.length === 0) throw new Error(`no partitions in the metadata of ${topic}`);
    return metadata.partitions.length;
  } finally {
    await admin.disconnect();
  }
}

async function waitWithHeartbeats(promise: Promise<void>, heartbeat: () => Promise<void>): Promise<void> {
  let settled = false;
  const guarded = promise.finally(() => { settled = true; });
  while (!settled) {
    await Promise.race([guarded, new Promise((r) => setTimeout(r, 1_000))]);
    if (!settled) await heartbeat().catch(() => undefined);
  }
  await guarded;
}

function defaultFatal(error: Error): void {
  // Let the log line flush, then stop hard: an invariant failure must not be retried into the books.
  setImmediate(() => process.exit(70));
  throw error;
}
