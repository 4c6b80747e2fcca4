import * as avro from 'avsc';
import { SchemaConfigurationError, UndecodableRecord, UnencodableValue } from './errors';
import { DomainError } from '@billing/errors';
import { SchemaRegistry, schemaRegistryFromEnv, WriterSchema } from './registry';
import { createResolver } from './resolver';
import { scanProblem } from './scan';
import { valueSubject } from './schema-set';

/** Confluent wire format: magic byte 0, 4-byte big-endian schema id, Avro binary body. */
export const MAGIC_BYTE = 0;
export const FRAME_HEADER_BYTES = 5;
/** Kafka's default max message size; a larger value is a bug, not a record. */
export const RECORD_BYTES_MAX = 1_048_576;

export interface DecodedRecord<T = unknown> {
  readonly schemaId: number;
  /** The subject whose current schema the value was read into. */
  readonly subject: string;
  readonly value: T;
}

export function frame(schemaId: number, body: Buffer): Buffer {
  if (!Number.isInteger(schemaId) || schemaId < 0 || schemaId > 0xffffffff) throw new RangeError(`schema id ${schemaId} does not fit 4 bytes`);
  const header = Buffer.alloc(FRAME_HEADER_BYTES);
  header.writeUInt8(MAGIC_BYTE, 0);
  header.writeUInt32BE(schemaId, 1);
  return Buffer.concat([header, body]);
}

/** Splits a framed record; throws UndecodableRecord for a short buffer or a wrong magic byte. */
export function unframe(buffer: Buffer): { schemaId: number; body: Buffer } {
  if (!Buffer.isBuffer(buffer)) throw new UndecodableRecord('MALFORMED_AVRO', 'record value is not bytes (null or tombstone)');
  if (buffer.length < FRAME_HEADER_BYTES) {
    throw new UndecodableRecord(buffer.length > 0 && buffer[0] !== MAGIC_BYTE ? 'BAD_MAGIC_BYTE' : 'MALFORMED_AVRO', `record of ${buffer.length} bytes is shorter than the ${FRAME_HEADER_BYTES}-byte frame header`, {
      lengthBytes: String(buffer.length),
    });
  }
  if (buffer[0] !== MAGIC_BYTE) {
    throw new UndecodableRecord('BAD_MAGIC_BYTE', `magic byte is ${buffer[0]}, expected ${MAGIC_BYTE}`, { magicByte: String(buffer[0]) });
  }
  return { schemaId: buffer.readUInt32BE(1), body: buffer.subarray(FRAME_HEADER_BYTES) };
}

/**
 * Encodes and decodes framed Avro through a SchemaRegistry. Values are written with the subject's current
 * schema; any historical writer schema is read into the current one (resolvers are cached per id and subject).
 */
export class AvroCodec {
  private readonly resolvers = new Map<string, avro.Resolver>();

  constructor(readonly registry: SchemaRegistry) {}

  /**
   * Encodes with the subject's current schema. A value the schema cannot hold throws a DomainError: DecimalOutOfRange
   * and InvalidTimestamp pass through, anything else avsc rejects (and a record over RECORD_BYTES_MAX) is
   * UnencodableValue. Registry outages and configuration errors propagate as they are.
   */
  async encode(subject: string, value: unknown): Promise<Buffer> {
    const type = this.registry.schemas.typeForSubject(subject);
    const id = await this.registry.idForSubject(subject);
    let body: Buffer;
    try {
      body = type.toBuffer(value);
    } catch (error) {
      if (error instanceof DomainError) throw error;
      throw new UnencodableValue(`${subject}: ${(error as Error).message}`, { subject });
    }
    const framed = frame(id, body);
    if (framed.length > RECORD_BYTES_MAX) {
      throw new UnencodableValue(`${subject} record of ${framed.length} bytes exceeds RECORD_BYTES_MAX ${RECORD_BYTES_MAX}`, { subject, lengthBytes: String(framed.length) });
    }
    return framed;
  }

  /** encode(`<topic>-value`, value). */
  encodeForTopic(topic: string, value: unknown): Promise<Buffer> {
    return this.encode(valueSubject(topic), value);
  }

