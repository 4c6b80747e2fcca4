import { AvroCodec } from '@billing/avro';
import type * as wire from '@billing/schemas';
import {
  deadLetterCodec, envelopeEventCodec, EventEnvelope, inputPositionCodec, jsonStateCodec, ServiceDefinition, prefixedTopics
} from '@billing/runtime';
import { ContractCommand } from '../domain/commands';
import { contractsDecider } from '../domain/decider';
import { ContractEvent } from '../domain/events';
import { ContractsState } from '../domain/state';
import { contractEventFromWire, contractEventToWire, routeCrmDealEvent } from './mappers';

export interface ContractsTopics {
  readonly deals: string;
  readonly events: string;
  readonly deadLetters: string;
  readonly positions: string;
}

/** The declared topics (schemas/topics.json). Subjects are always these names' `-value`, whatever topics a run uses. */
export const CONTRACTS_TOPICS: ContractsTopics = {
  deals: 'crm.deals.v1',
  events: 'contracts.events.v1',
  deadLetters: 'contracts.dlq.v1',
  positions: 'contracts.input-positions.v1',
};

export const CONTRACTS_SERVICE_NAME = 'contracts';

export const CONTRACTS_SUBJECTS = {
  deals: `${CONTRACTS_TOPICS.deals}-value`,
  events: `${CONTRACTS_TOPICS.events}-value`,
} as const;

export interface ContractsServiceOptions {
  /** consumer group, transactional ids and PostgreSQL schema (tests: `contracts_<run>`) */
  readonly name?: string;
  /** tests run the service on fresh copies of its topics */
  readonly topics?: Partial<ContractsTopics>;
}

/** The topics `<prefix>.<declared name>`: what a test creates for one run. */
export function prefixedContractsTopics(prefix: string): ContractsTopics {
  return prefixedTopics(CONTRACTS_TOPICS, prefix);
}

/** crm.deals.v1 in, contracts.events.v1 out; each deal event goes to the customer its envelope names. */
export function contractsServiceDefinition(
  codec: AvroCodec,
  options: ContractsServiceOptions = {},
): ServiceDefinition<ContractCommand, ContractEvent, ContractsState> {
  const topics: ContractsTopics = { ...CONTRACTS_TOPICS, ...options.topics };
  return {
    name: options.name ?? CONTRACTS_SERVICE_NAME,
    decider: contractsDecider,
    eventTopic: topics.events,
    deadLetterTopic: topics.deadLetters,
    positionsTopic: topics.positions,
    inputs: [
      {
        topic: topics.deals,
        async toCommands(record) {
          if (record.value === null) return []; // a tombstone carries no deal event
          const { value } = await codec.decode<wire.CrmDealEvent>(record.value, CONTRACTS_SUBJECTS.deals);
          return [routeCrmDealEvent(value)];
        },
      },
    ],
    eventCodec: envelopeEventCodec<ContractEvent, wire.ContractEventPayload>(codec, CONTRACTS_TOPICS.events, {
      describe: (event) => ({ eventType: event.type, occurredAt: event.occurredAt }),
      toPayload: (event) => contractEventToWire(event).payload,
      fromEnvelope: (envelope: EventEnvelope<wire.ContractEventPayload>) => contractEventFromWire(envelope),
    }),
    deadLetterCodec: deadLetterCodec(codec, CONTRACTS_TOPICS.deadLetters),
    positionCodec: inputPositionCodec(codec, CONTRACTS_TOPICS.positions),
    stateCodec: jsonStateCodec<ContractsState>(),
  };
}

/** Encodes a deal event as a CRM connector publishes it (the declared subject, whatever topic it goes to). */
export function encodeCrmDealEvent(codec: AvroCodec, event: wire.CrmDealEvent): Promise<Buffer> {
  return codec.encode(CONTRACTS_SUBJECTS.deals, event);
}
