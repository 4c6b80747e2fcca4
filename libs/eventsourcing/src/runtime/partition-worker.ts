import { trace } from '@opentelemetry/api';
import { CompressionTypes, Kafka, Message, Producer } from 'kafkajs';
import { RuntimeMetrics } from './metrics';
import { readPartitionsToEnd } from './partition-reader';
import { PartitionCounts, SliceStager, StagedSlice } from './slice-stager';
import { SnapshotStore } from './snapshot-store';
import { InputRecord, RuntimeOptions, ServiceDefinition } from './types';

/** The reason code every service uses for a limit that input can reach (never an InvariantViolation). */
const LIMIT_EXCEEDED = 'LIMIT_EXCEEDED';

export interface WorkerLogger {
  info(message: string, fields?: object): void;
  warn(message: string, fields?: object): void;
  error(message: string, fields?: object): void;
}

/**
 * Owns partition p of a service: the state of every aggregate whose key hashes to p, the transactional producer
 * that appends to partition p of the service's topics, and the input positions its log records.
 *
 * Exactly-once effect: for each slice of input records, the resulting events, dead letters, extra outputs and the
 * new input positions are written in ONE Kafka transaction. The positions topic is the truth about what has
 * been processed; consumer-group offsets are only a hint for where to start fetching. A restarted or rebalanced
 * worker fences its predecessor (same transactional id), folds its own log and skips every input at or below
 * the recorded position. We do not use sendOffsets: kafkajs issue #430 (CONCURRENT_TRANSACTIONS not retried in
 * addOffsetsToTxn) cannot bite a transaction that never adds offsets.
 *
 * A slice goes through two steps: SliceStager.stage (pure with respect to this worker: reads the committed state,
 * returns what to write and the states to take on) and commit (one transaction; only after it commits do the
 * states, positions and own offset move), so a failed transaction leaves the worker exactly as it was.
 */
export class PartitionWorker<C, E, S> {
  private readonly states = new Map<string, S>();
  private readonly positions = new Map<string, bigint>();
  private ownOffset = -1n;
  private eventsApplied = 0n;
  private eventsSinceSnapshot = 0;
  /** How the last start() rebuilt the state: from which snapshot, and how many own events it folded on top. */
  lastRestore: { readonly fromSnapshotOffset: string | null; readonly snapshotsSkipped: number; readonly eventsReplayed: number } | undefined;
  private producer: Producer | undefined;
  private broken = false;
  /** The runtime let go of this worker (stop, revoke, failure): a retry in progress gives up; nothing was written. */
  private interrupted = false;
  /** Rebuilt and counted in partitions_ready. */
  private live = false;
  /** One transaction at a time, even if callers overlap. */
  private serial: Promise<void> = Promise.resolve();
  /** Set while an input is retried for a reason that is not its fault: the partition is not ready meanwhile. */
  private retrying: string | undefined;
  private readonly stager: SliceStager<C, E, S>;

  constructor(
    private readonly definition: ServiceDefinition<C, E, S>,
    readonly partition: number,
    private readonly kafka: Kafka,
    private readonly snapshots: SnapshotStore,
    private readonly options: RuntimeOptions,
    private readonly metrics: RuntimeMetrics,
    private readonly logger: WorkerLogger,
    partitionCounts: PartitionCounts,
  ) {
    this.stager = new SliceStager(definition, partition, options, metrics, logger, trace.getTracer(definition.name), partitionCounts);
  }

  get isBroken(): boolean {
    return this.broken;
  }