  /**
   * Decodes a framed record into the current schema of `expectedSubject` when given (what a consumer of a topic
   * should pass), else of the subject the writer schema was registered under. Never throws anything but
   * UndecodableRecord for bad bytes; registry outages and configuration errors propagate as they are.
   */
  async decode<T = unknown>(buffer: Buffer, expectedSubject?: string): Promise<DecodedRecord<T>> {
    const { schemaId, body } = unframe(buffer);
    const writer = await this.registry.writerForId(schemaId);
    const subject = expectedSubject ?? writer.subject ?? this.subjectByName(writer);
    const reader = this.registry.schemas.typeForSubject(subject);
    const resolver = this.resolverFor(reader, writer, subject);
    const problem = scanProblem(writer.type, body); // bounds lengths and counts before avsc trusts them
    if (problem) {
      throw new UndecodableRecord('MALFORMED_AVRO', `body does not decode with schema id ${schemaId} (${subject}): ${problem}`, {
        schemaId: String(schemaId),
        subject,
      });
    }
    let value: unknown;
    try {
      value = reader.fromBuffer(body, resolver, false); // false: trailing bytes are an error
    } catch (error) {
      throw new UndecodableRecord('MALFORMED_AVRO', `body does not decode with schema id ${schemaId} (${subject}): ${(error as Error).message}`, {
        schemaId: String(schemaId),
        subject,
      });
    }
    return { schemaId, subject, value: value as T };
  }

  /** decode(buffer, `<topic>-value`). */
  decodeFromTopic<T = unknown>(topic: string, buffer: Buffer): Promise<DecodedRecord<T>> {
    return this.decode<T>(buffer, valueSubject(topic));
  }

  private resolverFor(reader: avro.Type, writer: WriterSchema, subject: string): avro.Resolver {
    const key = `${writer.id}|${subject}`;
    let resolver = this.resolvers.get(key);
    if (!resolver) {
      try {
        resolver = createResolver(reader, writer.type);
      } catch (error) {
        throw new UndecodableRecord('UNKNOWN_SCHEMA_ID', `schema id ${writer.id} (${writer.subject ?? writer.name}) cannot be read as ${subject}: ${(error as Error).message}`, {
          schemaId: String(writer.id),
          subject,
        });
      }
      this.resolvers.set(key, resolver);
    }
    return resolver;
  }

  private subjectByName(writer: WriterSchema): string {
    for (const binding of this.registry.schemas.subjects.values()) if (binding.record === writer.name) return binding.subject;
    throw new UndecodableRecord('UNKNOWN_SCHEMA_ID', `schema id ${writer.id} (${writer.name}) matches no subject; pass the expected subject`, {
      schemaId: String(writer.id),
    });
  }
}

let defaultCodec: AvroCodec | undefined;

/** The process-wide codec over schemaRegistryFromEnv(), created on first use. */
export function defaultAvroCodec(): AvroCodec {
  defaultCodec ??= new AvroCodec(schemaRegistryFromEnv());
  return defaultCodec;
}

export function encode(subject: string, value: unknown): Promise<Buffer> {
  return defaultAvroCodec().encode(subject, value);
}

export function decode<T = unknown>(buffer: Buffer, expectedSubject?: string): Promise<DecodedRecord<T>> {
  return defaultAvroCodec().decode<T>(buffer, expectedSubject);
}

/**
 * The branch of a wrapped union value (`{ "billing.sample.Deposited": {...} }`): its full name, short name and
 * value. Throws for anything that is not a one-key object.
 */
export function unionBranch<T extends object>(union: T): { fullName: string; shortName: string; value: T[keyof T] } {
  const keys = Object.keys(union);
  if (keys.length !== 1) throw new SchemaConfigurationError(`not a wrapped union value: keys ${JSON.stringify(keys)}`);
  const fullName = keys[0];
  return { fullName, shortName: fullName.slice(fullName.lastIndexOf('.') + 1), value: (union as Record<string, unknown>)[fullName] as T[keyof T] };
}

/** Wraps a value into its union branch, e.g. wrapBranch('billing.sample.Deposited', deposited). */
export function wrapBranch<K extends string, V>(fullName: K, value: V): { [P in K]: V } {
  return { [fullName]: value } as { [P in K]: V };
}
