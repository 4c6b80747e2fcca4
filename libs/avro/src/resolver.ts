import * as avro from 'avsc';

/**
 * reader.createResolver(writer), working around an avsc 5.7 defect: a union tries each branch in turn and a failed
 * record-to-record attempt stays cached (unfrozen, without a read function) under `reader:writer`; the next union
 * holding the same pair reuses it and reading fails with "typeResolver._read is not a function". Serving only
 * finished (frozen) resolvers from the cache avoids it. That cache exists for recursive schemas, which
 * schemas/ forbids (the loader rejects reference cycles).
 */
export function createResolver(reader: avro.Type, writer: avro.Type): avro.Resolver {
  const finished = new Proxy<Record<string, unknown>>(
    {},
    {
      get(target, key) {
        const cached = target[key as string];
        return cached !== undefined && Object.isFrozen(cached) ? cached : undefined;
      },
    },
  );
  return reader.createResolver(writer, { registry: finished } as unknown as Parameters<avro.Type['createResolver']>[1]);
}
