import * as avro from 'avsc';
import Big from 'big.js';
import { DecimalOutOfRange, InvalidTimestamp } from './errors';

/** The one decimal on the wire: `{"type":"bytes","logicalType":"decimal","precision":38,"scale":12}`. */
export const MONEY_DECIMAL_PRECISION = 38;
export const MONEY_DECIMAL_SCALE = 12;

/** 10^38 < 2^127, so a decimal(38, s) never needs more than 16 bytes of two's complement. */
const DECIMAL_BYTES_MAX = 16;

/** True for a big.js value (duck-typed so two copies of big.js still interoperate). */
export function isBig(value: unknown): value is Big {
  if (value instanceof Big) return true;
  if (value === null || typeof value !== 'object') return false;
  const candidate = value as { c?: unknown; e?: unknown; s?: unknown };
  return Array.isArray(candidate.c) && typeof candidate.e === 'number' && typeof candidate.s === 'number';
}

/**
 * Avro `decimal` on `bytes` <-> big.js `Big`, exactly. Encoding rejects (DecimalOutOfRange) any value with more
 * fractional digits than `scale` or more integer digits than `precision - scale`; it never rounds. Decoding
 * gives an exact Big. Only `bytes` is supported (not `fixed`): the project's one decimal is bytes(38, 12).
 */
export class DecimalType extends avro.types.LogicalType {
  readonly precision: number;
  readonly scale: number;

  constructor(schema: avro.Schema, opts?: unknown) {
    super(schema, opts);
    const attrs = schema as { type?: unknown; precision?: unknown; scale?: unknown };
    const precision = attrs.precision;
    const scale = attrs.scale ?? 0;
    if (attrs.type !== 'bytes') throw new Error(`decimal must be on bytes, got ${JSON.stringify(attrs.type)}`);
    if (typeof precision !== 'number' || !Number.isInteger(precision) || precision < 1 || precision > MONEY_DECIMAL_PRECISION) {
      throw new Error(`decimal precision must be an integer in [1, ${MONEY_DECIMAL_PRECISION}], got ${String(precision)}`);
    }
    if (typeof scale !== 'number' || !Number.isInteger(scale) || scale < 0 || scale > precision) {
      throw new Error(`decimal scale must be an integer in [0, precision], got ${String(scale)}`);
    }
    this.precision = precision;
    this.scale = scale;
  }

  /** Bytes (two's complement, big-endian unscaled integer) to Big. */
  protected override _fromValue(buffer: Buffer): Big {
    if (!Buffer.isBuffer(buffer) || buffer.length === 0 || buffer.length > DECIMAL_BYTES_MAX) {
      throw new DecimalOutOfRange(`decimal body of ${Buffer.isBuffer(buffer) ? buffer.length : 'no'} bytes is not a decimal(${this.precision}, ${this.scale})`);
    }
    const unscaled = bigIntFromTwosComplement(buffer);
    const negative = unscaled < 0n;
    const digits = (negative ? -unscaled : unscaled).toString();
    if (digits.length > this.precision) {
      throw new DecimalOutOfRange(`decimal with ${digits.length} digits exceeds precision ${this.precision}`);
    }
    const padded = digits.padStart(this.scale + 1, '0');
    const integerPart = padded.slice(0, padded.length - this.scale);
    const fractionPart = padded.slice(padded.length - this.scale);
    return new Big(`${negative ? '-' : ''}${integerPart}${fractionPart ? `.${fractionPart}` : ''}`);
  }

  /**
   * Big to bytes. Non-Big values give `undefined` so avsc reports them as invalid (and so a nullable decimal
   * union can test its branches); an out-of-range Big throws DecimalOutOfRange.
   */
  protected override _toValue(value: unknown): Buffer | undefined {
    if (!isBig(value)) return undefined;
    return twosComplementFromBigInt(unscaledOf(value, this.precision, this.scale));
  }

  /** Reads only decimals of the same scale and no larger precision: any other change would misread amounts. */
  protected override _resolve(writer: avro.Type): ((value: Big) => Big) | undefined {
    if (writer instanceof DecimalType && writer.scale === this.scale && writer.precision <= this.precision) {
      return (value) => value;
    }
    return undefined;
  }

  protected override _export(schema: avro.Schema): void {
    const attrs = schema as unknown as Record<string, unknown>;
    attrs.precision = this.precision;
    attrs.scale = this.scale;
  }
}

/** The unscaled integer of `value` at `scale`, checking fractional and integer digit limits. */
export function unscaledOf(value: Big, precision: number, scale: number): bigint {
  const digits = value.c.join('');
  if (digits === '0') return 0n;
  const integerDigits = Math.max(0, value.e + 1);
  const fractionDigits = Math.max(0, digits.length - (value.e + 1));
  if (fractionDigits > scale) {
    throw new DecimalOutOfRange(`${value.toFixed()} has ${fractionDigits} fractional digits; decimal(${precision}, ${scale}) holds ${scale}`, {
      value: value.toFixed(),
    });
  }
  if (integerDigits > precision - scale) {
    throw new DecimalOutOfRange(`${value.toFixed()} has ${integerDigits} integer digits; decimal(${precision}, ${scale}) holds ${precision - scale}`, {
      value: value.toFixed(),
    });
  }
  // value = 0.d1d2...dn x 10^(e+1) = digits x 10^(e+1-n); times 10^scale gives an integer since fractionDigits <= scale.
  const shift = value.e + 1 - digits.length + scale;
  const magnitude = BigInt(digits + '0'.repeat(shift));
  return value.s < 0 ? -magnitude : magnitude;
}

