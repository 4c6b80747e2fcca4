import { AvroCodec } from '@billing/avro';
import { CLOCK_TOPIC, decodeClockTick } from '@billing/clock';
import type * as wire from '@billing/schemas';
import {
  deadLetterCodec, envelopeEventCodec, EventEnvelope, inputPositionCodec, jsonStateCodec, OutputRecord, ServiceDefinition, prefixedTopics
} from '@billing/runtime';
import { balanceKey, balanceOf, featuresChangedBy } from '../domain/balances';
import { EntitlementCommand } from '../domain/commands';
import { entitlementsDeciderWith } from '../domain/decider';
import { EntitlementEvent } from '../domain/events';
import { EntitlementsState, HELD_USAGE_MAX_DEFAULT } from '../domain/state';
import { balanceToWire, commandFromContractEvent, commandFromMeteringEvent, entitlementEventFromWire, entitlementEventToWire } from './mappers';

export interface EntitlementsTopics {
  readonly contracts: string;
  readonly usage: string;
  readonly clock: string;
  readonly events: string;
  readonly balances: string;
  readonly deadLetters: string;
  readonly positions: string;
}

/** The declared topics (schemas/topics.json). Subjects are always these names' `-value`, whatever topics a run uses. */
export const ENTITLEMENTS_TOPICS: EntitlementsTopics = {
  contracts: 'contracts.events.v1',
  usage: 'metering.usage.v1',
  clock: CLOCK_TOPIC,
  events: 'entitlements.events.v1',
  balances: 'entitlements.balances.v1',
  deadLetters: 'entitlements.dlq.v1',
  positions: 'entitlements.input-positions.v1',
};

export const ENTITLEMENTS_SERVICE_NAME = 'entitlements';

export const ENTITLEMENTS_SUBJECTS = {
  contracts: `${ENTITLEMENTS_TOPICS.contracts}-value`,
  usage: `${ENTITLEMENTS_TOPICS.usage}-value`,
  events: `${ENTITLEMENTS_TOPICS.events}-value`,
  balances: `${ENTITLEMENTS_TOPICS.balances}-value`,
} as const;

export interface EntitlementsServiceOptions {
  /** consumer group, transactional ids and PostgreSQL schema (tests: `entitlements_<run>`) */
  readonly name?: string;
  /** tests run the service on fresh copies of its topics */
  readonly topics?: Partial<EntitlementsTopics>;
  /** usage held per customer while its first terms are on their way (default HELD_USAGE_MAX_DEFAULT); beyond: HELD_USAGE_LIMIT to the DLQ */
  readonly heldUsageMax?: number;
}

/** The topics `<prefix>.<declared name>`: what a test creates for one run. */
export function prefixedEntitlementsTopics(prefix: string): EntitlementsTopics {
  return prefixedTopics(ENTITLEMENTS_TOPICS, prefix);
}

/** The envelope's occurredAt: usage-driven events carry the usage's event time, the others the decision's platform time. */
function occurredAtOf(event: EntitlementEvent): string {
  return 'eventTime' in event ? event.eventTime : event.at;
}

/**
 * contracts.events.v1 + metering.usage.v1 + platform.clock.v1 in; entitlements.events.v1 out, and for every feature
 * an event changes, its live balance on the compacted entitlements.balances.v1 (same transaction, same partition).
 */
export function entitlementsServiceDefinition(
  codec: AvroCodec,
  options: EntitlementsServiceOptions = {},
): ServiceDefinition<EntitlementCommand, EntitlementEvent, EntitlementsState> {
  const topics: EntitlementsTopics = { ...ENTITLEMENTS_TOPICS, ...options.topics };
  return {
    name: options.name ?? ENTITLEMENTS_SERVICE_NAME,
    decider: entitlementsDeciderWith({ heldUsageMax: options.heldUsageMax ?? HELD_USAGE_MAX_DEFAULT }),
    eventTopic: topics.events,
    deadLetterTopic: topics.deadLetters,
    positionsTopic: topics.positions,
    inputs: [
      {
        topic: topics.contracts,
        async toCommands(record) {
          if (record.value === null) return [];
          const { value } = await codec.decode<wire.ContractEvent>(record.value, ENTITLEMENTS_SUBJECTS.contracts);
          return [{ aggregateKey: value.customerId, command: commandFromContractEvent(value) }];
        },
      },
      {
        topic: topics.usage,
        async toCommands(record) {
          if (record.value === null) return [];
          const { value } = await codec.decode<wire.MeteringEvent>(record.value, ENTITLEMENTS_SUBJECTS.usage);
          const command = commandFromMeteringEvent(value);
          return command === null ? [] : [{ aggregateKey: value.customerId, command }];
        },
      },
      {
        topic: topics.clock,
        async toCommands(record) {
          if (record.value === null) return [];
          const tick = await decodeClockTick(codec, record.value);
          return [{ broadcast: true, command: { type: 'ClockTicked', now: tick.at } }];
        },
      },
    ],
    eventCodec: envelopeEventCodec<EntitlementEvent, wire.EntitlementEventPayload>(codec, ENTITLEMENTS_TOPICS.events, {
      describe: (event) => ({ eventType: event.type, occurredAt: occurredAtOf(event) }),
      toPayload: (event) => entitlementEventToWire(event).payload,
      fromEnvelope: (envelope: EventEnvelope<wire.EntitlementEventPayload>) => entitlementEventFromWire(envelope),
    }),
    deadLetterCodec: deadLetterCodec(codec, ENTITLEMENTS_TOPICS.deadLetters),
    positionCodec: inputPositionCodec(codec, ENTITLEMENTS_TOPICS.positions),
    stateCodec: jsonStateCodec<EntitlementsState>(),
    async extraOutputs(customerId, event, stateAfter): Promise<OutputRecord[]> {
      const records: OutputRecord[] = [];
      for (const featureCode of featuresChangedBy(event)) {
        const balance = balanceOf(stateAfter, featureCode);
        // A feature the state no longer holds is deleted from the cache (a tombstone), not left stale.
        const value = balance === undefined ? null : await codec.encode(ENTITLEMENTS_SUBJECTS.balances, balanceToWire(customerId, balance, occurredAtOf(event)));
        records.push({ topic: topics.balances, key: balanceKey(customerId, featureCode), value });
      }
      return records;
    },
  };
}

/** Decodes one entitlements.balances.v1 value (a product's local cache does this). */
export async function decodeEntitlementBalance(codec: AvroCodec, value: Buffer): Promise<wire.EntitlementBalance> {
  const { value: balance } = await codec.decode<wire.EntitlementBalance>(value, ENTITLEMENTS_SUBJECTS.balances);
  return balance;
}
