import Big from 'big.js';
import { Kafka, Producer } from 'kafkajs';
import { AvroCodec, CatalogSchemaRegistry } from '@billing/avro';
import { InvariantViolation, ProjectionRunner, ServiceRuntime } from '@billing/runtime';
import { createTestTopics, readTopic, runId } from '@billing/testing/kafka';
import { Account } from '../sample/domain/account';
import { encodeSampleCommand, SampleCommandWire, sampleServiceDefinition, sampleTopics } from '../sample/app/definition';
import { sampleBalancesProjection } from '../sample/app/projection';
import { brokerTestSetup, deposit } from './broker-setup';

const codec = new AvroCodec(new CatalogSchemaRegistry());
const silent = { info: () => undefined, warn: () => undefined, error: (m: string, f?: object) => console.error(m, f) };

async function freshSample(kafka: Kafka) {
  const name = `sample_${runId()}`;
  const topics = sampleTopics(name);
  await createTestTopics(kafka, [
    { name: topics.commands }, { name: topics.events }, { name: topics.deadLetters }, { name: topics.positions, compact: true },
  ]);
  return { name, topics };
}

async function produceCommands(producer: Producer, topic: string, commands: SampleCommandWire[]): Promise<void> {
  const messages = await Promise.all(commands.map(async (c) => ({ key: c.accountId, value: await encodeSampleCommand(codec, c) })));
  for (let i = 0; i < messages.length; i += 1000) await producer.send({ topic, messages: messages.slice(i, i + 1000), acks: -1 });
}

