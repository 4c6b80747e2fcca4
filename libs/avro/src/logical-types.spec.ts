import * as avro from 'avsc';
import Big from 'big.js';
import fc from 'fast-check';
import { DecimalOutOfRange, InvalidTimestamp } from './errors';
import { canonicalInstant, DecimalType, logicalTypes } from './logical-types';

const decimalType = avro.Type.forSchema(
  { type: 'bytes', logicalType: 'decimal', precision: 38, scale: 12 } as avro.Schema,
  { logicalTypes, assertLogicalTypes: true },
);
const timestampType = avro.Type.forSchema({ type: 'long', logicalType: 'timestamp-millis' } as avro.Schema, { logicalTypes, assertLogicalTypes: true });
const dateType = avro.Type.forSchema({ type: 'int', logicalType: 'date' } as avro.Schema, { logicalTypes, assertLogicalTypes: true });
const nullableDecimal = avro.Type.forSchema(
  ['null', { type: 'bytes', logicalType: 'decimal', precision: 38, scale: 12 }] as avro.Schema,
  { logicalTypes, assertLogicalTypes: true },
);

function roundTrip(value: Big): Big {
  return decimalType.fromBuffer(decimalType.toBuffer(value)) as Big;
}

describe('DecimalType decimal(38, 12) <-> Big', () => {
  it('is the DecimalType with the project precision and scale', () => {
    expect(decimalType).toBeInstanceOf(DecimalType);
    expect((decimalType as DecimalType).precision).toBe(38);
    expect((decimalType as DecimalType).scale).toBe(12);
  });

  it.each([
    '12345678901234567890123456.123456789012',
    '-12345678901234567890123456.123456789012',
    '99999999999999999999999999.999999999999',
    '-99999999999999999999999999.999999999999',
    '0.000000000001',
    '-0.000000000001',
    '0',
    '1',
    '-1',
    '128',
    '-128',
    '255',
    '-256',
    '50009.6',
    '4438.35',
    '10000000000000000000000000',
  ])('round-trips %s exactly', (text) => {
    const decoded = roundTrip(new Big(text));
    expect(decoded.eq(new Big(text))).toBe(true);
    expect(decoded.toFixed()).toBe(new Big(text).toFixed());
  });

  it('writes the widest value in 16 bytes of big-endian two’s complement of the unscaled integer', () => {
    const body = decimalType.toBuffer(new Big('12345678901234567890123456.123456789012'));
    // bytes: a zig-zag varint length, then the unscaled integer 12345678901234567890123456123456789012.
    const length = body[0] / 2;
    const unscaled = BigInt(`0x${body.subarray(1).toString('hex')}`);
    expect(length).toBe(body.length - 1);
    expect(length).toBeLessThanOrEqual(16);
    expect(unscaled.toString()).toBe('12345678901234567890123456123456789012');
  });

  it('rejects 13 fractional digits instead of rounding', () => {
    expect(() => decimalType.toBuffer(new Big('0.0000000000001'))).toThrow(DecimalOutOfRange);
    expect(() => decimalType.toBuffer(new Big('-1.1234567890123'))).toThrow(DecimalOutOfRange);
  });

  it('rejects 27 integer digits', () => {
    expect(() => decimalType.toBuffer(new Big('123456789012345678901234567'))).toThrow(DecimalOutOfRange);
    expect(() => decimalType.toBuffer(new Big('-100000000000000000000000000'))).toThrow(DecimalOutOfRange);
  });

  it('reports the overflow with a reason code', () => {
    try {
      decimalType.toBuffer(new Big('1e26'));
      throw new Error('expected DecimalOutOfRange');
    } catch (error) {
      expect(error).toBeInstanceOf(DecimalOutOfRange);
      expect((error as DecimalOutOfRange).reasonCode).toBe('DECIMAL_OUT_OF_RANGE');
    }
  });

  it('refuses JS numbers and strings: money is Big', () => {
    expect(() => decimalType.toBuffer(1.5)).toThrow();
    expect(() => decimalType.toBuffer('1.5')).toThrow();
  });

  it('decodes wider-than-precision bytes as an error, not a wrong number', () => {
    // 17 bytes cannot be a decimal(38, 12).
    const tooWide = Buffer.concat([Buffer.from([17 * 2]), Buffer.alloc(17, 0x7f)]);
    expect(() => decimalType.fromBuffer(tooWide)).toThrow(DecimalOutOfRange);
    // 16 bytes holding 2^127 - 1 (39 digits) exceed precision 38.
    const thirtyNineDigits = Buffer.concat([Buffer.from([16 * 2, 0x7f]), Buffer.alloc(15, 0xff)]);
    expect(() => decimalType.fromBuffer(thirtyNineDigits)).toThrow(DecimalOutOfRange);
  });

  it('picks the decimal branch of a nullable decimal and null for null', () => {
    expect(nullableDecimal.fromBuffer(nullableDecimal.toBuffer(null))).toBeNull();
    const amount = nullableDecimal.fromBuffer(nullableDecimal.toBuffer(new Big('-7.000000000001'))) as Big;
    expect(amount.eq(new Big('-7.000000000001'))).toBe(true);
  });

  it('round-trips any decimal with at most 26 integer and 12 fractional digits (property)', () => {
    const digits = (max: number) => fc.stringMatching(new RegExp(`^[0-9]{1,${max}}$`));
    fc.assert(
      fc.property(fc.boolean(), digits(26), digits(12), (negative, integer, fraction) => {
        const value = new Big(`${negative ? '-' : ''}${integer}.${fraction}`);
        expect(roundTrip(value).eq(value)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe('TimestampMillisType long <-> ISO-8601 UTC string', () => {
  it('decodes to the canonical form, whatever zone the instant was written in', () => {
    expect(timestampType.fromBuffer(timestampType.toBuffer('2026-01-23T10:00:00Z'))).toBe('2026-01-23T10:00:00.000Z');
    expect(timestampType.fromBuffer(timestampType.toBuffer('2026-01-23T11:00:00.123+01:00'))).toBe('2026-01-23T10:00:00.123Z');
    expect(canonicalInstant('2026-01-31T23:59:00Z')).toBe('2026-01-31T23:59:00.000Z');
  });

  it('rejects sub-millisecond digits instead of truncating them, but accepts trailing zeros', () => {
    expect(() => timestampType.toBuffer('2026-01-23T10:00:00.1234Z')).toThrow(InvalidTimestamp);
    expect(timestampType.fromBuffer(timestampType.toBuffer('2026-01-23T10:00:00.123000Z'))).toBe('2026-01-23T10:00:00.123Z');
  });

  it('rejects instants without a zone and impossible dates', () => {
    expect(() => timestampType.toBuffer('2026-01-23T10:00:00')).toThrow(InvalidTimestamp);
    expect(() => timestampType.toBuffer('2026-02-30T10:00:00Z')).toThrow(InvalidTimestamp);
    expect(() => timestampType.toBuffer('yesterday')).toThrow(InvalidTimestamp);
  });
});

describe('DateType int <-> YYYY-MM-DD', () => {
  it('round-trips dates', () => {
    for (const date of ['1970-01-01', '2026-02-01', '2026-04-02', '1969-12-31', '2028-02-29']) {
      expect(dateType.fromBuffer(dateType.toBuffer(date))).toBe(date);
    }
  });

  it('rejects non-dates', () => {
    expect(() => dateType.toBuffer('2026-02-29')).toThrow(InvalidTimestamp);
    expect(() => dateType.toBuffer('2026-2-1')).toThrow(InvalidTimestamp);
  });
});
