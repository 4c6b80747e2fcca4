import Big from 'big.js';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCatalog, readFrozenType } from './catalog';
import { AvroCodec, frame, unframe, unionBranch, wrapBranch } from './codec';
import { DecimalOutOfRange, SchemaConfigurationError, UndecodableRecord } from './errors';
import { CatalogSchemaRegistry } from './registry';
import { SAMPLE_DECIMAL_WIDEST } from './sample-value';
import { loadSchemas, SchemaSet } from './schema-set';
import { generateSchemas } from './tooling';

// The committed schemas/ and catalog (read-only here).
const codec = new AvroCodec(new CatalogSchemaRegistry(loadSchemas()));
const COMMANDS = 'sample.commands.v1-value';

const command = {
  accountId: 'acct-1',
  commandId: 'cmd-1',
  kind: 'Deposit',
  amount: new Big(SAMPLE_DECIMAL_WIDEST),
  issuedAt: '2026-01-23T10:00:00.000Z',
};

async function expectUndecodable(buffer: Buffer, reasonCode: string, subject?: string): Promise<UndecodableRecord> {
  try {
    await codec.decode(buffer, subject);
  } catch (error) {
    expect(error).toBeInstanceOf(UndecodableRecord);
    expect((error as UndecodableRecord).reasonCode).toBe(reasonCode);
    return error as UndecodableRecord;
  }
  throw new Error(`expected UndecodableRecord ${reasonCode}`);
}

describe('Confluent framing', () => {
  it('writes magic byte 0 and the 4-byte big-endian schema id before the body', () => {
    const framed = frame(0x01020304, Buffer.from([0xaa]));
    expect([...framed]).toEqual([0, 1, 2, 3, 4, 0xaa]);
    expect(unframe(framed)).toEqual({ schemaId: 0x01020304, body: Buffer.from([0xaa]) });
  });

  it('encodes with the subject’s catalog id and decodes back exactly', async () => {
    const encoded = await codec.encode(COMMANDS, command);
    const expectedId = readCatalog(loadSchemas().dir).subjects[COMMANDS].versions.at(-1)!.id;
    expect(encoded[0]).toBe(0);
    expect(encoded.readUInt32BE(1)).toBe(expectedId);
    const decoded = await codec.decode<typeof command>(encoded, COMMANDS);
    expect(decoded.schemaId).toBe(expectedId);
    expect(decoded.subject).toBe(COMMANDS);
    expect(decoded.value.amount.eq(command.amount)).toBe(true);
    expect({ ...decoded.value, amount: decoded.value.amount.toFixed() }).toEqual({ ...command, amount: command.amount.toFixed() });
  });

  it('finds the subject from the schema id when the caller does not name one', async () => {
    const decoded = await codec.decode(await codec.encodeForTopic('sample.commands.v1', command));
    expect(decoded.subject).toBe(COMMANDS);
  });

  it('rejects an out-of-range decimal at encode with a typed error', async () => {
    await expect(codec.encode(COMMANDS, { ...command, amount: new Big('0.0000000000001') })).rejects.toThrow(DecimalOutOfRange);
  });

  it('refuses to encode a subject with no schema', async () => {
    await expect(codec.encode('nobody.v1-value', {})).rejects.toThrow(SchemaConfigurationError);
  });

  it('decodes wrapped payload unions by full name', async () => {
    const event = {
      eventId: 'e-1',
      eventType: 'Withdrawn',
      occurredAt: '2026-01-23T10:00:00.000Z',
      recordedAt: '2026-01-23T10:00:01.000Z',
      causationId: 'cmd-1',
      correlationId: null,
      schemaVersion: 1,
      customerId: 'acct-1',
      payload: wrapBranch('billing.sample.Withdrawn', { accountId: 'acct-1', commandId: 'cmd-1', amount: new Big('-1.5'), balance: new Big('0.000000000001') }),
    };
    const decoded = await codec.decode<typeof event>(await codec.encode('sample.events.v1-value', event));
    const branch = unionBranch(decoded.value.payload);
    expect(branch.fullName).toBe('billing.sample.Withdrawn');
    expect(branch.shortName).toBe('Withdrawn');
    expect(branch.value.balance.eq(new Big('0.000000000001'))).toBe(true);
  });
});

