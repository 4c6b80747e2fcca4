/**
 * The rating service on the event-sourced runtime: accepted usage (metering.usage.v1), contracts.events.v1 and the
 * platform clock in; rated charges per customer, period and price line out on rating.events.v1 (real-time accruals,
 * late usage, period-final ratings, pooled true-ups); rejections on rating.dlq.v1.
 */
import { AvroCodec } from '@billing/avro';
import { decodeClockTick } from '@billing/clock';
import { deadLetterCodec, envelopeEventCodec, EventEnvelope, inputPositionCodec, jsonStateCodec, ServiceDefinition, prefixedTopics } from '@billing/runtime';
import type * as wire from '@billing/schemas';
import { createRatingDecider, defaultRatingConfig, RatingCommand, RatingConfig, RatingEvent, RatingState } from '../domain';
import { commandFromContractEvent, commandFromMeteringEvent, ratingEventFromWire, ratingEventToWire } from './mappers';


export interface RatingTopics {
  readonly meteringUsage: string;
  readonly contracts: string;
  readonly clock: string;
  readonly events: string;
  readonly deadLetters: string;
  readonly positions: string;
}

/** The declared topics (schemas/topics.json). Subjects are always the declared topics' (`<topic>-value`). */
export const RATING_TOPICS: RatingTopics = {
  meteringUsage: 'metering.usage.v1',
  contracts: 'contracts.events.v1',
  clock: 'platform.clock.v1',
  events: 'rating.events.v1',
  deadLetters: 'rating.dlq.v1',
  positions: 'rating.input-positions.v1',
};

export const RATING_SERVICE_NAME = 'rating';

/** Fresh copies of every topic rating touches, `<prefix>.<declared name>` (tests, sandboxes). */
export function prefixedRatingTopics(prefix: string): RatingTopics {
  return prefixedTopics(RATING_TOPICS, prefix);
}

const SUBJECTS = {
  meteringUsage: `${RATING_TOPICS.meteringUsage}-value`,
  contracts: `${RATING_TOPICS.contracts}-value`,
};

export interface RatingServiceOptions {
  /** Consumer group, transactional ids and PostgreSQL schema; 'rating' unless a test runs a fresh copy. */
  readonly name?: string;
  readonly topics?: Partial<RatingTopics>;
  readonly config?: Partial<RatingConfig>;
}

export function ratingServiceDefinition(codec: AvroCodec, options: RatingServiceOptions = {}): ServiceDefinition<RatingCommand, RatingEvent, RatingState> {
  const name = options.name ?? RATING_SERVICE_NAME;
  const topics: RatingTopics = { ...RATING_TOPICS, ...options.topics };
  const config: RatingConfig = { ...defaultRatingConfig, ...options.config };
  const mapped = new WeakMap<RatingEvent, ReturnType<typeof ratingEventToWire>>();
  const toWire = (event: RatingEvent) => {
    let wireEvent = mapped.get(event);
    if (!wireEvent) {
      wireEvent = ratingEventToWire(event);
      mapped.set(event, wireEvent);
    }
    return wireEvent;
  };

  return {
    name,
    decider: createRatingDecider(config),
    eventTopic: topics.events,
    deadLetterTopic: topics.deadLetters,
    positionsTopic: topics.positions,
    inputs: [
      {
        topic: topics.meteringUsage,
        async toCommands(record) {
          const { value } = await codec.decode<wire.MeteringEvent>(record.value ?? Buffer.alloc(0), SUBJECTS.meteringUsage);
          const command = commandFromMeteringEvent(value);
          // Metering's period closes and contract notes are not rating's inputs: rating closes periods on the clock.
          return command === null ? [] : [{ aggregateKey: value.customerId, command }];
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
          return [{ broadcast: true, command: { type: 'ClockTicked', now: tick.at } }];
        },
      },
    ],
    eventCodec: envelopeEventCodec<RatingEvent, wire.RatingEventPayload>(codec, RATING_TOPICS.events, {
      describe: (event) => {
        const { eventType, occurredAt } = toWire(event);
        return { eventType, occurredAt };
      },
      toPayload: (event) => toWire(event).payload,
      fromEnvelope: (envelope: EventEnvelope<wire.RatingEventPayload>) => ratingEventFromWire(envelope),
    }),
    deadLetterCodec: deadLetterCodec(codec, RATING_TOPICS.deadLetters),
    positionCodec: inputPositionCodec(codec, RATING_TOPICS.positions),
    stateCodec: jsonStateCodec<RatingState>(),
  };
}
