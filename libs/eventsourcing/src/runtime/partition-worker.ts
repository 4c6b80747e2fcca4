import { context, SpanKind, trace, Tracer } from '@opentelemetry/api';
import { CompressionTypes, Kafka, Message, Producer } from 'kafkajs';
import { extractTraceContext, injectTraceContext } from '@billing/telemetry';
import { DomainError, InvariantViolation } from '../decider';
import { RuntimeMetrics } from './metrics';
import { readPartitionsToEnd } from './partition-reader';
import { SnapshotStore } from './snapshot-store';
import { EventMetadata, InputRecord, RoutedCommand, RuntimeOptions, ServiceDefinition } from './types';

export interface WorkerLogger {
  info(message: string, fields?: object): void;
  warn(message: string, fields?: object): void;
  error(message: string, fields?: object): void;
}

interface StagedEvent<E, S> {
  readonly aggregateKey: string;
  readonly event: E;
  readonly stateAfter: S;
  readonly metadata: EventMetadata;
  readonly headers: Record<string, string | Buffer>;
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
  /** Rebuilt and counted in partitions_ready. */
  private live = false;
  /** Batches of different input topics for the same partition may arrive concurrently; one transaction at a time. */
  private serial: Promise<void> = Promise.resolve();
  private readonly tracer: Tracer;
  private readonly bindings: Map<string, ServiceDefinition<C, E, S>['inputs'][number]>;

