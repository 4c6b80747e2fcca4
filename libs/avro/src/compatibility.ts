import * as avro from 'avsc';
import { DecimalType, MONEY_DECIMAL_PRECISION, MONEY_DECIMAL_SCALE, TimestampMillisType } from './logical-types';
import { createResolver } from './resolver';
import { SchemaSet } from './schema-set';

/**
 * Problems that stop `reader` (the current schema) from reading data written with `writer` (an earlier one).
 * Two layers: avsc's resolver (the Avro resolution rules, with our logical types: a decimal's scale must not
 * change), and a stricter walk that names each added field without a default, each removed enum symbol and each
 * removed union branch, so the message says what to fix.
 */
export function backwardProblems(reader: avro.Type, writer: avro.Type): string[] {
  const problems: string[] = [];
  walk(reader, writer, reader.name ?? reader.typeName, problems, new Set());
  try {
    createResolver(reader, writer);
  } catch (error) {
    if (problems.length === 0) problems.push(`avro resolution fails: ${(error as Error).message}`);
  }
  return problems;
}

function nameMatches(reader: avro.Type, writer: avro.Type): boolean {
  const readerNames = [reader.name, ...(((reader as unknown as { aliases?: string[] }).aliases) ?? [])];
  return writer.name !== undefined && readerNames.includes(writer.name);
}

/** The Avro type name; our exact long (avsc 'abstract:long') is a long on the wire. */
function kind(type: avro.Type): string {
  return type.typeName === 'abstract:long' ? 'long' : type.typeName;
}

function walk(reader: avro.Type, writer: avro.Type, path: string, problems: string[], seen: Set<string>): void {
  const key = `${reader.name ?? ''}|${writer.name ?? ''}|${path}`;
  if (reader.name && writer.name) {
    const pairKey = `${reader.name}|${writer.name}`;
    if (seen.has(pairKey)) return;
    seen.add(pairKey);
  } else if (seen.has(key)) {
    return;
  }

  const readerUnion = reader instanceof avro.types.WrappedUnionType || reader instanceof avro.types.UnwrappedUnionType;
  const writerUnion = writer instanceof avro.types.WrappedUnionType || writer instanceof avro.types.UnwrappedUnionType;
  if (writerUnion) {
    const writerBranches = (writer as unknown as { types: avro.Type[] }).types;
    for (const branch of writerBranches) {
      const target = readerUnion ? findBranch((reader as unknown as { types: avro.Type[] }).types, branch) : reader;
      if (!target) {
        problems.push(`${path}: union branch ${branchLabel(branch)} was removed (old data holds it)`);
        continue;
      }
      walk(target, branch, `${path}<${branchLabel(branch)}>`, problems, seen);
    }
    return;
  }
  if (readerUnion) {
    const target = findBranch((reader as unknown as { types: avro.Type[] }).types, writer);
    if (!target) problems.push(`${path}: ${branchLabel(writer)} is not a branch of the new union`);
    else walk(target, writer, path, problems, seen);
    return;
  }

  if (reader instanceof DecimalType || writer instanceof DecimalType) {
    if (!(reader instanceof DecimalType && writer instanceof DecimalType)) {
      problems.push(`${path}: changed between decimal and ${kind(reader instanceof DecimalType ? writer : reader)}`);
    } else if (reader.scale !== writer.scale || reader.precision < writer.precision) {
      problems.push(`${path}: decimal(${writer.precision}, ${writer.scale}) became decimal(${reader.precision}, ${reader.scale})`);
    }
    return;
  }
  if (kind(reader) !== kind(writer) && !promotable(writer, reader)) {
    problems.push(`${path}: type changed from ${kind(writer)} to ${kind(reader)}`);
    return;
  }

  if (reader instanceof avro.types.RecordType && writer instanceof avro.types.RecordType) {
    if (!nameMatches(reader, writer)) problems.push(`${path}: record ${writer.name} renamed to ${reader.name} without an alias`);
    for (const field of reader.fields) {
      const names = [field.name, ...(field.aliases ?? [])];
      const source = writer.fields.find((w) => names.includes(w.name));
      if (!source) {
        if (field.defaultValue() === undefined) problems.push(`${path}.${field.name}: added without a default`);
        continue;
      }
      walk(field.type, source.type, `${path}.${field.name}`, problems, seen);
    }
    return;
  }
  if (reader instanceof avro.types.EnumType && writer instanceof avro.types.EnumType) {
    if (!nameMatches(reader, writer)) problems.push(`${path}: enum ${writer.name} renamed to ${reader.name} without an alias`);
    const readerSymbols = (reader as unknown as { symbols: string[] }).symbols;
    const hasDefault = (reader as unknown as { default?: string }).default !== undefined;
    const removed = (writer as unknown as { symbols: string[] }).symbols.filter((s) => !readerSymbols.includes(s));
    if (removed.length > 0 && !hasDefault) problems.push(`${path}: enum symbols removed without an enum default: ${removed.join(', ')}`);
    return;
  }
  if (reader instanceof avro.types.FixedType && writer instanceof avro.types.FixedType) {
    if (reader.size !== writer.size) problems.push(`${path}: fixed size changed from ${writer.size} to ${reader.size}`);
    return;
  }
  if (reader instanceof avro.types.ArrayType && writer instanceof avro.types.ArrayType) {
    walk(reader.itemsType, writer.itemsType, `${path}[]`, problems, seen);
    return;
  }
  if (reader instanceof avro.types.MapType && writer instanceof avro.types.MapType) {
    walk(reader.valuesType as avro.Type, writer.valuesType as avro.Type, `${path}{}`, problems, seen);
  }
}

