import { Admin, Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { JsonLogger, telemetryApi } from '@billing/telemetry';
import { InvariantViolation } from '@billing/errors';
import { CoPartitionedAssigner } from './copartitioned-assigner';
import { InputMerger } from './input-merger';
import { RuntimeMetrics } from './metrics';
import { PartitionWorker, WorkerLogger } from './partition-worker';
import { SnapshotStore } from './snapshot-store';
import { defaultRuntimeOptions, InputRecord, RuntimeOptions, ServiceDefinition } from './types';

const FETCH_HINT_EVERY_MS = 1_000;
const REBUILD_RETRY_MS = 1_000;
/** How long stop() waits for a partition still rebuilding before it stops the worker anyway. */
const STOP_WAIT_FOR_REBUILD_MS = 10_000;

/** A partition's worker and the merge of its inputs; dropped together (the buffered records are fetched again). */
interface PartitionEntry<C, E, S> {
  readonly worker: PartitionWorker<C, E, S>;
  readonly started: Promise<void>;
  rebuilt: boolean;
  readonly merger: InputMerger;
  /** Topics of the run being processed (released from the merger, not committed yet). */
  readonly inFlight: Set<string>;
  /** Topics whose fetching is paused because their buffer is full. */
  readonly paused: Set<string>;
  pumping: boolean;
  /** The pump's current drain, awaited by stop() so a slice in flight commits before the producer goes. */
  draining: Promise<void>;
  /** Something changed while the pump ran: look again before it stops. */
  again: boolean;
  /** Since when the merge waits for a lagging input, if it does. */
  waitingSince: number | undefined;
  refreshTimer: NodeJS.Timeout | undefined;
  dropped: boolean;
  /** When the fetch hint (consumer-group offset) was last committed. */
  hintCommittedAt: number;
}

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
  private readonly workers = new Map<number, PartitionEntry<C, E, S>>();
  private admin: Admin | undefined;
  /** The latest heartbeat kafkajs handed us; processing runs outside eachBatch and keeps the session alive with it. */
  private heartbeatFn: (() => Promise<void>) | undefined;
  /** Partitions whose last transaction failed: their next worker waits a moment before rebuilding. */
  private readonly coolingDown = new Set<number>();
  /** Where fetching of each input restarts after a rewind, per partition: the next worker's merge starts there. */
  private readonly rewoundTo = new Map<number, Map<string, bigint>>();
  private readonly options: RuntimeOptions;
  private readonly logger: WorkerLogger;
  private readonly metrics: RuntimeMetrics;
  private readonly snapshots: SnapshotStore;
  private assigned = new Set<number>();
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
          // The group's committed offset only stands in for a partition this instance has not rebuilt: it may have been
          // written by another instance (or run) over other positions, so it must not end the wait for a live one.
          const live = this.workers.get(partition)?.rebuilt === true;
          const done = [this.drainedUpTo(topic, partition), live ? undefined : committed.get(key), this.worker(partition)?.positionOf(topic)]
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

  /** Last offset of an input partition fetched with nothing of it left to process (a tail of transaction markers counts). */
  private drainedUpTo(topic: string, partition: number): bigint | undefined {
    const entry = this.workers.get(partition);
    if (!entry || entry.merger.buffered(topic) > 0 || entry.inFlight.has(topic)) return undefined;
    const fetched = entry.merger.fetchedOffset(topic);
    return fetched === undefined ? undefined : fetched - 1n;
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
    // Also fires for batches of transaction markers or aborted records only, which never reach eachBatch: their
    // offsets count as fetched, or the merge would wait for records that will never come.
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      const entry = this.workers.get(payload.partition);
      if (!entry || entry.dropped) return;
      // A batch with records moves the merge in onBatch, and only if it was offered there: one that onBatch turned
      // away (stale, or its worker failing) must not count as fetched, or its records would be dropped when they
      // come again.
      if (payload.batchSize > 0) return;
      // kafkajs also reports stale batches (fetched before a rewind): only a batch that starts at or below what the
      // merge has seen moves it on, or records refetched after the rewind would be taken as already delivered.
      const fetched = entry.merger.fetchedOffset(payload.topic);
      if (fetched !== undefined && payload.firstOffset != null && BigInt(payload.firstOffset) > fetched) return;
      entry.merger.fetchedUpTo(payload.topic, BigInt(payload.lastOffset) + 1n);
      entry.merger.learnEnd(payload.topic, BigInt(payload.highWatermark));
      this.pump(payload.partition, entry);
    });
    this.admin = this.deps.kafka.admin();
    await this.admin.connect();
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
    for (const entry of this.workers.values()) {
      this.drop(entry, false);
      await entry.draining.catch(() => undefined);
      // A worker still rebuilding would connect its producer after we let go of it.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([entry.started.catch(() => undefined), new Promise((r) => { timer = setTimeout(r, STOP_WAIT_FOR_REBUILD_MS); })]);
      clearTimeout(timer);
      await entry.worker.stop();
    }
    this.workers.clear();
    await this.admin?.disconnect().catch(() => undefined);
  }

  private onAssignment(memberAssignment: Record<string, number[]>): void {
    const partitions = new Set<number>();
    for (const list of Object.values(memberAssignment)) for (const p of list) partitions.add(p);
    // Eager rebalancing: a partition kept across a rebalance was never owned by anyone else meanwhile, so its
    // worker stays; a partition that left is dropped (its new owner fences our producer anyway).
    for (const [p, entry] of this.workers) {
      if (!partitions.has(p)) {
        this.workers.delete(p);
        this.drop(entry, false);
        void entry.worker.stop();
      }
    }
    this.assigned = partitions;
    this.joined = true;
    for (const p of partitions) this.ensureWorker(p);
    this.logger.info('partitions assigned', { service: this.definition.name, partitions: [...partitions] });
  }

  private ensureWorker(partition: number): PartitionEntry<C, E, S> {
    let entry = this.workers.get(partition);
    if (!entry || entry.worker.isBroken) {
      if (entry) this.drop(entry, true);
      const worker = new PartitionWorker(this.definition, partition, this.deps.kafka, this.snapshots, this.options, this.metrics, this.logger, (topic) => this.partitionCountOf(topic));
      const heartbeat = () => this.heartbeat();
      // After a failed transaction, wait a moment (what kafkajs' retry of a failing eachBatch used to give us).
      const coolDown = this.coolingDown.delete(partition) ? new Promise((r) => setTimeout(r, REBUILD_RETRY_MS)) : Promise.resolve();
      const started = coolDown.then(() => (created.dropped || this.stopping ? undefined : worker.start(heartbeat)));
      const created: PartitionEntry<C, E, S> = {
        worker, started, rebuilt: false, merger: new InputMerger(this.definition.inputs.map((i) => i.topic)),
        inFlight: new Set(), paused: new Set(), pumping: false, draining: Promise.resolve(), again: false, waitingSince: undefined, refreshTimer: undefined, dropped: false, hintCommittedAt: 0,
      };
      started.then(
        () => {
          created.rebuilt = true;
          this.pump(partition, created);
        },
        (error) => {
          this.logger.error('partition rebuild failed; retrying', { partition, error: String(error) });
          // A failed rebuild (a leader not elected yet, a broker restart) must not leave the partition unready until
          // some input happens to arrive: retry while we still own it.
          this.drop(created, true);
          void created.worker.stop();
          setTimeout(() => {
            if (this.stopping || !this.assigned.has(partition) || this.workers.get(partition) !== created) return;
            this.workers.delete(partition);
            this.ensureWorker(partition);
          }, REBUILD_RETRY_MS);
        },
      );
      const restartAt = this.rewoundTo.get(partition);
      this.rewoundTo.delete(partition);
      for (const [topic, offset] of restartAt ?? []) created.merger.fetchedUpTo(topic, offset);
      entry = created;
      this.workers.set(partition, entry);
      // Where every input stands (end offset, where fetching starts): the merge must not wait for an empty input.
      void this.learnStartOffsets(partition, created);
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

  /**
   * Buffers a batch in its partition's merge and returns at once: kafkajs calls eachBatch one at a time, so
   * waiting here for another topic's batch would deadlock. The records are processed by pump() in merged order.
   */
  private async onBatch({ batch, heartbeat, resolveOffset, isRunning, isStale }: EachBatchPayload): Promise<void> {
    this.heartbeatFn = heartbeat;
    if (!isRunning() || isStale() || batch.messages.length === 0) return;
    const current = this.workers.get(batch.partition);
    // A worker whose transaction just failed is being dropped and fetching rewound: leave this batch unresolved (it
    // is fetched again) rather than start its successor past the records the rewind will fetch again.
    if (current && current.worker.isBroken && !current.dropped) return;
    const entry = this.ensureWorker(batch.partition);
    if (isStale()) return;
    const records: InputRecord[] = batch.messages.map((m) => ({
      topic: batch.topic,
      partition: batch.partition,
      offset: m.offset,
      key: m.key,
      value: m.value,
      headers: m.headers ?? {},
      timestamp: m.timestamp,
    }));
    entry.merger.offer(batch.topic, records);
    // The batch's last offset counts trailing transaction markers and aborted records: fetched too.
    entry.merger.fetchedUpTo(batch.topic, BigInt(batch.lastOffset()) + 1n);
    entry.merger.learnEnd(batch.topic, BigInt(batch.highWatermark));
    const last = batch.messages[batch.messages.length - 1].offset;
    // Fetch on; the committed consumer offset (the fetch hint) still moves only with what is processed.
    resolveOffset(last);
    this.metrics.setLag(batch.topic, batch.partition, Number(BigInt(batch.highWatermark) - BigInt(last) - 1n) + entry.merger.buffered(batch.topic));
    if (entry.merger.buffered(batch.topic) >= this.options.inputBufferRecordsMax && !entry.paused.has(batch.topic)) {
      entry.paused.add(batch.topic);
      this.consumer!.pause([{ topic: batch.topic, partitions: [batch.partition] }]);
    }
    this.pump(batch.partition, entry);
  }

  /**
   * Processes the partition's merged inputs while the merge releases records; one pump per partition at a time.
   * A transaction that fails drops the worker with its buffer and rewinds fetching to what is committed.
   */
  private pump(partition: number, entry: PartitionEntry<C, E, S>): void {
    if (entry.pumping) {
      entry.again = true;
      return;
    }
    if (!entry.rebuilt || entry.dropped || this.stopping) return;
    entry.pumping = true;
    entry.draining = this.drain(partition, entry).finally(() => {
      entry.pumping = false;
      // A batch may have arrived between drain's last look and here.
      if (entry.again) this.pump(partition, entry);
    });
  }

  private async drain(partition: number, entry: PartitionEntry<C, E, S>): Promise<void> {
    const { merger, worker } = entry;
    const positionOf = (topic: string) => worker.positionOf(topic);
    for (;;) {
      if (entry.dropped || this.stopping) return;
      entry.again = false;
      const waitedTooLong = entry.waitingSince !== undefined && Date.now() - entry.waitingSince > this.options.inputWaitMaxMs;
      const run = merger.release(this.options.batchRecordsMax, positionOf, waitedTooLong);
      if (waitedTooLong && run.length > 0) {
        this.logger.warn('inputs not caught up for too long; processing the others without them (order not deterministic)', {
          partition, lagging: merger.lagging(positionOf), waitedMs: Date.now() - entry.waitingSince!,
        });
      }
      if (run.length === 0) {
        if (entry.again) continue;
        this.waitForLagging(partition, entry);
        return;
      }
      // Forced past a lagging input: stay forced until it catches up (waitForLagging clears it), not one run per wait.
      if (!waitedTooLong) entry.waitingSince = undefined;
      for (const record of run) entry.inFlight.add(record.topic);
      try {
        await worker.process(run, () => this.heartbeat());
      } catch (error) {
        this.onProcessFailed(partition, entry, error);
        return;
      } finally {
        entry.inFlight.clear();
      }
      // The fetch hint is only a hint (a stale one costs a refetch and a skip, never a duplicate): commit it at most
      // every FETCH_HINT_EVERY_MS while busy, and whenever the partition has drained, not one round trip per slice.
      if (merger.totalBuffered() === 0 || Date.now() - entry.hintCommittedAt >= FETCH_HINT_EVERY_MS) {
        entry.hintCommittedAt = Date.now();
        await this.commitFetchHints(partition, entry);
      }
      for (const topic of new Set(run.map((r) => r.topic))) {
        const end = merger.endOffset(topic);
        const position = worker.positionOf(topic);
        if (end !== undefined && position !== undefined) this.metrics.setLag(topic, partition, Math.max(0, Number(end - position - 1n)));
      }
      for (const topic of [...entry.paused]) {
        if (merger.buffered(topic) <= this.options.inputBufferRecordsMax / 2) {
          entry.paused.delete(topic);
          this.consumer?.resume([{ topic, partitions: [partition] }]);
        }
      }
    }
  }

  /** Nothing to release: if an input lags, ask the broker for end offsets until it catches up or delivers. */
  private waitForLagging(partition: number, entry: PartitionEntry<C, E, S>): void {
    const lagging = entry.merger.totalBuffered() > 0 ? entry.merger.lagging((t) => entry.worker.positionOf(t)) : [];
    if (lagging.length === 0) {
      entry.waitingSince = undefined;
      return;
    }
    entry.waitingSince ??= Date.now();
    if (entry.refreshTimer) return;
    entry.refreshTimer = setTimeout(() => {
      entry.refreshTimer = undefined;
      if (entry.dropped || this.stopping) return;
      void this.learnEnds(entry, lagging).finally(() => this.pump(partition, entry));
    }, this.options.inputEndRefreshMs);
  }

  /** Consumer offsets are a fetch hint only (the positions topic is the truth): committed up to what is processed. */
  private async commitFetchHints(partition: number, entry: PartitionEntry<C, E, S>): Promise<void> {
    const offsets = this.definition.inputs.map((input) => input.topic).flatMap((topic) => {
      const position = entry.worker.positionOf(topic);
      return position === undefined ? [] : [{ topic, partition, offset: (position + 1n).toString() }];
    });
    if (offsets.length > 0) await this.consumer?.commitOffsets(offsets).catch(() => undefined);
  }

  private onProcessFailed(partition: number, entry: PartitionEntry<C, E, S>, error: unknown): void {
    if (error instanceof InvariantViolation) {
      this.logger.error('invariant violated; stopping the service', { error: error.message, partition });
      try {
        (this.deps.onFatal ?? defaultFatal)(error);
      } catch {
        // defaultFatal rethrows for the log; the process is on its way out.
      }
    }
    if (entry.dropped || this.stopping) return;
    // The transaction failed. The worker's state did not move (it moves only after a commit), but its producer
    // may be fenced or in an abortable state: drop it with its buffer; fetching rewinds to what is committed, and
    // a fresh worker rebuilds from the log and skips what is already there.
    this.logger.error('transaction failed; rebuilding the partition', { partition, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
    if (this.workers.get(partition) === entry) this.workers.delete(partition);
    this.coolingDown.add(partition);
    this.drop(entry, true);
    void entry.worker.stop();
  }

  /**
   * Forgets a worker's buffer. With `rewind` (we still own the partition) fetching restarts after what the worker
   * committed, so the buffered and in-flight records are fetched again for its successor.
   */
  private drop(entry: PartitionEntry<C, E, S>, rewind: boolean): void {
    if (entry.dropped) return;
    entry.dropped = true;
    entry.worker.interrupt();
    if (entry.refreshTimer) clearTimeout(entry.refreshTimer);
    const partition = entry.worker.partition;
    const consumer = this.consumer;
    if (!consumer || this.stopping) return;
    if (entry.paused.size > 0) consumer.resume([...entry.paused].map((topic) => ({ topic, partitions: [partition] })));
    if (!rewind || !this.assigned.has(partition)) return;
    const restartAt = new Map<string, bigint>();
    this.rewoundTo.set(partition, restartAt);
    for (const { topic } of this.definition.inputs) {
      const position = entry.worker.positionOf(topic);
      const from = position !== undefined ? position + 1n : entry.merger.firstOffered(topic);
      if (from === undefined) {
        // Nothing processed or buffered: fetching stays where it is (past any markers), and so does the merge.
        const fetched = entry.merger.fetchedOffset(topic);
        if (fetched !== undefined) restartAt.set(topic, fetched);
        continue;
      }
      restartAt.set(topic, from);
      try {
        consumer.seek({ topic, partition, offset: from.toString() });
      } catch (error) {
        this.logger.warn('could not rewind fetching', { topic, partition, error: String(error) });
      }
    }
  }

  private async heartbeat(): Promise<void> {
    // kafkajs heartbeats on its own between fetches; a rebalance in progress is its business, not the slice's.
    await this.heartbeatFn?.().catch(() => undefined);
  }

  /** End offsets of the given inputs, partition of the entry; a failure is retried at the next wait. */
  private async learnEnds(entry: PartitionEntry<C, E, S>, topics: readonly string[]): Promise<void> {
    const partition = entry.worker.partition;
    try {
      for (const topic of topics) {
        const found = (await this.admin!.fetchTopicOffsets(topic)).find((o) => o.partition === partition);
        if (found) entry.merger.learnEnd(topic, BigInt(found.high));
      }
    } catch (error) {
      this.logger.warn('could not fetch end offsets of inputs', { partition, error: String(error) });
    }
  }

  /** Once per worker: the end offset of every input and where its fetching starts (committed hint, else the log start). */
  private async learnStartOffsets(partition: number, entry: PartitionEntry<C, E, S>): Promise<void> {
    const topics = this.definition.inputs.map((i) => i.topic);
    try {
      const committed = new Map<string, bigint>();
      for (const t of await this.admin!.fetchOffsets({ groupId: this.definition.name, topics })) {
        for (const p of t.partitions) if (p.partition === partition && p.offset !== '-1') committed.set(t.topic, BigInt(p.offset));
      }
      for (const topic of topics) {
        const found = (await this.admin!.fetchTopicOffsets(topic)).find((o) => o.partition === partition);
        if (!found) continue;
        const low = BigInt(found.low);
        const from = committed.get(topic);
        entry.merger.learnEnd(topic, BigInt(found.high));
        entry.merger.fetchedUpTo(topic, from !== undefined && from > low ? from : low);
      }
    } catch (error) {
      this.logger.warn('could not fetch start offsets of inputs; learning them from batches', { partition, error: String(error) });
    }
    this.pump(partition, entry);
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

function defaultFatal(error: Error): void {
  // Let the log line flush, then stop hard: an invariant failure must not be retried into the books.
  setImmediate(() => process.exit(70));
  throw error;
}
