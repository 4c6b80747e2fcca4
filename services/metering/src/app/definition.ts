/**
 * The metering service on the event-sourced runtime: usage.events.v1, contracts.events.v1 and the platform clock
 * in; accepted, deduplicated, attributed usage out on metering.usage.v1; rejections on metering.dlq.v1.
 */
import { AvroCodec, DecimalOutOfRange } from '@billing/avro';
import { decodeClockTick } from '@billing/clock';
import {
  deadLetterCodec, envelopeEventCodec, EventEnvelope, InputRecord, inputPositionCodec, jsonStateCodec, ServiceDefinition, prefixedTopics
} from '@billing/runtime';
import type * as wire from '@billing/schemas';
import { telemetryApi } from '@billing/telemetry';
import type { Kafka } from 'kafkajs';
import {
  createMeteringDecider, defaultMeteringConfig, instantMs, isAheadOfPlatformTime, MeteringCommand, MeteringConfig, MeteringDecider,
  MeteringEvent, MeteringRejection, MeteringState, UsageDuplicateIgnored,
} from '../domain';
import { commandFromContractEvent, commandFromUsageEvent, meteringEventFromWire, meteringEventToWire } from './mappers';
import { ClockStallDetector, PlatformClockStalled, PlatformTimeByPartition } from './platform-time';


export interface MeteringTopics {
  readonly usage: string;
  readonly contracts: string;
  readonly clock: string;
  readonly events: string;
  readonly deadLetters: string;
  readonly positions: string;
}

/** The declared topics (schemas/topics.json). Subjects are always the declared topics' (`<topic>-value`). */
export const METERING_TOPICS: MeteringTopics = {
  usage: 'usage.events.v1',
  contracts: 'contracts.events.v1',
  clock: 'platform.clock.v1',
  events: 'metering.usage.v1',
  deadLetters: 'metering.dlq.v1',
  positions: 'metering.input-positions.v1',
};

export const METERING_SERVICE_NAME = 'metering';

/** Fresh copies of every topic metering touches, `<prefix>.<declared name>` (tests, sandboxes). */
export function prefixedMeteringTopics(prefix: string): MeteringTopics {
  return prefixedTopics(METERING_TOPICS, prefix);
}

const SUBJECTS = {
  usage: `${METERING_TOPICS.usage}-value`,
  contracts: `${METERING_TOPICS.contracts}-value`,
};

/**
 * Where a duplicate usage event id goes. 'metric' (default): counted in `metering_usage_duplicates` and nothing
 * else; a producer retrying is the normal at-least-once path, not bad input, and a dead-letter topic flooded by
 * retries would hide the records an operator must look at. 'dead-letter': also to the DLQ as DUPLICATE_USAGE
 * (counted in runtime_dead_letters by reason, like every rejection).
 */
export type DuplicateUsageHandling = 'metric' | 'dead-letter';

export interface MeteringServiceOptions {
  /** Consumer group, transactional ids and PostgreSQL schema; 'metering' unless a test runs a fresh copy. */
  readonly name?: string;
  readonly topics?: Partial<MeteringTopics>;
  readonly config?: Partial<MeteringConfig>;
  readonly duplicates?: DuplicateUsageHandling;
  /** Lets a restarted worker read the platform time back from the clock topic before the next tick arrives. */
  readonly kafka?: Kafka;
  /** Called for each duplicate usage id not re-emitted (tests, audit); the metric counts them regardless. */
  readonly onDuplicate?: (customerId: string, eventId: string) => void;
  /** Tick intervals without a realtime tick after which the clock counts as stalled (default 3). */
  readonly clockStalledAfterTicks?: number;
  /** Wall time in ms for the stall detector (tests). */
  readonly wallNowMs?: () => number;
}

/** Clock silence, in tick intervals, after which a realtime clock counts as stalled. */
export const CLOCK_STALLED_AFTER_TICKS_DEFAULT = 3;

/** Decodes a usage record; a quantity that does not fit decimal(38,12) is the domain's DECIMAL_OVERFLOW. */
async function decodeUsage(codec: AvroCodec, record: InputRecord): Promise<wire.UsageEvent> {
  try {
    const { value } = await codec.decode<wire.UsageEvent>(record.value ?? Buffer.alloc(0), SUBJECTS.usage);
    return value;
  } catch (error) {
    if (error instanceof DecimalOutOfRange) throw new MeteringRejection('DECIMAL_OVERFLOW', error.message);
    throw error;
  }
}

