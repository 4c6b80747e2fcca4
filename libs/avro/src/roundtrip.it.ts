// Every topic subject of schemas/catalog.json, through the real broker: a sample value (38-digit decimals wherever
// a decimal occurs, every union branch covered) is encoded with Confluent framing, produced, consumed back and
// decoded to a deep-equal value (Big compared with .eq). Malformed bytes come back as UndecodableRecord.
import { randomUUID } from 'node:crypto';
import { Consumer, Kafka, Producer } from 'kafkajs';
import { kafkaConfigFromEnv } from '../../kafka/src/config';
import { readCatalog } from './catalog';
import { AvroCodec, frame } from './codec';
import { UndecodableRecord } from './errors';
import { CatalogSchemaRegistry, HttpSchemaRegistry, SchemaRegistry } from './registry';
import { firstDifference, sampleValue, sampleVariantCount } from './sample-value';
import { loadSchemas } from './schema-set';

const RUN_HEADER = 'x-avro-roundtrip-run';
const CONSUME_TIMEOUT_MS = 60_000;

interface Produced {
  readonly topic: string;
  readonly subject: string;
  readonly partition: number;
  readonly offset: string;
  readonly value: unknown;
  readonly bytes: Buffer;
}

interface Consumed {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly bytes: Buffer;
}

const schemas = loadSchemas();
const catalog = readCatalog(schemas.dir);
const subjects = Object.keys(catalog.subjects).filter((subject) => schemas.subjects.has(subject)).sort();
const kafka = new Kafka(kafkaConfigFromEnv('avro-roundtrip-it'));

/** Produces every record, then reads each (topic, partition, offset) back from a fresh consumer group. */
async function produceAndConsume(records: Array<{ topic: string; subject: string; value: unknown; bytes: Buffer }>, runId: string): Promise<{ produced: Produced[]; consumed: Map<string, Consumed> }> {
  const producer: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  await producer.connect();
  const produced: Produced[] = [];
  try {
    for (const record of records) {
      const [metadata] = await producer.send({
        topic: record.topic,
        acks: -1,
        messages: [{ key: `roundtrip-${runId}`, value: record.bytes, headers: { [RUN_HEADER]: runId } }],
      });
      produced.push({ ...record, partition: metadata.partition, offset: metadata.baseOffset ?? metadata.offset ?? '' });
    }
  } finally {
    await producer.disconnect();
  }

  const wanted = new Set(produced.map((p) => `${p.topic}/${p.partition}/${p.offset}`));
  const consumed = new Map<string, Consumed>();
  const consumer: Consumer = kafka.consumer({ groupId: `avro-roundtrip-${runId}`, allowAutoTopicCreation: false, readUncommitted: false });
  await consumer.connect();
  try {
    const topics = [...new Set(produced.map((p) => p.topic))];
    await consumer.subscribe({ topics, fromBeginning: true });
    let done: () => void = () => undefined;
    const allSeen = new Promise<void>((resolve) => (done = resolve));
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => {
        const key = `${topic}/${partition}/${message.offset}`;
        if (!wanted.has(key) || message.headers?.[RUN_HEADER]?.toString() !== runId || !message.value) return;
        consumed.set(key, { topic, partition, offset: message.offset, bytes: message.value });
        if (consumed.size === wanted.size) done();
      },
    });
    // Skip whatever others wrote before: start each partition we wrote to at our first offset there.
    const firstOffsets = new Map<string, Produced>();
    for (const p of produced) {
      const key = `${p.topic}/${p.partition}`;
      const first = firstOffsets.get(key);
      if (!first || BigInt(p.offset) < BigInt(first.offset)) firstOffsets.set(key, p);
    }
    for (const p of firstOffsets.values()) consumer.seek({ topic: p.topic, partition: p.partition, offset: p.offset });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      allSeen,
      new Promise<void>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`consumed ${consumed.size} of ${wanted.size} records in ${CONSUME_TIMEOUT_MS} ms`)), CONSUME_TIMEOUT_MS);
      }),
    ]).finally(() => clearTimeout(timer));
  } finally {
    await consumer.disconnect();
  }
  return { produced, consumed };
}

