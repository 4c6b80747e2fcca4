/**
 * Snapshots against the real PostgreSQL (and, for the worker, the real broker): a partition state above 300 MB
 * saved in bounded chunks and restored identically; chunks cut inside multi-byte characters; corrupt and partial
 * snapshots passed over; a failing snapshot that neither stops nor breaks the worker.
 */
import { createHash } from 'node:crypto';
import Big from 'big.js';
import { Kafka, Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { AvroCodec, CatalogSchemaRegistry } from '@billing/avro';
import { jsonStateCodec, openServiceDatabase, ServiceRuntime, SNAPSHOT_CHUNK_BYTES_MAX, SnapshotStore } from '@billing/runtime';
import { createTestTopics, readTopic, runId, testKafka } from '@billing/testing/kafka';
import { encodeSampleCommand, sampleServiceDefinition, sampleTopics } from '../sample/app/definition';

const codec = new AvroCodec(new CatalogSchemaRegistry());
const silent = { info: () => undefined, warn: () => undefined, error: (m: string, f?: object) => console.error(m, f) };

/** Metering-like aggregate state: the ids of every usage seen (the dedup set that broke one-row jsonb) and totals per meter. */
type DedupState = { status: 'active'; customerId: string; usedUnits: Big; seenUsageIds: Set<string>; unitsByMeter: Map<string, Big> };
const stateCodec = jsonStateCodec<DedupState>();

/** Deterministic 32 hex digits (an LCG), so the ids look like producer-made event ids without costing a hash each. */
function hex32(seed: number): string {
  let x = seed >>> 0;
  let out = '';
  for (let i = 0; i < 4; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out += x.toString(16).padStart(8, '0');
  }
  return out;
}

function dedupState(aggregate: number, ids: number): DedupState {
  const seenUsageIds = new Set<string>();
  for (let i = 0; i < ids; i++) seenUsageIds.add(`evt-${String(aggregate).padStart(5, '0')}-${String(i).padStart(6, '0')}-${hex32(aggregate * 1_000_003 + i)}`);
  return {
    status: 'active',
    customerId: `cust-${aggregate}`,
    usedUnits: new Big(`${ids}.000000000001`).times(aggregate + 1),
    seenUsageIds,
    unitsByMeter: new Map([['tokens', new Big(ids)], ['images', new Big(aggregate).div(7)]]),
  };
}

const digest = (state: DedupState) => createHash('sha256').update(JSON.stringify(stateCodec.toJSON(state))).digest('hex');
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

describe('snapshots (real PostgreSQL)', () => {
  const dataSources: DataSource[] = [];

  afterAll(async () => {
    for (const ds of dataSources) {
      await ds.query(`DROP SCHEMA IF EXISTS "${(ds.options as { schema?: string }).schema}" CASCADE`).catch(() => undefined);
      await ds.destroy().catch(() => undefined);
    }
  });

  async function database(name: string) {
    const ds = await openServiceDatabase(name);
    dataSources.push(ds);
    return ds;
  }

  it('saves a partition state above 300 MB in bounded chunks and restores it identically', async () => {
    const name = `snapshots_${runId()}`;
    const dataSource = await database(name);
    const store = new SnapshotStore(dataSource, name);
    const AGGREGATES = 3000;
    const IDS_PER_AGGREGATE = 2200;
    let states: Map<string, DedupState> | undefined = new Map();
    for (let a = 0; a < AGGREGATES; a++) states.set(`cust-${a}`, dedupState(a, IDS_PER_AGGREGATE));
    const digests = [...states].map(([key, state]) => [key, digest(state)]);

    let started = Date.now();
    const saved = await store.save({ partition: 3, ownOffset: '6600000', eventsApplied: '6600000' }, states, stateCodec);
    const saveMs = Date.now() - started;
    expect(saved.bytes).toBeGreaterThan(300 * 2 ** 20);
    expect(saved.aggregates).toBe(AGGREGATES);
    expect(saved.chunks).toBe(Math.ceil(saved.bytes / SNAPSHOT_CHUNK_BYTES_MAX));
    const [{ largest }] = await dataSource.query(`SELECT max(octet_length(bytes))::int AS largest FROM "${name}".snapshot_chunks`);
    expect(largest).toBeLessThanOrEqual(SNAPSHOT_CHUNK_BYTES_MAX);
    // Let the built state go before restoring: the restore must not need two copies to fit.
    states = undefined;

    started = Date.now();
    const { restored, skipped } = await store.restore(3, stateCodec, silent);
    const restoreMs = Date.now() - started;
    expect(skipped).toBe(0);
    expect(restored).toMatchObject({ partition: 3, ownOffset: '6600000', eventsApplied: '6600000', chunks: saved.chunks, bytes: saved.bytes });
    expect([...restored!.states].map(([key, state]) => [key, digest(state)])).toEqual(digests);
    const sample = restored!.states.get('cust-1234')!;
    expect(sample.seenUsageIds).toBeInstanceOf(Set);
    expect(sample.seenUsageIds.size).toBe(IDS_PER_AGGREGATE);
    expect(sample.seenUsageIds.has(`evt-01234-002199-${hex32(1234 * 1_000_003 + 2199)}`)).toBe(true);
    expect(sample.usedUnits.eq(new Big('2200.000000000001').times(1235))).toBe(true);

    const peakRss = process.resourceUsage().maxRSS * 1024;
    console.log(`snapshot of ${AGGREGATES} aggregates x ${IDS_PER_AGGREGATE} ids: ${saved.bytes} bytes (${mib(saved.bytes)}), ${saved.chunks} chunks of <= ${mib(SNAPSHOT_CHUNK_BYTES_MAX)}; `
      + `save ${saveMs} ms, restore ${restoreMs} ms, peak RSS ${mib(peakRss)}`);
  }, 600_000);

  it('reassembles aggregates cut across chunks, inside multi-byte characters', async () => {
    const name = `snapshots_${runId()}`;
    const store = new SnapshotStore(await database(name), name, { chunkBytesMax: 1024, restoreChunksPerQuery: 3 });
    const codec = jsonStateCodec<unknown>();
    const states = new Map<string, unknown>();
    for (let i = 0; i < 200; i++) {
      states.set(`kunde-é€😀-${i}`, { name: `Müller ${'😀€é'.repeat(i % 50)}`, owed: new Big(`${i}.5`), seen: new Set(Array.from({ length: i % 30 }, (_, j) => `ü${j}`)) });
    }
    states.set('one-large-aggregate', { blob: 'x€'.repeat(10_000) });
    const saved = await store.save({ partition: 0, ownOffset: '41', eventsApplied: '42' }, states, codec);
    expect(saved.chunks).toBeGreaterThan(20);
    const { restored } = await store.restore(0, codec, silent);
    expect(restored!.states).toEqual(states);
    expect([...restored!.states.keys()]).toEqual([...states.keys()]);
  });

  it('passes over a corrupt or partial snapshot for the one before it, and over all of them for a replay from offset 0', async () => {
    const name = `snapshots_${runId()}`;
    const dataSource = await database(name);
    const store = new SnapshotStore(dataSource, name, { chunkBytesMax: 1024 });
    const older = new Map([['a', dedupState(1, 100)]]);
    const newer = new Map([['a', dedupState(1, 150)], ['b', dedupState(2, 10)]]);
    const warnings: object[] = [];
    const logger = { warn: (_: string, fields?: object) => { warnings.push(fields ?? {}); } };
    await store.save({ partition: 1, ownOffset: '10', eventsApplied: '11' }, older, stateCodec);
    await store.save({ partition: 1, ownOffset: '20', eventsApplied: '21' }, newer, stateCodec);
    await store.save({ partition: 2, ownOffset: '5', eventsApplied: '6' }, older, stateCodec);
    expect((await store.restore(1, stateCodec, logger)).restored!.ownOffset).toBe('20');

    // Partial: a chunk of the newest is gone.
    await dataSource.query(`DELETE FROM "${name}".snapshot_chunks WHERE partition = 1 AND own_offset = 20 AND seq = 2`);
    const { restored: fallback, skipped } = await store.restore(1, stateCodec, logger);
    expect(skipped).toBe(1);
    expect(fallback).toMatchObject({ ownOffset: '10', eventsApplied: '11' });
    expect([...fallback!.states.keys()]).toEqual(['a']);
    expect(digest(fallback!.states.get('a')!)).toBe(digest(older.get('a')!));
    expect(warnings).toEqual([expect.objectContaining({ partition: 1, ownOffset: '20', error: expect.stringContaining('chunk 2 of') })]);

    // Corrupt: one flipped byte in the older one too. Nothing restores: the caller replays from 0.
    await dataSource.query(`UPDATE "${name}".snapshot_chunks SET bytes = set_byte(bytes, 7, get_byte(bytes, 7) # 1) WHERE partition = 1 AND own_offset = 10 AND seq = 0`);
    expect(await store.restore(1, stateCodec, logger)).toEqual({ restored: undefined, skipped: 2 });
    expect(warnings).toHaveLength(3);
    // Another partition's snapshots are untouched, and the newest two are all that is kept.
    expect((await store.restore(2, stateCodec, logger)).restored!.ownOffset).toBe('5');
    await store.save({ partition: 1, ownOffset: '30', eventsApplied: '31' }, older, stateCodec);
    const kept = await dataSource.query(`SELECT own_offset::text FROM "${name}".snapshot_headers WHERE partition = 1 ORDER BY own_offset`);
    expect(kept.map((r: { own_offset: string }) => r.own_offset)).toEqual(['20', '30']);
  });

  describe('in a running worker (real broker)', () => {
    let kafka: Kafka;
    let producer: Producer;

    beforeAll(async () => {
      kafka = testKafka('snapshots-it');
      producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
    });
    afterAll(async () => {
      await producer.disconnect();
    });

    async function freshSample(count: number) {
      const name = `sample_${runId()}`;
      const topics = sampleTopics(name);
      await createTestTopics(kafka, [{ name: topics.commands }, { name: topics.events }, { name: topics.deadLetters }, { name: topics.positions, compact: true }]);
      const messages = [];
      for (let i = 0; i < count; i++) {
        messages.push({ key: `acct-${i % 11}`, value: await encodeSampleCommand(codec, { accountId: `acct-${i % 11}`, commandId: `c${i}`, kind: 'Deposit', amount: new Big('1.5'), issuedAt: '2026-01-01T00:00:00.000Z' }) });
      }
      await producer.send({ topic: topics.commands, messages, acks: -1 });
      return { name, topics };
    }

    it('logs and counts a failing snapshot and goes on processing: no failed batch, no broken worker, no restart loop', async () => {
      const { name, topics } = await freshSample(600);
      const base = sampleServiceDefinition(codec, name, topics);
      let attempts = 0;
      const failing = {
        ...base,
        stateCodec: { ...base.stateCodec, toJSON: () => { attempts++; throw new RangeError('Invalid string length (test: a value too large)'); } },
      };
      const errors: { message: string; fields?: object }[] = [];
      const logger = { ...silent, error: (message: string, fields?: object) => { errors.push({ message, fields }); } };
      const runtime = new ServiceRuntime(failing, { kafka, dataSource: await database(name), logger, options: { snapshotEveryEvents: 50, batchRecordsMax: 100 } });
      await runtime.start();
      try {
        await runtime.waitUntilReady();
        await runtime.waitUntilCaughtUp();
        expect(await readTopic(kafka, topics.events)).toHaveLength(600);
        expect(attempts).toBeGreaterThan(1);
        expect(errors.map((e) => e.message)).toEqual(errors.map(() => 'snapshot failed; retrying at the next threshold'));
        expect(errors[0].fields).toMatchObject({ error: 'Invalid string length (test: a value too large)' });
        expect(await runtime.isReady()).toBe(true);
        for (const p of runtime.assignedPartitions()) expect(runtime.worker(p)!.isBroken).toBe(false);
      } finally {
        await runtime.stop();
      }
    });

    it('restarts from a snapshot, and from the log when its snapshots are corrupt', async () => {
      const { name, topics } = await freshSample(600);
      const definition = sampleServiceDefinition(codec, name, topics);
      const dataSource = await database(name);
      const run = async () => {
        const runtime = new ServiceRuntime(definition, { kafka, dataSource, logger: silent, options: { snapshotEveryEvents: 40, batchRecordsMax: 50 } });
        await runtime.start();
        await runtime.waitUntilReady();
        await runtime.waitUntilCaughtUp();
        const states: Record<string, unknown> = {};
        const restores = [];
        for (const p of runtime.assignedPartitions()) {
          restores.push(runtime.worker(p)!.lastRestore!);
          for (const key of runtime.worker(p)!.aggregateKeys()) states[key] = definition.stateCodec.toJSON(runtime.worker(p)!.stateOf(key)!);
        }
        await runtime.stop();
        return { states, restores };
      };
      const first = await run();
      const second = await run();
      expect(second.states).toEqual(first.states);
      expect(second.restores.filter((r) => r.fromSnapshotOffset !== null).length).toBeGreaterThan(0);
      expect(second.restores.reduce((n, r) => n + r.eventsReplayed, 0)).toBeLessThan(600);

      await dataSource.query(`UPDATE "${name}".snapshot_chunks SET bytes = set_byte(bytes, 0, 0)`);
      const third = await run();
      expect(third.states).toEqual(first.states);
      expect(third.restores.every((r) => r.fromSnapshotOffset === null)).toBe(true);
      expect(third.restores.reduce((n, r) => n + r.snapshotsSkipped, 0)).toBeGreaterThan(0);
      expect(third.restores.reduce((n, r) => n + r.eventsReplayed, 0)).toBe(600);
    });
  });
});
