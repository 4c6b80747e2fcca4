import { createResolver } from './resolver';
import { parseSchema } from './schema-set';

// Two unions over the same pair of records: avsc 5.7's own createResolver caches the failed A-from-B attempt of
// the first union and reuses it in the second.
const schema = {
  type: 'record',
  name: 'Holder',
  namespace: 'billing.test',
  fields: [
    {
      name: 'first',
      type: [
        { type: 'record', name: 'A', fields: [{ name: 'a', type: 'string' }] },
        { type: 'record', name: 'B', fields: [{ name: 'b', type: 'long' }] },
      ],
    },
    { name: 'second', type: ['billing.test.A', 'billing.test.B'] },
  ],
};

describe('createResolver', () => {
  it('resolves a writer whose unions repeat the same records', () => {
    const reader = parseSchema(schema);
    const writer = parseSchema(schema);
    const value = { first: { 'billing.test.B': { b: 7 } }, second: { 'billing.test.B': { b: -9 } } };
    const decoded = reader.fromBuffer(writer.toBuffer(value), createResolver(reader, writer));
    expect(JSON.parse(JSON.stringify(decoded))).toEqual(value);
  });

  it('still refuses what cannot be resolved', () => {
    const reader = parseSchema({ type: 'record', name: 'X', fields: [{ name: 'x', type: 'string' }] });
    const writer = parseSchema({ type: 'record', name: 'X', fields: [{ name: 'x', type: 'boolean' }] });
    expect(() => createResolver(reader, writer)).toThrow(/cannot read/);
  });
});