  constructor(
    private readonly definition: ServiceDefinition<C, E, S>,
    readonly partition: number,
    private readonly kafka: Kafka,
    private readonly snapshots: SnapshotStore,
    private readonly options: RuntimeOptions,
    private readonly metrics: RuntimeMetrics,
    private readonly logger: WorkerLogger,
  ) {
    this.tracer = trace.getTracer(definition.name);
    this.bindings = new Map(definition.inputs.map((b) => [b.topic, b]));
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
            this.states.set(key, decider.evolve(this.states.get(key) ?? decider.initialState, event));
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

  /** Decides and appends a batch of input records from one input topic partition. */
  async process(records: readonly InputRecord[], heartbeat: () => Promise<void>): Promise<void> {
    const run = async () => {
      if (this.broken || !this.producer) throw new Error(`worker for partition ${this.partition} is not usable`);
      for (let i = 0; i < records.length; i += this.options.batchRecordsMax) {
        await this.processSlice(records.slice(i, i + this.options.batchRecordsMax));
        await heartbeat();
      }
    };
    const turn = this.serial.then(run, run);
    this.serial = turn.catch(() => undefined);
    return turn;
  }

  private async processSlice(records: readonly InputRecord[]): Promise<void> {
    const started = Date.now();
    const { definition } = this;
    const staged = new Map<string, S>();
    const stagedEvents: StagedEvent<E, S>[] = [];
    const deadLetters: Message[] = [];
    const lastOffsetByTopic = new Map<string, string>();
    let skipped = 0;

    for (const record of records) {
      const processedUpTo = this.positions.get(record.topic);
      if (processedUpTo !== undefined && BigInt(record.offset) <= processedUpTo) {
        skipped++;
        continue;
      }
      lastOffsetByTopic.set(record.topic, record.offset);
      const parentContext = extractTraceContext(record.headers as never);
      const span = this.tracer.startSpan(`${definition.name} process ${record.topic}`, { kind: SpanKind.CONSUMER }, parentContext);
      const spanContext = trace.setSpan(parentContext, span);
      try {
        const binding = this.bindings.get(record.topic);
        if (!binding) throw new Error(`no input binding for topic ${record.topic}`);
        let routed: readonly RoutedCommand<C>[];
        try {
          routed = await binding.toCommands(record);
        } catch (error) {
          if (error instanceof InvariantViolation) throw error;
          deadLetters.push(await this.deadLetter(record, error));
          continue;
        }
        let index = 0;
        for (const route of routed) {
          const keys = 'broadcast' in route ? this.allAggregateKeys(staged) : [route.aggregateKey];
          for (const aggregateKey of keys) {
            const before = staged.get(aggregateKey) ?? this.states.get(aggregateKey) ?? definition.decider.initialState;
            let events: readonly E[];
            try {
              events = definition.decider.decide(route.command, before);
            } catch (error) {
              if (error instanceof InvariantViolation || !(error instanceof DomainError)) throw error;
              deadLetters.push(await this.deadLetter(record, error, aggregateKey, (route.command as { now?: string }).now));
              continue;
            }
            let after = before;
            for (const event of events) {
              after = definition.decider.evolve(after, event);
              const eventId = `${definition.name}:${record.topic}:${record.partition}:${record.offset}:${index++}`;
              const headers = injectTraceContext(spanContext, {
                'billing-event-id': eventId,
                'billing-causation': `${record.topic}:${record.partition}:${record.offset}`,
              });
              stagedEvents.push({
                aggregateKey,
                event,
                stateAfter: after,
                headers,
                metadata: {
                  eventId,
                  aggregateKey,
                  causationId: headerString(record.headers['billing-event-id']) ?? `${record.topic}:${record.partition}:${record.offset}`,
                  correlationId: headerString(record.headers['billing-correlation-id']) ?? eventId,
                  recordedAt: new Date((route.command as { now: string }).now),
                },
              });
            }
            if (events.length > 0) staged.set(aggregateKey, after);
          }
        }
      } finally {
        span.end();
      }
    }
    if (skipped > 0) this.metrics.recordsSkipped.add(skipped, this.metrics.labels({ topic: records[0].topic }));
    if (lastOffsetByTopic.size === 0) return;

    const eventMessages: Message[] = [];
    const extraByTopic = new Map<string, Message[]>();
    for (const staged_ of stagedEvents) {
      const value = await definition.eventCodec.encode(staged_.event, staged_.metadata);
      eventMessages.push({ key: staged_.aggregateKey, value, headers: staged_.headers, partition: this.partition });
      if (definition.extraOutputs) {
        for (const extra of await definition.extraOutputs(staged_.aggregateKey, staged_.event, staged_.stateAfter)) {
          const list = extraByTopic.get(extra.topic) ?? [];
          list.push({ key: extra.key, value: extra.value, headers: { ...staged_.headers, ...(extra.headers ?? {}) }, partition: this.partition });
          extraByTopic.set(extra.topic, list);
        }
      }
    }
    const positionMessages: Message[] = [];
    for (const [topic, offset] of lastOffsetByTopic) {
      const value = await definition.positionCodec.encode({ inputTopic: topic, partition: this.partition, offset });
      positionMessages.push({ key: `${topic}:${this.partition}`, value, partition: this.partition });
    }
    const topicMessages = [
      { topic: definition.eventTopic, messages: eventMessages },
      ...[...extraByTopic].map(([topic, messages]) => ({ topic, messages })),
      { topic: definition.deadLetterTopic, messages: deadLetters },
      { topic: definition.positionsTopic, messages: positionMessages },
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
    // Only now, with the transaction committed, does the in-memory state move.
    for (const [key, state] of staged) this.states.set(key, state);
    for (const [topic, offset] of lastOffsetByTopic) this.positions.set(topic, BigInt(offset));
    if (ownOffset !== undefined) this.ownOffset = ownOffset;
    this.eventsApplied += BigInt(eventMessages.length);
    this.eventsSinceSnapshot += eventMessages.length;

    const labels = this.metrics.labels({ topic: records[0].topic });
    this.metrics.transactions.add(1, this.metrics.labels({ outcome: 'committed' }));
    this.metrics.recordsIn.add(records.length - skipped, labels);
    this.metrics.eventsOut.add(eventMessages.length, this.metrics.labels());
    this.metrics.batchDuration.record(Date.now() - started, this.metrics.labels());
    for (const letter of deadLetters) {
      this.metrics.deadLetters.add(1, this.metrics.labels({ reason: headerString(letter.headers?.['billing-reason-code']) ?? 'UNKNOWN' }));
    }
    if (this.eventsSinceSnapshot >= this.options.snapshotEveryEvents) await this.snapshot();
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

  private allAggregateKeys(staged: Map<string, S>): string[] {
    return [...new Set([...this.states.keys(), ...staged.keys()])];
  }

  private async deadLetter(record: InputRecord, error: unknown, aggregateKey?: string, commandNow?: string): Promise<Message> {
    const reasonCode = error instanceof DomainError ? error.reasonCode : 'PROCESSING_ERROR';
    const reasonMessage = error instanceof Error ? error.message : String(error);
    if (!(error instanceof DomainError)) {
      this.logger.error('unexpected error on an input record; sent to the dead-letter topic', {
        topic: record.topic, partition: record.partition, offset: record.offset, error: reasonMessage,
      });
    }
    const originalHeaders: Record<string, Buffer> = {};
    for (const [k, v] of Object.entries(record.headers)) {
      const first = Array.isArray(v) ? v[0] : v;
      if (first !== undefined) originalHeaders[k] = Buffer.isBuffer(first) ? first : Buffer.from(String(first));
    }
    const value = await this.definition.deadLetterCodec.encode({
      originalTopic: record.topic,
      originalPartition: record.partition,
      originalOffset: record.offset,
      originalKey: record.key,
      originalValue: record.value ?? Buffer.alloc(0),
      originalHeaders,
      reasonCode,
      reasonMessage: aggregateKey ? `${reasonMessage} (aggregate ${aggregateKey})` : reasonMessage,
      // Platform time, not the wall clock: a replay onto fresh topics writes the same bytes.
      failedAt: commandNow !== undefined ? new Date(commandNow) : new Date(Number(record.timestamp)),
      service: this.definition.name,
    });
    return {
      key: `${record.topic}-${record.partition}-${record.offset}`,
      value,
      partition: this.partition,
      headers: { 'billing-reason-code': reasonCode, ...injectTraceContext(context.active(), {}) },
    };
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

function headerString(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}
