import * as avro from 'avsc';

/** More items than this in one array or map of a record is garbage, not data. */
export const COLLECTION_ITEMS_MAX = 1_000_000;

class Truncated extends Error {}

/**
 * Walks `type` over `body` without building values and returns why the bytes cannot be a value of that type
 * (or undefined when they can). avsc trusts block counts and lengths: a garbage count of 4 billion makes it loop
 * for minutes, so every length and count is bounded by the bytes left before avsc decodes anything.
 */
export function scanProblem(type: avro.Type, body: Buffer): string | undefined {
  const cursor = { pos: 0 };
  try {
    scan(type, body, cursor);
  } catch (error) {
    return error instanceof Truncated ? `truncated body: ${error.message}` : (error as Error).message;
  }
  if (cursor.pos !== body.length) return `${body.length - cursor.pos} trailing bytes after the value`;
  return undefined;
}

function readLong(body: Buffer, cursor: { pos: number }): number {
  let result = 0;
  let multiplier = 1;
  for (let shift = 0; shift < 10; shift += 1) {
    if (cursor.pos >= body.length) throw new Truncated(`varint runs past byte ${body.length}`);
    const byte = body[cursor.pos++];
    result += (byte & 0x7f) * multiplier;
    multiplier *= 128;
    if ((byte & 0x80) === 0) return result % 2 === 0 ? result / 2 : -(result + 1) / 2; // zigzag
  }
  throw new Error('varint longer than 10 bytes');
}

function take(body: Buffer, cursor: { pos: number }, length: number, what: string): void {
  if (length < 0) throw new Error(`negative ${what} length ${length}`);
  if (cursor.pos + length > body.length) throw new Truncated(`${what} of ${length} bytes at byte ${cursor.pos} runs past byte ${body.length}`);
  cursor.pos += length;
}

function branchesOf(type: avro.Type): avro.Type[] {
  return (type as unknown as { types: avro.Type[] }).types;
}

function scan(type: avro.Type, body: Buffer, cursor: { pos: number }): void {
  if (type instanceof avro.types.LogicalType) return scan(type.underlyingType, body, cursor);
  switch (type.typeName) {
    case 'null':
      return;
    case 'boolean': {
      take(body, cursor, 1, 'boolean');
      const byte = body[cursor.pos - 1];
      if (byte > 1) throw new Error(`boolean byte ${byte}`);
      return;
    }
    case 'int':
    case 'long':
    case 'abstract:long':
      readLong(body, cursor);
      return;
    case 'float':
      take(body, cursor, 4, 'float');
      return;
    case 'double':
      take(body, cursor, 8, 'double');
      return;
    case 'bytes':
    case 'string':
      take(body, cursor, readLong(body, cursor), type.typeName);
      return;
    case 'fixed':
      take(body, cursor, (type as avro.types.FixedType).size, 'fixed');
      return;
    case 'enum': {
      const index = readLong(body, cursor);
      const symbols = (type as unknown as { symbols: string[] }).symbols;
      if (index < 0 || index >= symbols.length) throw new Error(`enum ${type.name} index ${index} out of ${symbols.length} symbols`);
      return;
    }
    case 'union:wrapped':
    case 'union:unwrapped': {
      const branches = branchesOf(type);
      const index = readLong(body, cursor);
      if (index < 0 || index >= branches.length) throw new Error(`union index ${index} out of ${branches.length} branches`);
      scan(branches[index], body, cursor);
      return;
    }
    case 'record':
    case 'error':
      for (const field of (type as avro.types.RecordType).fields) scan(field.type, body, cursor);
      return;
    case 'array':
    case 'map': {
      const items = type.typeName === 'array' ? (type as avro.types.ArrayType).itemsType : ((type as avro.types.MapType).valuesType as avro.Type);
      let total = 0;
      for (;;) {
        let count = readLong(body, cursor);
        if (count === 0) return;
        if (count < 0) {
          count = -count;
          readLong(body, cursor); // block size in bytes
        }
        total += count;
        // Every map entry has a key (>= 1 byte); array items may be zero-width (null), so only the cap bounds them.
        if (total > COLLECTION_ITEMS_MAX || (type.typeName === 'map' && count > body.length - cursor.pos)) {
          throw new Error(`${type.typeName} block of ${count} items cannot fit in ${body.length - cursor.pos} bytes`);
        }
        for (let i = 0; i < count; i += 1) {
          if (type.typeName === 'map') take(body, cursor, readLong(body, cursor), 'map key');
          scan(items, body, cursor);
        }
      }
    }
    default:
      throw new Error(`cannot scan avro type ${type.typeName}`);
  }
}