function withDuplicatesCounted(inner: MeteringDecider, name: string, options: MeteringServiceOptions): MeteringDecider {
  if (options.duplicates === 'dead-letter' && !options.onDuplicate) return inner;
  const duplicates = telemetryApi(name).meter.createCounter('metering_usage_duplicates', {
    description: 'Usage events whose id was already accepted within the dedup window: counted once, not re-emitted',
  });
  return {
    initialState: inner.initialState,
    evolve: inner.evolve,
    decide(command, state) {
      try {
        return inner.decide(command, state);
      } catch (error) {
        if (!(error instanceof UsageDuplicateIgnored) || command.type !== 'UsageReceived') throw error;
        // A retried transaction decides again, so this is at-least-once: a metric, not a ledger.
        duplicates.add(1, { service: name });
        options.onDuplicate?.(command.customerId, command.eventId);
        if (options.duplicates === 'dead-letter') throw error;
        return [];
      }
    },
  };
}

export function meteringServiceDefinition(
  codec: AvroCodec,
  options: MeteringServiceOptions = {},
): ServiceDefinition<MeteringCommand, MeteringEvent, MeteringState> {
  const name = options.name ?? METERING_SERVICE_NAME;
  const topics: MeteringTopics = { ...METERING_TOPICS, ...options.topics };
  const config: MeteringConfig = { ...defaultMeteringConfig, ...options.config };
  const stall = new ClockStallDetector(config.clockTickIntervalMs, options.clockStalledAfterTicks ?? CLOCK_STALLED_AFTER_TICKS_DEFAULT, options.wallNowMs);
  const platformTime = new PlatformTimeByPartition(codec, topics.clock, options.kafka, (tick, live) => stall.observe(tick, live));
  telemetryApi(name)
    .meter.createObservableGauge('metering_platform_clock_stalled', { description: '1 while the realtime platform clock has not ticked for too long' })
    .addCallback((result) => result.observe(stall.stalledForMs() === undefined ? 0 : 1, { service: name }));
  // describe() and toPayload() are called one after the other for the same event: map it once.
  const mapped = new WeakMap<MeteringEvent, ReturnType<typeof meteringEventToWire>>();
  const toWire = (event: MeteringEvent) => {
    let wireEvent = mapped.get(event);
    if (!wireEvent) {
      wireEvent = meteringEventToWire(event);
      mapped.set(event, wireEvent);
    }
    return wireEvent;
  };

  return {
    name,
    decider: withDuplicatesCounted(createMeteringDecider(config), name, options),
    eventTopic: topics.events,
    deadLetterTopic: topics.deadLetters,
    positionsTopic: topics.positions,
    inputs: [
      {
        topic: topics.usage,
        async toCommands(record, context) {
          const usage = await decodeUsage(codec, record);
          const command = commandFromUsageEvent(usage, await platformTime.nowFor(record, context));
          // A stalled clock would turn on-time usage into FUTURE_TIMESTAMP: dead-lettered as CLOCK_STALLED instead, to redrive.
          const stalledForMs = stall.stalledForMs();
          if (stalledForMs !== undefined && isAheadOfPlatformTime(instantMs(command.eventTime), Date.parse(command.now), config)) {
            throw new PlatformClockStalled(command.eventTime, command.now, stalledForMs);
          }
          return [{ aggregateKey: usage.customerId, command }];
        },
      },
      {
        topic: topics.contracts,
        async toCommands(record) {
          const { value } = await codec.decode<wire.ContractEvent>(record.value ?? Buffer.alloc(0), SUBJECTS.contracts);
          return [{ aggregateKey: value.customerId, command: commandFromContractEvent(value) }];
        },
      },
      {
        topic: topics.clock,
        async toCommands(record) {
          const tick = await decodeClockTick(codec, record.value ?? Buffer.alloc(0));
          platformTime.observe(record.partition, tick.at, tick.mode, record.offset);
          return [{ broadcast: true, command: { type: 'ClockTicked', now: tick.at } }];
        },
      },
    ],
    eventCodec: envelopeEventCodec<MeteringEvent, wire.MeteringEventPayload>(codec, METERING_TOPICS.events, {
      describe: (event) => {
        const { eventType, occurredAt } = toWire(event);
        return { eventType, occurredAt };
      },
      toPayload: (event) => toWire(event).payload,
      fromEnvelope: (envelope: EventEnvelope<wire.MeteringEventPayload>) => meteringEventFromWire(envelope),
    }),
    deadLetterCodec: deadLetterCodec(codec, METERING_TOPICS.deadLetters),
    positionCodec: inputPositionCodec(codec, METERING_TOPICS.positions),
    stateCodec: jsonStateCodec<MeteringState>(),
    notReadyReason() {
      const stalledForMs = stall.stalledForMs();
      return stalledForMs === undefined ? undefined : `platform clock stalled: no realtime tick for ${stalledForMs} ms (ticks every ${config.clockTickIntervalMs} ms)`;
    },
  };
}
