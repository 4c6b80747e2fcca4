import { TestSchemaRegistry } from '@billing/testing/kafka';
import { SchemaConfigurationError, SchemaRegistryUnavailable, UndecodableRecord } from './errors';
import { HttpSchemaRegistry } from './registry';

/** HttpSchemaRegistry against a Confluent-compatible registry: what is the record's fault and what is not. */
describe('HttpSchemaRegistry (against the test registry over HTTP)', () => {
  const registry = new TestSchemaRegistry();
  beforeAll(() => registry.start());
  afterAll(() => registry.stop());
  const client = (path = '') => new HttpSchemaRegistry({ url: `${registry.url}${path}`, autoRegister: false, requestTimeoutMs: 2_000 });

  it('reads a writer schema by id and finds the current id of a subject', async () => {
    const http = client();
    expect((await http.writerForId(17)).subject).toBe('sample.commands.v1-value');
    expect(await http.idForSubject('sample.commands.v1-value')).toBe(17);
    expect(await http.latestVersion('sample.commands.v1-value')).toBe(1);
  });

  it('calls an id the registry answers "schema not found" (40403) for UNKNOWN_SCHEMA_ID', async () => {
    const error = await client().writerForId(987_654).catch((e) => e);
    expect(error).toBeInstanceOf(UndecodableRecord);
    expect(error.reasonCode).toBe('UNKNOWN_SCHEMA_ID');
  });

  it('calls a bare 404 (a wrong URL) a configuration error, not an unknown id', async () => {
    await expect(client('/not-a-registry').writerForId(17)).rejects.toBeInstanceOf(SchemaConfigurationError);
  });

  it('calls a registry that cannot be reached unavailable, and asks again once it is back', async () => {
    const http = client();
    await registry.stop();
    try {
      const error = await http.writerForId(18).catch((e) => e);
      expect(error).toBeInstanceOf(SchemaRegistryUnavailable);
      expect(error).not.toBeInstanceOf(UndecodableRecord);
      await expect(http.idForSubject('sample.dlq.v1-value')).rejects.toBeInstanceOf(SchemaRegistryUnavailable);
    } finally {
      await registry.start();
    }
    expect((await http.writerForId(18)).subject).toBe('sample.dlq.v1-value');
  });
});
