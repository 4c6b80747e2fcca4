import { context, Context, SpanKind, trace, Tracer } from '@opentelemetry/api';
import { Message } from 'kafkajs';
import { extractTraceContext, injectTraceContext } from '@billing/telemetry';
import { DomainError, InvariantViolation } from '@billing/errors';
import { partitionForKey } from './key-partition';
import { RuntimeMetrics } from './metrics';
import { InputContext, InputRecord, RoutedCommand, RuntimeOptions, ServiceDefinition } from './types';

export interface StagerLogger {
  warn(message: string, fields?: object): void;
}

/** What the worker holds committed; staging reads it and never writes it. */
export interface CommittedView<S> {
  stateOf(aggregateKey: string): S | undefined;
  aggregateKeys(): Iterable<string>;
  positionOf(topic: string): bigint | undefined;
}

export interface StagedDeadLetter {
  readonly reasonCode: string;
  /** The rejection's details (customer, limit, ...), for the log line a LIMIT_EXCEEDED deserves. */
  readonly details: Readonly<Record<string, string>>;
  readonly message: Message;
}

/** What one slice writes in its one transaction, and the state the worker takes on once it is committed. */
export interface StagedSlice<S> {
  readonly states: ReadonlyMap<string, S>;
  readonly events: readonly Message[];
  readonly extras: ReadonlyMap<string, readonly Message[]>;
  readonly deadLetters: readonly StagedDeadLetter[];
  /** Last input offset processed, per input topic. */
  readonly positions: ReadonlyMap<string, string>;
  readonly positionMessages: readonly Message[];
  readonly skipped: number;
  /** Skipped records per input topic (a slice may hold several inputs, merged by timestamp). */
  readonly skippedByTopic: ReadonlyMap<string, number>;
}

/** How the stager waits between retries without losing the partition, and learns that it should give up. */
export interface RetryControl {
  heartbeat(): Promise<void>;
  isStopped(): boolean;
  onRetrying(reason: string | undefined): void;
}

/** Input partition counts, from metadata, cached per topic. */
export type PartitionCounts = (topic: string) => Promise<number>;

interface Staging<S> {
  readonly states: Map<string, S>;
  readonly events: Message[];
  readonly extras: Map<string, Message[]>;
  readonly deadLetters: StagedDeadLetter[];
}

/** Not the input's fault (registry outage, metadata fetch): retry the record, never dead-letter it. */
class NotInputsFault extends Error {
  constructor(override readonly cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = 'NotInputsFault';
  }
}

/** An output the event codec rejects: the input that caused it goes to the dead-letter topic instead of stalling the partition. */
export class OutputNotEncodable extends DomainError {
  constructor(cause: DomainError) {
    super('OUTPUT_NOT_ENCODABLE', cause.message, cause.details);
  }
}

/** The aggregate key of a keyed command hashes to another partition than the one its record arrived on. */
export class WrongPartition extends DomainError {
  constructor(aggregateKey: string, arrivedOn: number, hashesTo: number) {
    super('WRONG_PARTITION', `key ${aggregateKey} arrived on partition ${arrivedOn} but hashes to partition ${hashesTo} (Kafka's murmur2 partitioner)`, {
      arrivedOn: String(arrivedOn),
      hashesTo: String(hashesTo),
    });
  }
}

/**
 * The pure half of processing a slice: decide every record against the committed state plus what the slice has
 * staged so far, encode the results, and return what the one transaction must write. It never moves the worker's
 * state; the worker does that only after the transaction committed.
 */
export class SliceStager<C, E, S> {
  private readonly bindings: Map<string, ServiceDefinition<C, E, S>['inputs'][number]>;

  constructor(
    private readonly definition: ServiceDefinition<C, E, S>,
    private readonly partition: number,
    private readonly options: RuntimeOptions,
    private readonly metrics: RuntimeMetrics,
    private readonly logger: StagerLogger,
    private readonly tracer: Tracer,
    private readonly partitionCounts: PartitionCounts,
  ) {
    this.bindings = new Map(definition.inputs.map((b) => [b.topic, b]));
  }