  /** Fences any previous owner, restores the newest snapshot and folds the own log from there. */
  async start(heartbeat?: () => Promise<void>): Promise<void> {
    const started = Date.now();
    const producer = this.kafka.producer({
      transactionalId: `${this.definition.name}.${this.definition.eventTopic}.p${this.partition}`,
      idempotent: true,
      maxInFlightRequests: 1,
      transactionTimeout: 60_000,
      allowAutoTopicCreation: false,
      retry: { retries: 10, initialRetryTime: 100 },
    });
    // connect() runs InitProducerId for the transactional id: it aborts whatever a dead predecessor left open and
    // fences it, so the log we fold below cannot change under us.
    await producer.connect();
    this.producer = producer;

    const { restored: snapshot, skipped: snapshotsSkipped } = await this.snapshots.restore(this.partition, this.definition.stateCodec, this.logger);
    if (snapshot) {
      for (const [key, state] of snapshot.states) this.states.set(key, state);
      this.ownOffset = BigInt(snapshot.ownOffset);
      this.eventsApplied = BigInt(snapshot.eventsApplied);
    }
    let replayed = 0;
    const { decider, eventCodec, positionCodec, eventTopic, positionsTopic } = this.definition;
    await readPartitionsToEnd(
      this.kafka,
      [
        { topic: eventTopic, partition: this.partition, fromOffset: (this.ownOffset + 1n).toString() },
        { topic: positionsTopic, partition: this.partition, fromOffset: '0' },
      ],
      async (target, messages) => {
        if (target.topic === eventTopic) {
          for (const message of messages) {
            if (!message.value || !message.key) continue;
            const key = message.key.toString();
            const event = await eventCodec.decode(message.value);
            this.states.set(key, decider.evolve(this.states.get(key) ?? decider.initialState(), event));
            this.ownOffset = BigInt(message.offset);
            this.eventsApplied++;
            replayed++;
          }
          this.metrics.rebuildRecords.add(messages.length, this.metrics.labels({ partition: this.partition }));
        } else {
          for (const message of messages) {
            if (!message.value) continue;
            const position = await positionCodec.decode(message.value);
            this.positions.set(position.inputTopic, BigInt(position.offset));
          }
        }
      },
      { heartbeat },
    );
    this.lastRestore = { fromSnapshotOffset: snapshot?.ownOffset ?? null, snapshotsSkipped, eventsReplayed: replayed };
    this.metrics.partitionsReady.add(1, this.metrics.labels());
    this.live = true;
    this.logger.info('partition rebuilt', {
      partition: this.partition,
      fromSnapshotOffset: snapshot?.ownOffset ?? null,
      eventsReplayed: replayed,
      aggregates: this.states.size,
      positions: Object.fromEntries([...this.positions].map(([k, v]) => [k, v.toString()])),
      durationMs: Date.now() - started,
    });
  }

  /** Last input offset whose effect is in the log, per input topic (for tests and operators). */
  positionOf(topic: string): bigint | undefined {
    return this.positions.get(topic);
  }

  stateOf(aggregateKey: string): S | undefined {
    return this.states.get(aggregateKey);
  }

  aggregateKeys(): string[] {
    return [...this.states.keys()];
  }

  /** Stops retrying an input (the slice being staged fails; no transaction was started for it). */
  interrupt(): void {
    this.interrupted = true;
  }

  /** Why the partition is not ready (an input being retried), or undefined. */
  notReadyReason(): string | undefined {
    return this.retrying;
  }

  /**
   * Decides and appends input records of this partition, in the order given (the runtime's merge of the inputs by
   * timestamp), in slices of at most batchRecordsMax records, one transaction each.
   */
  async process(records: readonly InputRecord[], heartbeat: () => Promise<void>): Promise<void> {
    const run = async () => {
      if (this.broken || !this.producer) throw new Error(`worker for partition ${this.partition} is not usable`);
      for (let i = 0; i < records.length; i += this.options.batchRecordsMax) {
        await this.processSlice(records.slice(i, i + this.options.batchRecordsMax), heartbeat);
        await heartbeat();
      }
    };
    const turn = this.serial.then(run, run);
    this.serial = turn.catch(() => undefined);
    return turn;
  }

  private async processSlice(records: readonly InputRecord[], heartbeat: () => Promise<void>): Promise<void> {
    const started = Date.now();
    const staged = await this.stager.stage(records, this, {
      heartbeat,
      isStopped: () => this.broken || this.interrupted,
      onRetrying: (reason) => { this.retrying = reason; },
    });
    // A slice may hold several inputs (merged by timestamp): count per topic.
    for (const [topic, n] of staged.skippedByTopic) this.metrics.recordsSkipped.add(n, this.metrics.labels({ topic }));
    if (staged.positions.size === 0) return;
    await this.commit(staged);

    const inByTopic = new Map<string, number>();
    for (const record of records) inByTopic.set(record.topic, (inByTopic.get(record.topic) ?? 0) + 1);
    this.metrics.transactions.add(1, this.metrics.labels({ outcome: 'committed' }));
    for (const [topic, n] of inByTopic) {
      const processed = n - (staged.skippedByTopic.get(topic) ?? 0);
      if (processed > 0) this.metrics.recordsIn.add(processed, this.metrics.labels({ topic }));
    }
    this.metrics.eventsOut.add(staged.events.length, this.metrics.labels());
    this.metrics.batchDuration.record(Date.now() - started, this.metrics.labels());
    for (const letter of staged.deadLetters) {
      this.metrics.deadLetters.add(1, this.metrics.labels({ reason: letter.reasonCode }));
      // A limit reached is input a customer is losing until the window moves on or the limit is raised: say so.
      if (letter.reasonCode === LIMIT_EXCEEDED) {
        this.metrics.limitRejections.add(1, this.metrics.labels({ limit: letter.details.limit ?? 'unspecified' }));
        this.logger.warn('input rejected: a configured limit is reached', { partition: this.partition, ...letter.details });
      }
    }
    if (this.eventsSinceSnapshot >= this.options.snapshotEveryEvents) await this.snapshot();
  }