describe('UndecodableRecord for bytes that are not a record', () => {
  it('BAD_MAGIC_BYTE for a wrong first byte', async () => {
    const encoded = await codec.encode(COMMANDS, command);
    encoded[0] = 1;
    await expectUndecodable(encoded, 'BAD_MAGIC_BYTE');
    await expectUndecodable(Buffer.from('{"json":"not avro"}'), 'BAD_MAGIC_BYTE');
  });

  it('MALFORMED_AVRO for an empty value or one shorter than the header', async () => {
    await expectUndecodable(Buffer.alloc(0), 'MALFORMED_AVRO');
    await expectUndecodable(Buffer.from([0, 0, 0]), 'MALFORMED_AVRO');
  });

  it('UNKNOWN_SCHEMA_ID for an id the catalog does not hold', async () => {
    const error = await expectUndecodable(frame(0x7ffffff0, Buffer.from([0])), 'UNKNOWN_SCHEMA_ID');
    expect(error.details.schemaId).toBe(String(0x7ffffff0));
  });

  it('MALFORMED_AVRO for a truncated body', async () => {
    const encoded = await codec.encode(COMMANDS, command);
    for (const cut of [1, 5, encoded.length - 6]) {
      await expectUndecodable(encoded.subarray(0, encoded.length - cut), 'MALFORMED_AVRO', COMMANDS);
    }
  });

  it('MALFORMED_AVRO for trailing bytes after a valid body', async () => {
    const encoded = await codec.encode(COMMANDS, command);
    await expectUndecodable(Buffer.concat([encoded, Buffer.from([0])]), 'MALFORMED_AVRO', COMMANDS);
  });

  it('MALFORMED_AVRO for an enum index out of range', async () => {
    const encoded = await codec.encode(COMMANDS, command);
    // accountId "acct-1" (1 + 6 bytes) and commandId "cmd-1" (1 + 5 bytes) precede the kind at body byte 13.
    const kindAt = 5 + 7 + 6;
    expect(encoded[kindAt]).toBe(0); // Deposit
    encoded[kindAt] = 2 * 9; // zig-zag 9: no such symbol
    await expectUndecodable(encoded, 'MALFORMED_AVRO', COMMANDS);
  });

  it('MALFORMED_AVRO, quickly, for a garbage block count that would make avsc loop for minutes', async () => {
    const deadLetterId = readCatalog(loadSchemas().dir).subjects['sample.dlq.v1-value'].versions.at(-1)!.id;
    // topic "t", partition 0, offset 0, key null, value empty, then a headers array claiming 2^31 items.
    const body = Buffer.from([2, 0x74, 0, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff, 0x0f]);
    const started = process.hrtime.bigint();
    await expectUndecodable(frame(deadLetterId, body), 'MALFORMED_AVRO', 'sample.dlq.v1-value');
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(1_000);
  });

  it('never throws anything else on random bytes behind a valid header', async () => {
    const id = (await codec.encode(COMMANDS, command)).readUInt32BE(1);
    let seed = 42;
    const nextByte = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) & 0xff; // deterministic garbage
    for (let i = 0; i < 300; i += 1) {
      const body = Buffer.from(Array.from({ length: 1 + (i % 40) }, nextByte));
      try {
        await codec.decode(frame(id, body), COMMANDS);
      } catch (error) {
        expect(error).toBeInstanceOf(UndecodableRecord);
      }
    }
  });

  it('UNKNOWN_SCHEMA_ID when the id belongs to a subject that cannot be read as the expected one', async () => {
    const tick = await codec.encode('platform.clock.v1-value', { tickId: 't-1', at: '2026-02-01T00:00:00.000Z', mode: 'Simulated' });
    await expectUndecodable(tick, 'UNKNOWN_SCHEMA_ID', COMMANDS);
  });
});