  async stage(records: readonly InputRecord[], committed: CommittedView<S>, control: RetryControl): Promise<StagedSlice<S>> {
    const slice: Staging<S> = { states: new Map(), events: [], extras: new Map(), deadLetters: [] };
    const positions = new Map<string, string>();
    let skipped = 0;
    const skippedByTopic = new Map<string, number>();
    for (const record of records) {
      const processedUpTo = committed.positionOf(record.topic);
      if (processedUpTo !== undefined && BigInt(record.offset) <= processedUpTo) {
        skipped++;
        skippedByTopic.set(record.topic, (skippedByTopic.get(record.topic) ?? 0) + 1);
        continue;
      }
      const context = handledBefore(new Map(positions), committed);
      positions.set(record.topic, record.offset);
      const outcome = await this.withRetry(record, control, () => this.stageRecord(record, slice, committed, context));
      for (const [key, state] of outcome.states) slice.states.set(key, state);
      slice.events.push(...outcome.events);
      for (const [topic, messages] of outcome.extras) slice.extras.set(topic, [...(slice.extras.get(topic) ?? []), ...messages]);
      slice.deadLetters.push(...outcome.deadLetters);
    }
    const last = records[records.length - 1];
    const positionMessages = positions.size === 0 ? [] : await this.withRetry(last, control, () => this.positionMessages(positions));
    return { ...slice, positions, positionMessages, skipped, skippedByTopic };
  }

  /** Retries a record's staging with capped exponential backoff while the failure is not the input's fault. */
  private async withRetry<T>(record: InputRecord, control: RetryControl, attempt: () => Promise<T>): Promise<T> {
    let waitMs = this.options.inputRetryInitialMs;
    for (let retries = 0; ; retries++) {
      try {
        const result = await attempt();
        if (retries > 0) control.onRetrying(undefined);
        return result;
      } catch (error) {
        if (!(error instanceof NotInputsFault)) throw error;
        const cause = error.cause;
        const reason = cause instanceof Error ? cause.constructor.name : typeof cause;
        control.onRetrying(`retrying ${record.topic}:${record.partition}@${record.offset} (${reason}: ${error.message})`);
        this.metrics.inputRetries.add(1, this.metrics.labels({ topic: record.topic, reason }));
        this.logger.warn('input not processable for a reason that is not its fault; retrying without moving the position', {
          topic: record.topic, partition: record.partition, offset: record.offset, error: `${reason}: ${error.message}`, retries, waitMs,
        });
        await this.sleep(waitMs, control);
        waitMs = Math.min(waitMs * 2, this.options.inputRetryMaxMs);
      }
    }
  }

  private async sleep(ms: number, control: RetryControl): Promise<void> {
    const until = Date.now() + ms;
    for (;;) {
      if (control.isStopped()) throw new Error(`partition ${this.partition} stopped while retrying an input`);
      const left = until - Date.now();
      if (left <= 0) return;
      await new Promise((r) => setTimeout(r, Math.min(left, this.options.heartbeatIntervalMs)));
      await control.heartbeat();
    }
  }