async function roundTripEverySubject(registry: SchemaRegistry): Promise<void> {
  const codec = new AvroCodec(registry);
  const runId = randomUUID();
  const records: Array<{ topic: string; subject: string; value: unknown; bytes: Buffer }> = [];
  for (const subject of subjects) {
    const type = schemas.typeForSubject(subject);
    const topic = schemas.subjects.get(subject)!.topic;
    for (let variant = 0; variant < sampleVariantCount(type); variant += 1) {
      const value = sampleValue(type, { variant });
      records.push({ topic, subject, value, bytes: await codec.encode(subject, value) });
    }
  }

  const { produced, consumed } = await produceAndConsume(records, runId);

  const failures: string[] = [];
  for (const record of produced) {
    const back = consumed.get(`${record.topic}/${record.partition}/${record.offset}`)!;
    expect(back.bytes.equals(record.bytes)).toBe(true);
    const decoded = await codec.decode(back.bytes, record.subject);
    expect(decoded.schemaId).toBe(await registry.idForSubject(record.subject));
    const difference = firstDifference(record.value, decoded.value);
    if (difference) failures.push(`${record.subject}: ${difference}`);
  }
  expect(failures).toEqual([]);
}

describe('Avro round trip through the broker', () => {
  it('has topic subjects to check', () => {
    expect(subjects.length).toBeGreaterThan(0);
    expect(subjects).toEqual(expect.arrayContaining(['sample.events.v1-value', 'platform.clock.v1-value', 'metering.dlq.v1-value']));
  });

  it('encodes, produces, consumes and decodes a sample of every subject exactly (catalog ids)', async () => {
    await roundTripEverySubject(new CatalogSchemaRegistry(schemas, catalog));
  });

  it('decodes malformed payloads from the broker as UndecodableRecord, never a crash', async () => {
    const codec = new AvroCodec(new CatalogSchemaRegistry(schemas, catalog));
    const runId = randomUUID();
    const commandsId = catalog.subjects['sample.commands.v1-value'].versions.at(-1)!.id;
    const malformed: Array<[Buffer, string]> = [
      [Buffer.from('{"accountId":"a","amount":1.5}'), 'BAD_MAGIC_BYTE'],
      [Buffer.from([0, 0]), 'MALFORMED_AVRO'],
      [frame(0x7ffffff0, Buffer.from([2, 0x61])), 'UNKNOWN_SCHEMA_ID'],
      [frame(commandsId, Buffer.from([0x02, 0x61, 0x02])), 'MALFORMED_AVRO'], // truncated body
      [Buffer.concat([await codec.encode('sample.commands.v1-value', sampleValue(schemas.typeForSubject('sample.commands.v1-value'))), Buffer.from([7])]), 'MALFORMED_AVRO'], // trailing byte
    ];
    const { produced, consumed } = await produceAndConsume(
      malformed.map(([bytes]) => ({ topic: 'sample.commands.v1', subject: 'sample.commands.v1-value', value: undefined, bytes })),
      runId,
    );
    for (let i = 0; i < produced.length; i += 1) {
      const back = consumed.get(`${produced[i].topic}/${produced[i].partition}/${produced[i].offset}`)!;
      const outcome = await codec.decode(back.bytes, 'sample.commands.v1-value').then(
        () => 'decoded',
        (error: unknown) => (error instanceof UndecodableRecord ? error.reasonCode : `other error: ${String(error)}`),
      );
      expect(outcome).toBe(malformed[i][1]);
    }
  });

  const registryUrl = process.env.SCHEMA_REGISTRY_URL;
  (registryUrl ? it : it.skip)('round-trips every subject through the Confluent-compatible registry at SCHEMA_REGISTRY_URL', async () => {
    await roundTripEverySubject(new HttpSchemaRegistry({ url: registryUrl!, autoRegister: true, requestTimeoutMs: 10_000 }, schemas));
  });
});