describe('decoding historical writer schemas', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads data written with v1 into the current v2 schema (added field takes its default, renamed field its alias)', async () => {
    dir = mkdtempSync(join(tmpdir(), 'avro-history-'));
    mkdirSync(join(dir, 'ledger'));
    writeFileSync(join(dir, 'topics.json'), JSON.stringify({ topics: [{ name: 'ledger.postings.v1' }] }));
    const v1 = {
      type: 'record',
      name: 'Posting',
      namespace: 'billing.ledger',
      topics: ['ledger.postings.v1'],
      fields: [
        { name: 'account', type: 'string' },
        { name: 'amount', type: { type: 'bytes', logicalType: 'decimal', precision: 38, scale: 12 } },
      ],
    };
    writeFileSync(join(dir, 'ledger/Posting.avsc'), JSON.stringify(v1));
    expect(generateSchemas(dir, { committed: { kind: 'no-git' } }).problems).toEqual([]);
    const writtenWithV1 = await new AvroCodec(new CatalogSchemaRegistry(SchemaSet.load(dir))).encode('ledger.postings.v1-value', {
      account: 'acct-9',
      amount: new Big('-12345678901234567890123456.123456789012'),
    });

    const v2 = {
      ...v1,
      fields: [
        { name: 'accountId', aliases: ['account'], type: 'string' },
        v1.fields[1],
        { name: 'memo', type: ['null', 'string'], default: null },
      ],
    };
    writeFileSync(join(dir, 'ledger/Posting.avsc'), JSON.stringify(v2));
    expect(generateSchemas(dir, { committed: { kind: 'no-git' } }).problems).toEqual([]);
    const catalog = readCatalog(dir);
    expect(catalog.subjects['ledger.postings.v1-value'].versions.map((v) => v.id)).toEqual([1, 2]);
    expect(JSON.stringify(readFrozenType(dir, catalog.subjects['ledger.postings.v1-value'].versions[0]).schema())).toContain('"account"');

    const current = new AvroCodec(new CatalogSchemaRegistry(SchemaSet.load(dir)));
    const decoded = await current.decode<{ accountId: string; amount: Big; memo: string | null }>(writtenWithV1, 'ledger.postings.v1-value');
    expect(decoded.schemaId).toBe(1);
    expect(decoded.value.accountId).toBe('acct-9');
    expect(decoded.value.memo).toBeNull();
    expect(decoded.value.amount.eq(new Big('-12345678901234567890123456.123456789012'))).toBe(true);
    expect((await current.encode('ledger.postings.v1-value', { ...decoded.value, memo: 'x' })).readUInt32BE(1)).toBe(2);
  });

  it('refuses to encode when the .avsc moved past the catalog (no new bytes under an old id)', async () => {
    dir = mkdtempSync(join(tmpdir(), 'avro-stale-'));
    mkdirSync(join(dir, 'ledger'));
    writeFileSync(join(dir, 'topics.json'), JSON.stringify({ topics: [{ name: 'ledger.postings.v1' }] }));
    const schema = { type: 'record', name: 'Posting', namespace: 'billing.ledger', topics: ['ledger.postings.v1'], fields: [{ name: 'account', type: 'string' }] };
    writeFileSync(join(dir, 'ledger/Posting.avsc'), JSON.stringify(schema));
    generateSchemas(dir, { committed: { kind: 'no-git' } });
    const path = join(dir, 'ledger/Posting.avsc');
    writeFileSync(path, readFileSync(path, 'utf8').replace(']}', ',{"name":"memo","type":"string","default":""}]}'));
    const stale = new AvroCodec(new CatalogSchemaRegistry(SchemaSet.load(dir)));
    await expect(stale.encode('ledger.postings.v1-value', { account: 'a', memo: '' })).rejects.toThrow(/run npm run schemas:generate/);
  });
});