  /** One record: its commands, each decided and encoded per aggregate; a failing aggregate's events are dropped whole. */
  private async stageRecord(record: InputRecord, slice: Staging<S>, committed: CommittedView<S>, context: InputContext): Promise<Staging<S>> {
    const out: Staging<S> = { states: new Map(), events: [], extras: new Map(), deadLetters: [] };
    const parentContext = extractTraceContext(record.headers as never);
    const span = this.tracer.startSpan(`${this.definition.name} process ${record.topic}`, { kind: SpanKind.CONSUMER }, parentContext);
    const spanContext = trace.setSpan(parentContext, span);
    try {
      const routed = await this.commandsOf(record, context);
      if (routed instanceof DomainError) {
        out.deadLetters.push(await this.deadLetter(record, routed, recordTime(record)));
        return out;
      }
      const misrouted = await this.misrouted(record, routed);
      if (misrouted) {
        out.deadLetters.push(await this.deadLetter(record, misrouted, commandTime(routed[0].command, record)));
        return out;
      }
      let index = 0;
      for (const route of routed) {
        const keys = 'broadcast' in route ? unionKeys(committed.aggregateKeys(), slice.states.keys(), out.states.keys()) : [route.aggregateKey];
        for (const aggregateKey of keys) {
          const before = out.states.get(aggregateKey) ?? slice.states.get(aggregateKey) ?? committed.stateOf(aggregateKey) ?? this.definition.decider.initialState();
          const decided = await this.decideOne(record, route.command, aggregateKey, before, index, spanContext);
          if (decided instanceof DomainError) {
            out.deadLetters.push(await this.deadLetter(record, decided, commandTime(route.command, record), aggregateKey));
            continue;
          }
          index += decided.events.length;
          if (decided.events.length > 0) out.states.set(aggregateKey, decided.state);
          out.events.push(...decided.events);
          for (const [topic, message] of decided.extras) out.extras.set(topic, [...(out.extras.get(topic) ?? []), message]);
        }
      }
      return out;
    } finally {
      span.end();
    }
  }

  /** The binding's commands, or the DomainError that makes the input bad. Anything else is not the input's fault. */
  private async commandsOf(record: InputRecord, context: InputContext): Promise<readonly RoutedCommand<C>[] | DomainError> {
    const binding = this.bindings.get(record.topic);
    if (!binding) throw new Error(`no input binding for topic ${record.topic}`);
    try {
      return await binding.toCommands(record, context);
    } catch (error) {
      if (error instanceof InvariantViolation) throw error;
      if (error instanceof DomainError) return error;
      throw new NotInputsFault(error);
    }
  }

  /** A keyed command whose key hashes to another partition: its state lives with another worker. */
  private async misrouted(record: InputRecord, routed: readonly RoutedCommand<C>[]): Promise<WrongPartition | undefined> {
    for (const route of routed) {
      if ('broadcast' in route) continue;
      let partitions: number;
      try {
        partitions = await this.partitionCounts(record.topic);
      } catch (error) {
        throw new NotInputsFault(error);
      }
      const hashesTo = partitionForKey(route.aggregateKey, partitions);
      if (hashesTo !== record.partition) return new WrongPartition(route.aggregateKey, record.partition, hashesTo);
    }
    return undefined;
  }

  /**
   * Decides one command for one aggregate, evolves and encodes its events. A DomainError from decide, or from
   * encoding (OUTPUT_NOT_ENCODABLE), comes back as a value: nothing of this aggregate's events is kept.
   */
  private async decideOne(record: InputRecord, command: C, aggregateKey: string, before: S, firstIndex: number, spanContext: Context) {
    const { decider } = this.definition;
    let events: readonly E[];
    try {
      events = decider.decide(command, before);
    } catch (error) {
      // An unexpected error from decide is a bug: it stops the partition (as an InvariantViolation stops the service).
      if (error instanceof InvariantViolation || !(error instanceof DomainError)) throw error;
      return error;
    }
    let state = before;
    const messages: Message[] = [];
    const extras: [string, Message][] = [];
    try {
      for (const [i, event] of events.entries()) {
        state = decider.evolve(state, event);
        const encoded = await this.encodeEvent(record, command, aggregateKey, event, state, firstIndex + i, spanContext);
        messages.push(encoded.message);
        extras.push(...encoded.extras);
      }
    } catch (error) {
      if (error instanceof InvariantViolation) throw error;
      if (error instanceof DomainError) return new OutputNotEncodable(error);
      throw new NotInputsFault(error);
    }
    return { state, events: messages, extras };
  }