  /** Writes a staged slice in one transaction; only once it committed does the in-memory state move. */
  private async commit(staged: StagedSlice<S>): Promise<void> {
    const { definition } = this;
    const topicMessages = [
      { topic: definition.eventTopic, messages: [...staged.events] },
      ...[...staged.extras].map(([topic, messages]) => ({ topic, messages: [...messages] })),
      { topic: definition.deadLetterTopic, messages: staged.deadLetters.map((d) => d.message) },
      { topic: definition.positionsTopic, messages: [...staged.positionMessages] },
    ].filter((t) => t.messages.length > 0);

    const transaction = await this.producer!.transaction();
    let ownOffset: bigint | undefined;
    try {
      // One produce request per chunk, all inside the one transaction: a slice whose events outgrow the broker's
      // message.max.bytes (one record batch per partition per request) still commits atomically.
      for (const chunk of chunkBySize(topicMessages, this.options.sendBytesMax)) {
        const metadata = await transaction.sendBatch({ topicMessages: chunk, acks: -1, compression: CompressionTypes.None });
        const ownSent = chunk.find((t) => t.topic === definition.eventTopic)?.messages.length ?? 0;
        const own = metadata.find((m) => m.topicName === definition.eventTopic);
        if (own && ownSent > 0) ownOffset = BigInt(own.baseOffset ?? '0') + BigInt(ownSent) - 1n;
      }
      await transaction.commit();
    } catch (error) {
      this.broken = true;
      this.metrics.transactions.add(1, this.metrics.labels({ outcome: 'failed' }));
      try {
        if (transaction.isActive()) await transaction.abort();
      } catch {
        // The producer may be fenced; a new worker will abort whatever remains open.
      }
      throw error;
    }
    for (const [key, state] of staged.states) this.states.set(key, state);
    for (const [topic, offset] of staged.positions) this.positions.set(topic, BigInt(offset));
    if (ownOffset !== undefined) this.ownOffset = ownOffset;
    this.eventsApplied += BigInt(staged.events.length);
    this.eventsSinceSnapshot += staged.events.length;
  }

  /**
   * Saves the state of every aggregate of the partition with the own-log offset it reflects. Never throws: a
   * snapshot is a cache taken after the commit, so a failure (PostgreSQL down, a value too large) is logged,
   * counted and retried at the next threshold, and must not turn a committed slice into a failed one.
   */
  async snapshot(): Promise<boolean> {
    const started = Date.now();
    // The next threshold retries a failed one, instead of every slice hammering a database that is down.
    this.eventsSinceSnapshot = 0;
    try {
      const saved = await this.snapshots.save(
        { partition: this.partition, ownOffset: this.ownOffset.toString(), eventsApplied: this.eventsApplied.toString() },
        this.states,
        this.definition.stateCodec,
      );
      this.metrics.snapshotDuration.record(Date.now() - started, this.metrics.labels());
      this.metrics.snapshotBytes.record(saved.bytes, this.metrics.labels());
      return true;
    } catch (error) {
      this.metrics.snapshotFailures.add(1, this.metrics.labels({ partition: this.partition }));
      this.logger.error('snapshot failed; retrying at the next threshold', {
        partition: this.partition, ownOffset: this.ownOffset.toString(), error: error instanceof Error ? error.message : String(error),
      });
      return false;
    }
  }

  async stop(): Promise<void> {
    this.broken = true;
    if (this.live) this.metrics.partitionsReady.add(-1, this.metrics.labels());
    this.live = false;
    await this.producer?.disconnect().catch(() => undefined);
    this.producer = undefined;
  }
}

type TopicMessages = { topic: string; messages: Message[] };

function messageBytes(message: Message): number {
  let bytes = 64 + (message.value ? (message.value as Buffer).length : 0) + (message.key ? Buffer.byteLength(message.key as string | Buffer) : 0);
  for (const [k, v] of Object.entries(message.headers ?? {})) bytes += k.length + (v ? Buffer.byteLength(v as string | Buffer) : 0);
  return bytes;
}

/** Splits the slice's records into produce requests of at most maxBytes each, keeping every topic's order. */
export function chunkBySize(topicMessages: readonly TopicMessages[], maxBytes: number): TopicMessages[][] {
  const chunks: TopicMessages[][] = [];
  let current: TopicMessages[] = [];
  let currentBytes = 0;
  for (const { topic, messages } of topicMessages) {
    for (const message of messages) {
      const bytes = messageBytes(message);
      if (currentBytes > 0 && currentBytes + bytes > maxBytes) {
        chunks.push(current);
        current = [];
        currentBytes = 0;
      }
      const last = current[current.length - 1];
      if (last && last.topic === topic) last.messages.push(message);
      else current.push({ topic, messages: [message] });
      currentBytes += bytes;
    }
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