function bigIntFromTwosComplement(buffer: Buffer): bigint {
  const magnitude = BigInt(`0x${buffer.toString('hex')}`);
  const negative = (buffer[0] & 0x80) !== 0;
  return negative ? magnitude - (1n << BigInt(buffer.length * 8)) : magnitude;
}

function twosComplementFromBigInt(value: bigint): Buffer {
  let byteCount = 1;
  // Smallest byte count whose signed range holds value.
  while (value >= 1n << BigInt(byteCount * 8 - 1) || value < -(1n << BigInt(byteCount * 8 - 1))) byteCount += 1;
  const unsigned = value < 0n ? (1n << BigInt(byteCount * 8)) + value : value;
  return Buffer.from(unsigned.toString(16).padStart(byteCount * 2, '0'), 'hex');
}

const INSTANT_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Parses an ISO-8601 instant with a zone (`Z` or `+hh:mm`) to epoch milliseconds. Digits beyond the millisecond
 * must be zeros: a sub-millisecond instant would otherwise be silently truncated.
 */
export function instantToEpochMs(instant: string): number {
  const match = INSTANT_PATTERN.exec(instant);
  if (!match) throw new InvalidTimestamp(`not an ISO-8601 instant with a zone: ${JSON.stringify(instant)}`);
  const fraction = match[7] ?? '';
  if (/[^0]/.test(fraction.slice(3))) {
    throw new InvalidTimestamp(`${instant} has sub-millisecond digits; timestamp-millis holds milliseconds`);
  }
  const epochMs = Date.parse(instant);
  if (!Number.isSafeInteger(epochMs)) throw new InvalidTimestamp(`not a valid instant: ${instant}`);
  // Date.parse accepts 2026-02-30; round-tripping the calendar fields catches it.
  const [, year, month, day] = match;
  const offsetFree = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  if (offsetFree.getUTCMonth() !== Number(month) - 1 || offsetFree.getUTCDate() !== Number(day)) {
    throw new InvalidTimestamp(`not a calendar date: ${instant}`);
  }
  return epochMs;
}

/** The canonical form every decoded timestamp has: `YYYY-MM-DDTHH:mm:ss.sssZ` (UTC). */
export function canonicalInstant(instant: string): string {
  return new Date(instantToEpochMs(instant)).toISOString();
}

/** `{"type":"long","logicalType":"timestamp-millis"}` <-> ISO-8601 UTC string `YYYY-MM-DDTHH:mm:ss.sssZ`. */
export class TimestampMillisType extends avro.types.LogicalType {
  protected override _fromValue(epochMs: number): string {
    const date = new Date(epochMs);
    if (Number.isNaN(date.getTime())) throw new InvalidTimestamp(`timestamp ${epochMs} ms is out of range`);
    return date.toISOString();
  }

  protected override _toValue(value: unknown): number | undefined {
    if (typeof value !== 'string') return undefined;
    return instantToEpochMs(value);
  }

  protected override _resolve(writer: avro.Type): ((value: string) => string) | undefined {
    return writer instanceof TimestampMillisType ? (value) => value : undefined;
  }
}

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

/** `{"type":"int","logicalType":"date"}` (days since 1970-01-01) <-> `YYYY-MM-DD`. */
export class DateType extends avro.types.LogicalType {
  protected override _fromValue(days: number): string {
    const date = new Date(days * MS_PER_DAY);
    if (Number.isNaN(date.getTime())) throw new InvalidTimestamp(`date ${days} days is out of range`);
    return date.toISOString().slice(0, 10);
  }

  protected override _toValue(value: unknown): number | undefined {
    if (typeof value !== 'string') return undefined;
    const match = DATE_PATTERN.exec(value);
    if (!match) throw new InvalidTimestamp(`not a YYYY-MM-DD date: ${JSON.stringify(value)}`);
    const epochMs = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
    if (new Date(epochMs).toISOString().slice(0, 10) !== value) throw new InvalidTimestamp(`not a calendar date: ${value}`);
    return epochMs / MS_PER_DAY;
  }

  protected override _resolve(writer: avro.Type): ((value: string) => string) | undefined {
    return writer instanceof DateType ? (value) => value : undefined;
  }
}

/** Pass this explicitly to every `Type.forSchema` (STYLE: no reliance on library defaults). */
export const logicalTypes: Record<string, new (schema: avro.Schema, opts?: unknown) => avro.types.LogicalType> = {
  decimal: DecimalType,
  'timestamp-millis': TimestampMillisType,
  date: DateType,
};

/**
 * Avro `long` as a JS number, exact over the whole safe-integer range. avsc's own long zig-zags with float
 * arithmetic, which silently corrupts negative values below -2^52 (-9007199254740990 reads back as
 * +9007199254740990); this one packs through 8-byte two's complement and refuses anything not a safe integer.
 */
export const exactLongType: avro.Type = avro.types.LongType.__with({
  fromBuffer(buffer: Buffer): number {
    const value = buffer.readBigInt64LE(0);
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw new Error(`long ${value} is beyond the safe integer range of a JS number`);
    }
    return Number(value);
  },
  toBuffer(value: number): Buffer {
    const buffer = Buffer.alloc(8);
    buffer.writeBigInt64LE(BigInt(value), 0);
    return buffer;
  },
  fromJSON(json: unknown): number {
    return Number(json);
  },
  toJSON(value: number): number {
    return value;
  },
  isValid(value: unknown): boolean {
    return typeof value === 'number' && Number.isSafeInteger(value);
  },
  compare(a: number, b: number): number {
    return a === b ? 0 : a < b ? -1 : 1;
  },
});
