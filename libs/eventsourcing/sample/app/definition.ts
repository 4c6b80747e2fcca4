import Big from 'big.js';
import { AvroCodec } from '@billing/avro';
import { DomainError } from '@billing/eventsourcing';
import {
  deadLetterCodec, envelopeEventCodec, EventEnvelope, inputPositionCodec, jsonStateCodec, ServiceDefinition,
} from '@billing/runtime';
import { Account, AccountCommand, accountDecider, AccountEvent } from '../domain/account';

export interface SampleTopics {
  readonly commands: string;
  readonly events: string;
  readonly deadLetters: string;
  readonly positions: string;
}

/** The declared topics (schemas/topics.json). Tests use fresh copies with another prefix; subjects stay the declared ones. */
export const SAMPLE_TOPICS: SampleTopics = {
  commands: 'sample.commands.v1',
  events: 'sample.events.v1',
  deadLetters: 'sample.dlq.v1',
  positions: 'sample.input-positions.v1',
};

export function sampleTopics(prefix: string): SampleTopics {
  return prefix === 'sample'
    ? SAMPLE_TOPICS
    : { commands: `${prefix}.commands.v1`, events: `${prefix}.events.v1`, deadLetters: `${prefix}.dlq.v1`, positions: `${prefix}.input-positions.v1` };
}

const SUBJECTS = {
  commands: `${SAMPLE_TOPICS.commands}-value`,
};

// Wire shapes of schemas/sample/*.avsc (mappers are the only place that knows both wire and domain).
interface SampleCommandWire { accountId: string; commandId: string; kind: 'Deposit' | 'Withdraw' | 'Poison'; amount: Big; issuedAt: string }
type PayloadWire =
  | { 'billing.sample.Deposited': { accountId: string; commandId: string; amount: Big; balance: Big } }
  | { 'billing.sample.Withdrawn': { accountId: string; commandId: string; amount: Big; balance: Big } }
  | { 'billing.sample.WithdrawalRejected': { accountId: string; commandId: string; amount: Big; balance: Big; reasonCode: string } };

export class PoisonRecord extends DomainError {
  constructor(commandId: string) {
    super('POISON_RECORD', `command ${commandId} is poison by construction`);
  }
}

export function sampleServiceDefinition(
  codec: AvroCodec,
  name = 'sample',
  topics: SampleTopics = SAMPLE_TOPICS,
): ServiceDefinition<AccountCommand, AccountEvent, Account> {
  return {
    name,
    decider: accountDecider,
    eventTopic: topics.events,
    deadLetterTopic: topics.deadLetters,
    positionsTopic: topics.positions,
    inputs: [
      {
        topic: topics.commands,
        async toCommands(record) {
          const { value } = await codec.decode<SampleCommandWire>(record.value as Buffer, SUBJECTS.commands);
          if (value.kind === 'Poison') throw new PoisonRecord(value.commandId);
          const command: AccountCommand = { type: value.kind, now: value.issuedAt, accountId: value.accountId, commandId: value.commandId, amount: value.amount };
          return [{ aggregateKey: value.accountId, command }];
        },
      },
    ],
    eventCodec: envelopeEventCodec<AccountEvent, PayloadWire>(codec, SAMPLE_TOPICS.events, {
      describe: (event) => ({ eventType: event.type, occurredAt: event.occurredAt }),
      toPayload(event) {
        const { accountId, commandId, amount, balance } = event;
        switch (event.type) {
          case 'Deposited': return { 'billing.sample.Deposited': { accountId, commandId, amount, balance } };
          case 'Withdrawn': return { 'billing.sample.Withdrawn': { accountId, commandId, amount, balance } };
          case 'WithdrawalRejected': return { 'billing.sample.WithdrawalRejected': { accountId, commandId, amount, balance, reasonCode: event.reasonCode } };
        }
      },
      fromEnvelope(envelope: EventEnvelope<PayloadWire>): AccountEvent {
        const p = envelope.payload;
        const occurredAt = envelope.occurredAt;
        if ('billing.sample.Deposited' in p) return { type: 'Deposited', occurredAt, ...p['billing.sample.Deposited'] };
        if ('billing.sample.Withdrawn' in p) return { type: 'Withdrawn', occurredAt, ...p['billing.sample.Withdrawn'] };
        const r = p['billing.sample.WithdrawalRejected'];
        return { type: 'WithdrawalRejected', occurredAt, ...r, reasonCode: 'INSUFFICIENT_FUNDS' };
      },
    }),
    deadLetterCodec: deadLetterCodec(codec, SAMPLE_TOPICS.deadLetters),
    positionCodec: inputPositionCodec(codec, SAMPLE_TOPICS.positions),
    stateCodec: jsonStateCodec<Account>(),
  };
}

/** Encodes a sample command as a product would produce it. */
export type { SampleCommandWire };
export function encodeSampleCommand(codec: AvroCodec, command: SampleCommandWire): Promise<Buffer> {
  return codec.encode(SUBJECTS.commands, command);
}
