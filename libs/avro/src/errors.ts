import { DomainError } from '@billing/errors';

export type UndecodableReasonCode = 'BAD_MAGIC_BYTE' | 'UNKNOWN_SCHEMA_ID' | 'MALFORMED_AVRO';

/**
 * Bytes that are not a record of a known schema: wrong magic byte, too short, unknown schema id, truncated or
 * garbage Avro body, trailing bytes. A consumer sends them to its dead-letter topic; it never crashes on them.
 */
export class UndecodableRecord extends DomainError {
  constructor(
    override readonly reasonCode: UndecodableReasonCode,
    message: string,
    details: Readonly<Record<string, string>> = {},
  ) {
    super(reasonCode, message, details);
  }
}

/** A decimal that does not fit decimal(precision, scale): rejected, never rounded. */
export class DecimalOutOfRange extends DomainError {
  constructor(message: string, details: Readonly<Record<string, string>> = {}) {
    super('DECIMAL_OUT_OF_RANGE', message, details);
  }
}

/** A timestamp or date string that is not an exact ISO-8601 value the logical type can hold. */
export class InvalidTimestamp extends DomainError {
  constructor(message: string, details: Readonly<Record<string, string>> = {}) {
    super('INVALID_TIMESTAMP', message, details);
  }
}

/**
 * A programming or deployment error, not bad input: a subject with no schema, a catalog that lags the .avsc
 * files, a registry that refuses a schema. It must stop the producer rather than reach a dead-letter topic.
 */
export class SchemaConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SchemaConfigurationError';
  }
}

/**
 * The schema registry cannot answer now (connection refused, timeout, HTTP 5xx). Not a DomainError: the input
 * is not at fault, so the runtime retries it with backoff and never dead-letters it.
 */
export class SchemaRegistryUnavailable extends Error {
  constructor(message: string, override readonly cause?: unknown) {
    super(message);
    this.name = 'SchemaRegistryUnavailable';
  }
}

/**
 * A value the current schema cannot hold (a missing field, a wrong type, a record over RECORD_BYTES_MAX). A
 * DomainError: what would be written is at fault, and the runtime dead-letters the input that caused it.
 */
export class UnencodableValue extends DomainError {
  constructor(message: string, details: Readonly<Record<string, string>> = {}) {
    super('UNENCODABLE_VALUE', message, details);
  }
}
