import type { IHeaders } from 'kafkajs';
import type { Decider } from '../decider';

/** A record as consumed from Kafka, before decoding. */
export interface InputRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: IHeaders;
  readonly timestamp: string;
}

/** A command addressed to one aggregate (customer account) or to every aggregate of the partition (clock ticks). */
export type RoutedCommand<C> =
  | { readonly aggregateKey: string; readonly command: C }
  | { readonly broadcast: true; readonly command: C };

export interface InputBinding<C> {
  readonly topic: string;
  /**
   * Decodes a record and maps it to commands. Throws a DomainError for bad input (it goes to the dead-letter
   * topic); returns [] for records the service has no interest in. Any other error (a registry outage) is
   * retried with backoff without moving the position: the input is consumed only when the input is at fault.
   * A keyed command's aggregateKey must hash (Kafka's murmur2 partitioner) to the record's partition, else the
   * record goes to the dead-letter topic as WRONG_PARTITION; broadcast commands are exempt.
   */
  toCommands(record: InputRecord, context?: InputContext): Promise<readonly RoutedCommand<C>[]>;
}

/** What a binding may know of the worker handling a record. */
export interface InputContext {
  /**
   * Last offset of an input topic (same partition) handled before this record in the merged order: staged
   * earlier in the same slice, else committed; undefined if none. The same in every replay of the inputs.
   */
  positionOf(topic: string): bigint | undefined;
}

/**
 * Metadata the runtime gives the event codec: ids and causation are derived from the input position and
 * recordedAt is the command's platform time (`now`), so replaying the same inputs gives the same bytes.
 */
export interface EventMetadata {
  readonly eventId: string;
  readonly aggregateKey: string;
  readonly causationId: string;
  readonly correlationId: string;
  readonly recordedAt: Date;
}

export interface OutputRecord {
  readonly topic: string;
  readonly key: string;
  readonly value: Buffer | null;
  readonly headers?: Record<string, string | Buffer>;
}

export interface EventCodec<E> {
  encode(event: E, metadata: EventMetadata): Promise<Buffer>;
  decode(value: Buffer): Promise<E>;
}

export interface RecordCodec<T> {
  encode(value: T): Promise<Buffer>;
  decode(buffer: Buffer): Promise<T>;
}

export interface DeadLetter {
  readonly originalTopic: string;
  readonly originalPartition: number;
  readonly originalOffset: string;
  readonly originalKey: Buffer | null;
  readonly originalValue: Buffer;
  readonly originalHeaders: Record<string, Buffer>;
  readonly reasonCode: string;
  readonly reasonMessage: string;
  /** The failing command's platform time, or the input record's broker timestamp when no command was made: never the wall clock. */
  readonly failedAt: Date;
  readonly service: string;
}

export interface InputPosition {
  readonly inputTopic: string;
  readonly partition: number;
  readonly offset: string;
}

export interface StateCodec<S> {
  toJSON(state: S): unknown;
  fromJSON(json: unknown): S;
}

/** Everything the runtime needs to run one event-sourced service. */
export interface ServiceDefinition<C, E, S> {
  /** Service name: consumer group, transactional ids, PostgreSQL schema, metric labels. */
  readonly name: string;
  readonly decider: Decider<C, E, S>;
  /** The service's own, append-only event topic: the books its state is the fold of. */
  readonly eventTopic: string;
  readonly deadLetterTopic: string;
  /** Compacted topic with the last input offset processed, per input topic and partition, written in the same transaction as the events. */
  readonly positionsTopic: string;
  readonly inputs: readonly InputBinding<C>[];
  readonly eventCodec: EventCodec<E>;
  readonly deadLetterCodec: RecordCodec<DeadLetter>;
  readonly positionCodec: RecordCodec<InputPosition>;
  readonly stateCodec: StateCodec<S>;
  /** Extra records an event causes on other owned topics (e.g. a compacted balances topic); written in the same transaction. */
  extraOutputs?(aggregateKey: string, event: E, stateAfter: S): Promise<readonly OutputRecord[]>;
  /**
   * A service-specific reason not to be ready (a stalled platform clock, say), or undefined when there is none.
   * ServiceRuntime.isReady() consults it and /ready reports it.
   */
  notReadyReason?(): string | undefined;
}

export interface RuntimeOptions {
  /** Records handed to one decide/append transaction at most (kafkajs may fetch more; we slice). */
  readonly batchRecordsMax: number;
  /** Events appended since the last snapshot before a new snapshot of the partition is taken. */
  readonly snapshotEveryEvents: number;
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly partitionsConsumedConcurrently: number;
  readonly maxBytesPerPartition: number;
  /** Bytes per produce request inside a transaction; below the broker's message.max.bytes (1 MiB by default). */
  readonly sendBytesMax: number;
  /** First wait before retrying an input whose mapping failed for a reason that is not the input's fault (a registry outage). */
  readonly inputRetryInitialMs: number;
  /** The retry wait doubles up to this cap; the partition reports not ready while it retries. */
  readonly inputRetryMaxMs: number;
  /** Records buffered per input topic and partition while the merge waits; a full buffer pauses fetching that topic. */
  readonly inputBufferRecordsMax: number;
  /** While the merge waits for an input, its end offset is asked of the broker this often. */
  readonly inputEndRefreshMs: number;
  /**
   * Longest wait for an input that is not known to be caught up before the others are processed anyway (a
   * transaction left open upstream, an unreachable partition leader): the order is then no longer deterministic.
   */
  readonly inputWaitMaxMs: number;
}

export const defaultRuntimeOptions: RuntimeOptions = {
  batchRecordsMax: 500,
  snapshotEveryEvents: 10_000,
  sessionTimeoutMs: 30_000,
  heartbeatIntervalMs: 3_000,
  partitionsConsumedConcurrently: 1,
  maxBytesPerPartition: 1_048_576,
  sendBytesMax: 900 * 1024,
  inputRetryInitialMs: 100,
  inputRetryMaxMs: 30_000,
  inputBufferRecordsMax: 2_000,
  inputEndRefreshMs: 300,
  inputWaitMaxMs: 90_000,
};

/**
 * Fresh copies of a service's declared topics, `<prefix>.<declared name>`, for tests and sandboxes. Subjects stay
 * the declared topics' (`<declared>-value`), so encoding does not depend on the copy's name.
 */
export function prefixedTopics<T extends { readonly [K in keyof T]: string }>(declared: T, prefix: string): T {
  const out: Record<string, string> = {};
  for (const [role, topic] of Object.entries(declared) as [string, string][]) out[role] = `${prefix}.${topic}`;
  return out as unknown as T;
}