/** Avro's promotions: int -> long/float/double, long -> float/double, float -> double, string <-> bytes. */
function promotable(writer: avro.Type, reader: avro.Type): boolean {
  const promotions: Record<string, string[]> = {
    int: ['long', 'float', 'double'],
    long: ['float', 'double'],
    float: ['double'],
    string: ['bytes'],
    bytes: ['string'],
  };
  return (promotions[kind(writer)] ?? []).includes(kind(reader));
}

function branchLabel(type: avro.Type): string {
  return type.name ?? type.typeName;
}

function findBranch(branches: avro.Type[], writer: avro.Type): avro.Type | undefined {
  if (writer.name) return branches.find((b) => nameMatches(b, writer));
  return branches.find((b) => kind(b) === kind(writer)) ?? branches.find((b) => !b.name && promotable(writer, b));
}

const ENVELOPE: ReadonlyArray<{ name: string; type: string }> = [
  { name: 'eventId', type: 'string' },
  { name: 'eventType', type: 'string' },
  { name: 'occurredAt', type: 'timestamp-millis' },
  { name: 'recordedAt', type: 'timestamp-millis' },
  { name: 'causationId', type: 'nullable-string' },
  { name: 'correlationId', type: 'nullable-string' },
  { name: 'schemaVersion', type: 'int' },
  { name: 'customerId', type: 'string' },
  { name: 'payload', type: 'union' },
];

function envelopeKind(type: avro.Type, field: avro.types.Field): string {
  if (type instanceof TimestampMillisType) return 'timestamp-millis';
  if (type instanceof avro.types.WrappedUnionType) return 'union';
  if (type instanceof avro.types.UnwrappedUnionType) {
    const names = (type as unknown as { types: avro.Type[] }).types.map((t) => t.typeName);
    if (names[0] === 'null' && names[1] === 'string' && field.defaultValue() === null) return 'nullable-string';
    return 'union';
  }
  return kind(type);
}

/**
 * Convention checks on the current schemas (schemas/README.md): every decimal is decimal(38, 12), every
 * nullable field defaults to null, every event topic's record starts with the exact envelope.
 */
export function conventionProblems(set: SchemaSet): string[] {
  const problems: string[] = [];
  for (const file of set.files.values()) {
    const type = set.typeOf(file.fullName);
    if (!(type instanceof avro.types.RecordType)) continue;
    for (const field of type.fields) {
      const where = `${file.path}: ${file.shortName}.${field.name}`;
      visitInline(field.type, (inner) => {
        if (inner instanceof DecimalType && (inner.precision !== MONEY_DECIMAL_PRECISION || inner.scale !== MONEY_DECIMAL_SCALE)) {
          problems.push(`${where}: decimals are decimal(${MONEY_DECIMAL_PRECISION}, ${MONEY_DECIMAL_SCALE}), got decimal(${inner.precision}, ${inner.scale})`);
        }
      });
      if (field.type instanceof avro.types.UnwrappedUnionType) {
        const first = (field.type as unknown as { types: avro.Type[] }).types[0];
        if (first.typeName !== 'null' || field.defaultValue() !== null) problems.push(`${where}: a nullable field is ["null", X] with "default": null`);
      }
    }
  }
  for (const binding of set.subjects.values()) {
    const type = set.typeOf(binding.record);
    if (!(type instanceof avro.types.RecordType) || !type.fields.some((f) => f.name === 'payload')) continue;
    const actual = type.fields.map((f) => `${f.name}:${envelopeKind(f.type, f)}`);
    const expected = ENVELOPE.map((f) => `${f.name}:${f.type}`);
    if (actual.slice(0, expected.length).join(',') !== expected.join(',')) {
      problems.push(
        `${set.files.get(binding.record)?.path}: an event topic's record starts with the envelope ${expected.join(', ')}; got ${actual.join(', ')}`,
      );
    }
  }
  return problems;
}

/** Visits a field type and anything anonymous inside it (not named types: those are visited from their file). */
function visitInline(type: avro.Type, visit: (type: avro.Type) => void): void {
  visit(type);
  if (type instanceof avro.types.WrappedUnionType || type instanceof avro.types.UnwrappedUnionType) {
    for (const branch of (type as unknown as { types: avro.Type[] }).types) if (!branch.name) visitInline(branch, visit);
  } else if (type instanceof avro.types.ArrayType) {
    if (!type.itemsType.name) visitInline(type.itemsType, visit);
  } else if (type instanceof avro.types.MapType) {
    const values = type.valuesType as avro.Type;
    if (!values.name) visitInline(values, visit);
  }
}