describe('event-sourced runtime (real broker and PostgreSQL)', () => {
  let kafka: Kafka;
  let producer: Producer;
  const { database } = brokerTestSetup('runtime-it', (k, p) => { kafka = k; producer = p; });

  it('sends a poison record and undecodable bytes to the dead-letter topic with their reason, and processes the records after them', async () => {
    const { name, topics } = await freshSample(kafka);
    const commands: SampleCommandWire[] = [];
    for (let i = 0; i < 10; i++) commands.push(i === 4 ? { ...deposit('acct-1', `c${i}`, '1'), kind: 'Poison' } : deposit('acct-1', `c${i}`, '1.5'));
    await produceCommands(producer, topics.commands, commands.slice(0, 6));
    await producer.send({ topic: topics.commands, messages: [{ key: 'acct-1', value: Buffer.from('not avro at all') }] });
    await produceCommands(producer, topics.commands, commands.slice(6));

    const runtime = new ServiceRuntime(sampleServiceDefinition(codec, name, topics), { kafka, dataSource: await database(name), logger: silent });
    await runtime.start();
    try {
      await runtime.waitUntilReady();
      await runtime.waitUntilCaughtUp();
      const events = await readTopic(kafka, topics.events);
      expect(events).toHaveLength(9);
      const letters = await Promise.all((await readTopic(kafka, topics.deadLetters)).map((m) => sampleServiceDefinition(codec, name, topics).deadLetterCodec.decode(m.value!)));
      expect(letters.map((l) => l.reasonCode).sort()).toEqual(['BAD_MAGIC_BYTE', 'POISON_RECORD']);
      const garbage = letters.find((l) => l.reasonCode === 'BAD_MAGIC_BYTE')!;
      expect(garbage.originalValue.toString()).toBe('not avro at all');
      expect(garbage.originalTopic).toBe(topics.commands);
      expect(garbage.originalOffset).toBe('6');
      const partition = runtime.assignedPartitions().find((p) => runtime.worker(p)?.stateOf('acct-1'))!;
      const state = runtime.worker(partition)!.stateOf('acct-1') as Extract<Account, { status: 'open' }>;
      expect(state.balance.toString()).toBe('13.5'); // 9 deposits of 1.5: the poison and the garbage changed nothing
    } finally {
      await runtime.stop();
    }
  });

  it('carries the W3C trace context from an input record to the events it causes', async () => {
    const { name, topics } = await freshSample(kafka);
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    await producer.send({
      topic: topics.commands,
      messages: [{ key: 'acct-t', value: await encodeSampleCommand(codec, deposit('acct-t', 'c-trace', '5')), headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` } }],
    });
    const runtime = new ServiceRuntime(sampleServiceDefinition(codec, name, topics), { kafka, dataSource: await database(name), logger: silent });
    await runtime.start();
    try {
      await runtime.waitUntilReady();
      await runtime.waitUntilCaughtUp();
    } finally {
      await runtime.stop();
    }
    const [event] = await readTopic(kafka, topics.events);
    expect(event.headers?.traceparent?.toString()).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    expect(event.headers?.['billing-causation']?.toString()).toBe(`${topics.commands}:${event.partition}:0`);
  });

  it('stops on a broken invariant instead of appending, and appends nothing for that slice', async () => {
    const { name, topics } = await freshSample(kafka);
    await produceCommands(producer, topics.commands, [deposit('acct-x', 'ok-1', '1'), deposit('acct-x', 'breaks-books', '2')]);
    const base = sampleServiceDefinition(codec, name, topics);
    const definition = {
      ...base,
      decider: {
        ...base.decider,
        decide: (command: Parameters<typeof base.decider.decide>[0], state: Parameters<typeof base.decider.decide>[1]) => {
          if (command.commandId === 'breaks-books') throw new InvariantViolation('debits differ from credits (test)');
          return base.decider.decide(command, state);
        },
      },
    };
    const fatal: Error[] = [];
    const runtime = new ServiceRuntime(definition, { kafka, dataSource: await database(name), logger: silent, onFatal: (error) => { fatal.push(error); } });
    await runtime.start();
    try {
      // No waitUntilReady: the first slice may break before readiness is observed.
      const deadline = Date.now() + 60_000;
      while (fatal.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    } finally {
      await runtime.stop();
    }
    expect(fatal[0]).toBeInstanceOf(InvariantViolation);
    // Both commands were in one slice: the transaction never happened, so not even the good one was appended.
    expect(await readTopic(kafka, topics.events)).toHaveLength(0);
    expect(await readTopic(kafka, topics.deadLetters)).toHaveLength(0);
  });

  it('retries a failed rebuild by itself, without waiting for new input', async () => {
    const { name, topics } = await freshSample(kafka);
    await produceCommands(producer, topics.commands, [deposit('acct-r', 'r1', '4')]);
    const base = sampleServiceDefinition(codec, name, topics);
    const first = new ServiceRuntime(base, { kafka, dataSource: await database(name), logger: silent, options: { snapshotEveryEvents: 1 } });
    await first.start();
    await first.waitUntilReady();
    await first.waitUntilCaughtUp();
    await first.stop();

    // The next start fails while restoring its snapshot: PostgreSQL answers with an error (the table is away). It
    // must retry by itself and get ready once the table is back. (A snapshot that does not decode is no rebuild
    // failure: it is passed over, see snapshots.it.ts.)
    const dataSource = await database(name);
    await dataSource.query(`ALTER TABLE "${name}".snapshot_headers RENAME TO snapshot_headers_away`);
    const putBack = () => dataSource.query(`ALTER TABLE IF EXISTS "${name}".snapshot_headers_away RENAME TO snapshot_headers`).catch(() => undefined);
    const errors: string[] = [];
    const second = new ServiceRuntime(base, { kafka, dataSource, logger: { ...silent, error: (m: string) => { errors.push(m); void putBack(); } } });
    await second.start();
    try {
      await second.waitUntilReady(60_000);
      const partition = second.assignedPartitions().find((p) => second.worker(p)?.stateOf('acct-r'))!;
      const state = second.worker(partition)!.stateOf('acct-r') as Extract<Account, { status: 'open' }>;
      expect(state.balance.toString()).toBe('4');
      expect(errors).toContain('partition rebuild failed; retrying');
    } finally {
      await second.stop();
    }
  });

  it('rebuilds identical state and projection rows from the log, with and without a snapshot', async () => {
    const { name, topics } = await freshSample(kafka);
    const commands: SampleCommandWire[] = [];
    for (let i = 0; i < 3000; i++) {
      const account = `acct-${i % 37}`;
      commands.push(i % 5 === 0
        ? { accountId: account, commandId: `c${i}`, kind: 'Withdraw', amount: new Big(`${(i % 13) + 0.25}`), issuedAt: '2026-01-02T00:00:00.000Z' }
        : deposit(account, `c${i}`, `${(i % 7) + 0.000000000001}`));
    }
    await produceCommands(producer, topics.commands, commands);
    const definition = sampleServiceDefinition(codec, name, topics);

    const run = async (snapshotEveryEvents: number) => {
      const dataSource = await database(name);
      const runtime = new ServiceRuntime(definition, { kafka, dataSource, logger: silent, options: { snapshotEveryEvents, batchRecordsMax: 200, sendBytesMax: 4096 } }); // small requests: every slice spans several produce requests in its transaction
      const projection = new ProjectionRunner(kafka, dataSource, sampleBalancesProjection(codec, name, topics.events));
      await runtime.start();
      await projection.start();
      await runtime.waitUntilReady();
      await runtime.waitUntilCaughtUp();
      await projection.waitUntilCaughtUp();
      const states: Record<string, unknown> = {};
      for (const p of runtime.assignedPartitions()) {
        for (const key of runtime.worker(p)!.aggregateKeys()) states[key] = definition.stateCodec.toJSON(runtime.worker(p)!.stateOf(key)!);
      }
      const rows = await dataSource.query(`SELECT account_id, balance::text, events_applied::text, last_event_id, source_partition, source_offset::text FROM "${name}".account_balances ORDER BY account_id`);
      const snapshots = await dataSource.query(`SELECT count(*)::int AS n FROM "${name}".snapshot_headers`);
      const restores = runtime.assignedPartitions().map((p) => runtime.worker(p)!.lastRestore!);
      await projection.stop();
      await runtime.stop();
      return { states, rows, snapshots: snapshots[0].n as number, restores, dataSource };
    };

    const first = await run(250);
    expect(Object.keys(first.states)).toHaveLength(37);
    expect(first.rows).toHaveLength(37);
    expect(first.snapshots).toBeGreaterThan(0);
    const events = await readTopic(kafka, topics.events);
    expect(events).toHaveLength(3000);

    // Restart: restores from the snapshots and replays the tail of the log.
    const fromSnapshot = await run(250);
    expect(fromSnapshot.states).toEqual(first.states);
    expect(fromSnapshot.rows).toEqual(first.rows);
    // It really started from snapshots: every partition with events restored one and replayed less than the whole log.
    expect(fromSnapshot.restores.some((r) => r.fromSnapshotOffset !== null)).toBe(true);
    expect(fromSnapshot.restores.reduce((n, r) => n + r.eventsReplayed, 0)).toBeLessThan(3000);

    // Drop every table of the service (snapshots, checkpoints, projection): a full replay from offset 0.
    await fromSnapshot.dataSource.query(`DROP SCHEMA "${name}" CASCADE`);
    const fromScratch = await run(1_000_000);
    expect(fromScratch.snapshots).toBe(0);
    expect(fromScratch.restores.every((r) => r.fromSnapshotOffset === null)).toBe(true);
    expect(fromScratch.restores.reduce((n, r) => n + r.eventsReplayed, 0)).toBe(3000);
    expect(fromScratch.states).toEqual(first.states);
    expect(fromScratch.rows).toEqual(first.rows);
    // Nothing was appended twice by the restarts.
    expect(await readTopic(kafka, topics.events)).toHaveLength(3000);
  });
});
