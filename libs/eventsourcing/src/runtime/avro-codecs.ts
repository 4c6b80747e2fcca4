import { AvroCodec } from '@billing/avro';
import { DeadLetter, EventCodec, EventMetadata, InputPosition, RecordCodec } from './types';

/** The Avro envelope every event topic shares (schemas/README.md, section 3). */
export interface EventEnvelope<P = unknown> {
  eventId: string;
  eventType: string;
  occurredAt: string;
  recordedAt: string;
  causationId: string | null;
  correlationId: string | null;
  schemaVersion: number;
  customerId: string;
  payload: P;
}

/** Maps a domain event to its wire payload and back; the only place that knows both shapes. */
export interface EventMapper<E, P = unknown> {
  /** The event's type name (becomes `eventType`) and its event time. */
  describe(event: E): { eventType: string; occurredAt: string };
  toPayload(event: E): P;
  fromEnvelope(envelope: EventEnvelope<P>): E;
}

export function envelopeEventCodec<E, P>(codec: AvroCodec, topic: string, mapper: EventMapper<E, P>): EventCodec<E> {
  const subject = `${topic}-value`;
  let schemaVersion: number | undefined;
  return {
    async encode(event: E, metadata: EventMetadata): Promise<Buffer> {
      schemaVersion ??= await codec.registry.latestVersion(subject);
      const { eventType, occurredAt } = mapper.describe(event);
      const envelope: EventEnvelope<P> = {
        eventId: metadata.eventId,
        eventType,
        occurredAt,
        recordedAt: metadata.recordedAt.toISOString(),
        causationId: metadata.causationId,
        correlationId: metadata.correlationId,
        schemaVersion,
        customerId: metadata.aggregateKey,
        payload: mapper.toPayload(event),
      };
      return codec.encode(subject, envelope);
    },
    async decode(value: Buffer): Promise<E> {
      const { value: envelope } = await codec.decode<EventEnvelope<P>>(value, subject);
      return mapper.fromEnvelope(envelope);
    },
  };
}

interface WireDeadLetter {
  originalTopic: string;
  originalPartition: number;
  originalOffset: number;
  originalKey: Buffer | null;
  originalValue: Buffer;
  originalHeaders: { key: string; value: Buffer | null }[];
  reasonCode: string;
  reasonMessage: string;
  reasonDetails: Record<string, string>;
  failedAt: string;
  service: string;
}

export function deadLetterCodec(codec: AvroCodec, topic: string): RecordCodec<DeadLetter> {
  const subject = `${topic}-value`;
  return {
    encode: (letter) =>
      codec.encode(subject, {
        originalTopic: letter.originalTopic,
        originalPartition: letter.originalPartition,
        originalOffset: Number(letter.originalOffset),
        originalKey: letter.originalKey,
        originalValue: letter.originalValue,
        originalHeaders: Object.entries(letter.originalHeaders).map(([key, value]) => ({ key, value })),
        reasonCode: letter.reasonCode,
        reasonMessage: letter.reasonMessage,
        reasonDetails: {},
        failedAt: letter.failedAt.toISOString(),
        service: letter.service,
      } satisfies WireDeadLetter),
    decode: async (buffer) => {
      const { value: w } = await codec.decode<WireDeadLetter>(buffer, subject);
      return {
        originalTopic: w.originalTopic,
        originalPartition: w.originalPartition,
        originalOffset: String(w.originalOffset),
        originalKey: w.originalKey,
        originalValue: w.originalValue,
        originalHeaders: Object.fromEntries(w.originalHeaders.map((h) => [h.key, h.value ?? Buffer.alloc(0)])),
        reasonCode: w.reasonCode,
        reasonMessage: w.reasonMessage,
        failedAt: new Date(w.failedAt),
        service: w.service,
      };
    },
  };
}

/** On the wire the offset follows Kafka's commit convention (next offset to consume); in memory, the last one processed. */
export function inputPositionCodec(codec: AvroCodec, topic: string): RecordCodec<InputPosition> {
  const subject = `${topic}-value`;
  return {
    encode: (position) =>
      codec.encode(subject, { inputTopic: position.inputTopic, partition: position.partition, offset: Number(BigInt(position.offset) + 1n) }),
    decode: async (buffer) => {
      const { value } = await codec.decode<{ inputTopic: string; partition: number; offset: number }>(buffer, subject);
      return { inputTopic: value.inputTopic, partition: value.partition, offset: (BigInt(value.offset) - 1n).toString() };
    },
  };
}
