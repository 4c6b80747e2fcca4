import * as avro from 'avsc';
import Big from 'big.js';
import { DateType, DecimalType, isBig, TimestampMillisType } from './logical-types';

/** A 38-digit decimal(38, 12): the widest value the wire holds, 26 integer and 12 fractional digits. */
export const SAMPLE_DECIMAL_WIDEST = '12345678901234567890123456.123456789012';

export interface SampleOptions {
  /** Which branch every union takes (modulo its branch count) and the sign of decimals: vary it to cover all. */
  readonly variant: number;
}

/**
 * A valid value of any avsc type built from this project's options, for round-trip tests: every decimal is 38
 * digits (negative on odd variants), every union takes branch `variant % branches` (nullable unions take their
 * value on even variants and null on odd ones), arrays and maps hold two entries.
 */
export function sampleValue(type: avro.Type, options: SampleOptions = { variant: 0 }, depth = 0): unknown {
  if (depth > 32) throw new Error(`sample value nests deeper than 32 levels at ${type.name ?? type.typeName}`);
  const { variant } = options;
  if (type instanceof DecimalType) return new Big(variant % 2 === 0 ? SAMPLE_DECIMAL_WIDEST : `-${SAMPLE_DECIMAL_WIDEST}`);
  if (type instanceof TimestampMillisType) return variant % 2 === 0 ? '2026-01-23T10:00:00.123Z' : '1999-12-31T23:59:59.999Z';
  if (type instanceof DateType) return variant % 2 === 0 ? '2026-02-01' : '1970-01-01';
  if (type instanceof avro.types.LogicalType) return sampleValue(type.underlyingType, options, depth + 1);
  if (type instanceof avro.types.WrappedUnionType) {
    const branches = (type as unknown as { types: avro.Type[] }).types;
    const branch = branches[variant % branches.length];
    if (branch.typeName === 'null') return null;
    return { [branch.branchName as string]: sampleValue(branch, options, depth + 1) };
  }
  if (type instanceof avro.types.UnwrappedUnionType) {
    const branches = (type as unknown as { types: avro.Type[] }).types;
    const nonNull = branches.filter((b) => b.typeName !== 'null');
    if (nonNull.length < branches.length && variant % 2 === 1) return null;
    return sampleValue(nonNull[variant % nonNull.length], options, depth + 1);
  }
  switch (type.typeName) {
    case 'null':
      return null;
    case 'boolean':
      return variant % 2 === 0;
    case 'int':
      return variant % 2 === 0 ? 2_147_483_647 : -2_147_483_648;
    case 'long':
    case 'abstract:long':
      return variant % 2 === 0 ? Number.MAX_SAFE_INTEGER : Number.MIN_SAFE_INTEGER;
    case 'float':
      return 0.5;
    case 'double':
      return 0.1;
    case 'string':
      return variant % 2 === 0 ? 'sample-ü-€-𝄞' : '';
    case 'bytes':
      return Buffer.from([0x00, 0x01, 0x7f, 0x80, 0xff]);
    case 'fixed':
      return Buffer.alloc((type as avro.types.FixedType).size, 0xab);
    case 'enum': {
      const symbols = (type as unknown as { symbols: string[] }).symbols;
      return symbols[variant % symbols.length];
    }
    case 'array': {
      const items = (type as avro.types.ArrayType).itemsType;
      return [sampleValue(items, options, depth + 1), sampleValue(items, { variant: variant + 1 }, depth + 1)];
    }
    case 'map': {
      const values = (type as avro.types.MapType).valuesType as avro.Type;
      return { first: sampleValue(values, options, depth + 1), 'second key': sampleValue(values, { variant: variant + 1 }, depth + 1) };
    }
    case 'record':
    case 'error': {
      const record: Record<string, unknown> = {};
      for (const field of (type as avro.types.RecordType).fields) record[field.name] = sampleValue(field.type, options, depth + 1);
      return record;
    }
    default:
      throw new Error(`no sample for avro type ${type.typeName}`);
  }
}

/** How many variants cover every branch of every union in `type` (the largest union's branch count, at least 2). */
export function sampleVariantCount(type: avro.Type, seen = new Set<string>()): number {
  if (type.name) {
    if (seen.has(type.name)) return 2;
    seen.add(type.name);
  }
  if (type instanceof avro.types.LogicalType) return sampleVariantCount(type.underlyingType, seen);
  let count = 2;
  if (type instanceof avro.types.WrappedUnionType || type instanceof avro.types.UnwrappedUnionType) {
    const branches = (type as unknown as { types: avro.Type[] }).types;
    count = Math.max(count, branches.length * 2);
    for (const branch of branches) count = Math.max(count, sampleVariantCount(branch, seen));
  } else if (type instanceof avro.types.RecordType) {
    for (const field of type.fields) count = Math.max(count, sampleVariantCount(field.type, seen));
  } else if (type instanceof avro.types.ArrayType) {
    count = Math.max(count, sampleVariantCount(type.itemsType, seen));
  } else if (type instanceof avro.types.MapType) {
    count = Math.max(count, sampleVariantCount(type.valuesType as avro.Type, seen));
  }
  return count;
}

/**
 * The path of the first difference between two decoded values, or undefined when equal. Big compares with
 * `.eq` (exact), Buffers by bytes; class instances (avsc records) compare by their own fields.
 */
export function firstDifference(expected: unknown, actual: unknown, path = '$'): string | undefined {
  if (isBig(expected) || isBig(actual)) {
    if (!isBig(expected) || !isBig(actual)) return `${path}: Big ${String(expected)} vs ${String(actual)}`;
    return expected.eq(actual) ? undefined : `${path}: ${expected.toFixed()} != ${actual.toFixed()}`;
  }
  if (Buffer.isBuffer(expected) || Buffer.isBuffer(actual)) {
    if (!Buffer.isBuffer(expected) || !Buffer.isBuffer(actual)) return `${path}: Buffer vs non-Buffer`;
    return expected.equals(actual) ? undefined : `${path}: bytes ${expected.toString('hex')} != ${actual.toString('hex')}`;
  }
  if (Array.isArray(expected) || Array.isArray(actual)) {
    if (!Array.isArray(expected) || !Array.isArray(actual)) return `${path}: array vs non-array`;
    if (expected.length !== actual.length) return `${path}: ${expected.length} items != ${actual.length}`;
    for (let i = 0; i < expected.length; i += 1) {
      const difference = firstDifference(expected[i], actual[i], `${path}[${i}]`);
      if (difference) return difference;
    }
    return undefined;
  }
  if (expected !== null && actual !== null && typeof expected === 'object' && typeof actual === 'object') {
    const expectedKeys = Object.keys(expected).sort();
    const actualKeys = Object.keys(actual).sort();
    if (expectedKeys.join(',') !== actualKeys.join(',')) return `${path}: keys [${expectedKeys}] != [${actualKeys}]`;
    for (const key of expectedKeys) {
      const difference = firstDifference((expected as Record<string, unknown>)[key], (actual as Record<string, unknown>)[key], `${path}.${key}`);
      if (difference) return difference;
    }
    return undefined;
  }
  return Object.is(expected, actual) ? undefined : `${path}: ${JSON.stringify(expected)} != ${JSON.stringify(actual)}`;
}