  private async encodeEvent(record: InputRecord, command: C, aggregateKey: string, event: E, stateAfter: S, index: number, spanContext: Context) {
    const { definition } = this;
    const causation = `${record.topic}:${record.partition}:${record.offset}`;
    const eventId = `${definition.name}:${causation}:${index}`;
    const headers = injectTraceContext(spanContext, { 'billing-event-id': eventId, 'billing-causation': causation });
    const value = await definition.eventCodec.encode(event, {
      eventId,
      aggregateKey,
      causationId: headerString(record.headers['billing-event-id']) ?? causation,
      correlationId: headerString(record.headers['billing-correlation-id']) ?? eventId,
      recordedAt: commandTime(command, record),
    });
    const message: Message = { key: aggregateKey, value, headers, partition: this.partition };
    const extras: [string, Message][] = [];
    for (const extra of (await definition.extraOutputs?.(aggregateKey, event, stateAfter)) ?? []) {
      extras.push([extra.topic, { key: extra.key, value: extra.value, headers: { ...headers, ...(extra.headers ?? {}) }, partition: this.partition }]);
    }
    return { message, extras };
  }

  private async positionMessages(positions: ReadonlyMap<string, string>): Promise<Message[]> {
    const messages: Message[] = [];
    try {
      for (const [topic, offset] of positions) {
        const value = await this.definition.positionCodec.encode({ inputTopic: topic, partition: this.partition, offset });
        messages.push({ key: `${topic}:${this.partition}`, value, partition: this.partition });
      }
    } catch (error) {
      throw new NotInputsFault(error);
    }
    return messages;
  }

  private async deadLetter(record: InputRecord, error: DomainError, failedAt: Date, aggregateKey?: string): Promise<StagedDeadLetter> {
    const originalHeaders: Record<string, Buffer> = {};
    for (const [k, v] of Object.entries(record.headers)) {
      const first = Array.isArray(v) ? v[0] : v;
      if (first !== undefined) originalHeaders[k] = Buffer.isBuffer(first) ? first : Buffer.from(String(first));
    }
    let value: Buffer;
    try {
      value = await this.definition.deadLetterCodec.encode({
        originalTopic: record.topic,
        originalPartition: record.partition,
        originalOffset: record.offset,
        originalKey: record.key,
        originalValue: record.value ?? Buffer.alloc(0),
        originalHeaders,
        reasonCode: error.reasonCode,
        reasonMessage: aggregateKey ? `${error.message} (aggregate ${aggregateKey})` : error.message,
        failedAt,
        service: this.definition.name,
      });
    } catch (cause) {
      throw new NotInputsFault(cause);
    }
    const message: Message = {
      key: `${record.topic}-${record.partition}-${record.offset}`,
      value,
      partition: this.partition,
      headers: { 'billing-reason-code': error.reasonCode, ...injectTraceContext(context.active(), {}) },
    };
    return { reasonCode: error.reasonCode, details: error.details, message };
  }
}

/** The command's platform time (`now`): what recordedAt and failedAt carry, so a replay writes the same bytes. */
function commandTime(command: unknown, record: InputRecord): Date {
  const now = (command as { now?: unknown } | null)?.now;
  if (typeof now === 'string') {
    const parsed = new Date(now);
    if (!Number.isNaN(parsed.getTime())) return parsed;
  }
  return recordTime(record);
}

/** The input record's broker timestamp: the time of a failure that happened before any command existed. */
function recordTime(record: InputRecord): Date {
  return new Date(Number(record.timestamp));
}

function unionKeys(...sources: Iterable<string>[]): string[] {
  const keys = new Set<string>();
  for (const source of sources) for (const key of source) keys.add(key);
  return [...keys];
}

export function headerString(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}

/** Positions as of a record: what the slice staged before it, else what is committed. */
function handledBefore<S>(staged: ReadonlyMap<string, string>, committed: CommittedView<S>): InputContext {
  return {
    positionOf(topic) {
      const offset = staged.get(topic);
      return offset !== undefined ? BigInt(offset) : committed.positionOf(topic);
    },
  };
}
