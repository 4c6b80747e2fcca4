import Big from 'big.js';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Kafka, Producer } from 'kafkajs';
import { AvroCodec, CatalogSchemaRegistry, frame, HttpSchemaRegistry, unframe } from '@billing/avro';
import { DomainError } from '@billing/errors';
import { partitionForKey, ServiceDefinition, ServiceRuntime, ServiceRuntimeDependencies } from '@billing/runtime';
import { startTelemetry } from '@billing/telemetry';
import { createTestTopics, eventually, readTopic, runId, TestSchemaRegistry } from '@billing/testing/kafka';
import { Account, AccountCommand, AccountEvent } from '../sample/domain/account';
import { encodeSampleCommand, SampleCommandWire, sampleServiceDefinition, sampleTopics, SampleTopics } from '../sample/app/definition';
import { brokerTestSetup, deposit } from './broker-setup';

type SampleDefinition = ServiceDefinition<AccountCommand, AccountEvent, Account>;

const PARTITIONS = 4;
const catalogCodec = new AvroCodec(new CatalogSchemaRegistry());
const quiet = { info: () => undefined, warn: () => undefined, error: (m: string, f?: object) => console.error(m, f) };

async function send(producer: Producer, topic: string, commands: SampleCommandWire[], codec = catalogCodec): Promise<void> {
  const messages = await Promise.all(commands.map(async (c) => ({ key: c.accountId, value: await encodeSampleCommand(codec, c) })));
  await producer.send({ topic, messages, acks: -1 });
}

async function lettersOf(kafka: Kafka, definition: SampleDefinition) {
  return Promise.all((await readTopic(kafka, definition.deadLetterTopic)).map((m) => definition.deadLetterCodec.decode(m.value!)));
}

async function commandIdsOf(kafka: Kafka, definition: SampleDefinition): Promise<string[]> {
  const events = await Promise.all((await readTopic(kafka, definition.eventTopic)).map((m) => definition.eventCodec.decode(m.value!)));
  return events.map((e) => e.commandId).sort();
}

describe('runtime hardening (real broker and PostgreSQL)', () => {
  let kafka: Kafka;
  let producer: Producer;
  const { database } = brokerTestSetup('hardening-it', (k, p) => { kafka = k; producer = p; });

  async function freshTopics(topics: SampleTopics, only?: (keyof SampleTopics)[]) {
    const roles = only ?? (['commands', 'events', 'deadLetters', 'positions'] as const);
    await createTestTopics(kafka, roles.map((role) => ({ name: topics[role], compact: role === 'positions' })), PARTITIONS);
  }

  /** A fresh copy of the sample service: its name, its own topics, and its definition on the catalog codec. */
  async function freshSample(prefix: string) {
    const name = `${prefix}_${runId()}`;
    const topics = sampleTopics(name);
    await freshTopics(topics);
    return { name, topics, base: sampleServiceDefinition(catalogCodec, name, topics) };
  }

  async function run<T>(definition: SampleDefinition, body: (runtime: ServiceRuntime<AccountCommand, AccountEvent, Account>) => Promise<T>, extra: Partial<ServiceRuntimeDependencies> = {}) {
    const runtime = new ServiceRuntime(definition, { kafka, dataSource: await database(definition.name), logger: quiet, ...extra });
    await runtime.start();
    try {
      return await body(runtime);
    } finally {
      await runtime.stop();
    }
  }

  it('retries inputs while the schema registry is unreachable, reports not ready, and loses nothing', async () => {
    const name = `sample_reg_${runId()}`;
    const topics = sampleTopics(name);
    await freshTopics(topics);
    const registry = new TestSchemaRegistry();
    await registry.start();
    // A second id for the commands' schema: the service has not seen it, so its codec must ask the registry.
    registry.alias(9001, 'sample.commands.v1-value');
    const telemetry = startTelemetry(name);
    const metricsServer: Server = createServer((q, r) => telemetry.metricsHandler(q, r));
    await new Promise<void>((resolve) => metricsServer.listen(0, '127.0.0.1', () => resolve()));
    const codec = new AvroCodec(new HttpSchemaRegistry({ url: registry.url, autoRegister: false, requestTimeoutMs: 2_000 }));
    const definition = sampleServiceDefinition(codec, name, topics);
    const warnings: object[] = [];
    const logger = { ...quiet, warn: (message: string, fields?: object) => { warnings.push({ message, ...fields }); } };
    const accounts = ['acct-1', 'acct-2', 'acct-3'];
    try {
      await send(producer, topics.commands, Array.from({ length: 12 }, (_, i) => deposit(accounts[i % 3], `before-${i}`, '1')));
      await run(definition, async (runtime) => {
        await runtime.waitUntilReady();
        await runtime.waitUntilCaughtUp();

        await registry.stop();
        const requestsBefore = registry.requests;
        const outage = await Promise.all(Array.from({ length: 9 }, async (_, i) => {
          const command = deposit(accounts[i % 3], `during-${i}`, '2');
          return { key: command.accountId, value: frame(9001, unframe(await encodeSampleCommand(catalogCodec, command)).body) };
        }));
        await producer.send({ topic: topics.commands, messages: outage, acks: -1 });
        const reason = await eventually(async () => (await runtime.notReadyReason())?.includes('retrying') ? await runtime.notReadyReason() : undefined, 30_000, 'not ready while retrying');
        expect(reason).toContain('SchemaRegistryUnavailable');
        await eventually(async () => (warnings.length >= 3 ? true : undefined), 30_000, 'three retries');
        expect(await runtime.isReady()).toBe(false);
        const port = (metricsServer.address() as AddressInfo).port;
        const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
        const retries = metrics.split('\n').find((l) => l.startsWith('billing_runtime_input_retries_total{') && l.includes(`service="${name}"`) && l.includes('reason="SchemaRegistryUnavailable"'));
        expect(Number(retries?.split(' ').pop())).toBeGreaterThanOrEqual(3);
        expect(registry.requests).toBe(requestsBefore);

        await registry.start();
        await runtime.waitUntilReady(60_000);
        await runtime.waitUntilCaughtUp();
      }, { logger, options: { inputRetryInitialMs: 50, inputRetryMaxMs: 400 } });

      const expected = [...Array.from({ length: 12 }, (_, i) => `before-${i}`), ...Array.from({ length: 9 }, (_, i) => `during-${i}`)].sort();
      expect(await commandIdsOf(kafka, definition)).toEqual(expected);
      expect(await lettersOf(kafka, definition)).toHaveLength(0);
      expect(warnings[0]).toMatchObject({ message: expect.stringContaining('retrying'), topic: topics.commands });

      // An id the registry really does not have (it answers 404, error_code 40403) is the record's fault.
      const body = unframe(await encodeSampleCommand(catalogCodec, deposit('acct-1', 'unknown-id', '1'))).body;
      await producer.send({ topic: topics.commands, messages: [{ key: 'acct-1', value: frame(777_777, body) }], acks: -1 });
      await run(definition, async (runtime) => {
        await runtime.waitUntilReady();
        await runtime.waitUntilCaughtUp();
      });
      const letters = await lettersOf(kafka, definition);
      expect(letters.map((l) => l.reasonCode)).toEqual(['UNKNOWN_SCHEMA_ID']);
      expect(await commandIdsOf(kafka, definition)).toEqual(expected);
    } finally {
      await registry.stop();
      await new Promise((resolve) => metricsServer.close(resolve));
    }
  });

  it('dead-letters an input whose event cannot be encoded, keeps its state untouched, and goes on', async () => {
    const { topics, base } = await freshSample('sample_enc');
    // A decider bug for one input: an amount with 13 fractional digits does not fit decimal(38, 12).
    const definition: SampleDefinition = {
      ...base,
      decider: {
        ...base.decider,
        decide: (command, state) => base.decider.decide(command, state).map((event) =>
          command.commandId === 'too-precise' ? { ...event, amount: new Big('0.0000000000001') } : event),
      },
    };
    await send(producer, topics.commands, [deposit('acct-e', 'e1', '1'), deposit('acct-e', 'too-precise', '5'), deposit('acct-e', 'e3', '2')]);
    await run(definition, async (runtime) => {
      await runtime.waitUntilReady();
      await runtime.waitUntilCaughtUp();
      await send(producer, topics.commands, [deposit('acct-e', 'e4', '4')]);
      await runtime.waitUntilCaughtUp();
      const partition = partitionForKey('acct-e', PARTITIONS);
      const state = runtime.worker(partition)!.stateOf('acct-e') as Extract<Account, { status: 'open' }>;
      expect(state.balance.toString()).toBe('7'); // 1 + 2 + 4: the unencodable deposit of 5 never reached the state
    });
    expect(await commandIdsOf(kafka, definition)).toEqual(['e1', 'e3', 'e4']);
    const letters = await lettersOf(kafka, definition);
    expect(letters).toHaveLength(1);
    expect(letters[0].reasonCode).toBe('OUTPUT_NOT_ENCODABLE');
    expect(letters[0].reasonMessage).toContain('DECIMAL_OUT_OF_RANGE');
    expect(letters[0].failedAt.toISOString()).toBe('2026-01-01T00:00:00.000Z'); // the command's platform time
  });

  it('counts and logs a LIMIT_EXCEEDED rejection by its limit, and serves the next inputs', async () => {
    const { name, topics, base } = await freshSample('sample_limit');
    // A limit input can reach (a customer's dedup window, say): a typed rejection of that input, never a stop.
    const definition: SampleDefinition = {
      ...base,
      decider: {
        ...base.decider,
        decide: (command, state) => {
          if (command.commandId === 'over-limit') throw new DomainError('LIMIT_EXCEEDED', 'acct-l would pass depositsMax (2)', { limit: 'depositsMax', customerId: 'acct-l' });
          return base.decider.decide(command, state);
        },
      },
    };
    const warnings: Record<string, unknown>[] = [];
    const logger = { ...quiet, warn: (message: string, fields?: object) => { warnings.push({ message, ...fields }); } };
    const telemetry = startTelemetry(name);
    const metricsServer: Server = createServer((q, r) => telemetry.metricsHandler(q, r));
    await new Promise<void>((resolve) => metricsServer.listen(0, '127.0.0.1', () => resolve()));
    await send(producer, topics.commands, [deposit('acct-l', 'l1', '1'), deposit('acct-l', 'over-limit', '5'), deposit('acct-l', 'l3', '2')]);
    try {
      await run(definition, async (runtime) => {
        await runtime.waitUntilReady();
        await runtime.waitUntilCaughtUp();
        const port = (metricsServer.address() as AddressInfo).port;
        const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
        const line = metrics.split('\n').find((l) => l.startsWith('billing_runtime_limit_rejections_total{') && l.includes(`service="${name}"`));
        expect(line).toContain('limit="depositsMax"');
        expect(line).toMatch(/ 1$/);
      }, { logger });
    } finally {
      await new Promise((resolve) => metricsServer.close(resolve));
    }
    expect(await commandIdsOf(kafka, definition)).toEqual(['l1', 'l3']);
    expect((await lettersOf(kafka, definition)).map((l) => l.reasonCode)).toEqual(['LIMIT_EXCEEDED']);
    expect(warnings).toContainEqual(expect.objectContaining({ message: 'input rejected: a configured limit is reached', limit: 'depositsMax', customerId: 'acct-l' }));
  });

  it('dead-letters a record that arrived on another partition than its key hashes to', async () => {
    const { topics, base: definition } = await freshSample('sample_part');
    const right = partitionForKey('acct-w', PARTITIONS);
    const wrong = (right + 1) % PARTITIONS;
    await producer.send({
      topic: topics.commands,
      acks: -1,
      messages: [
        { key: 'acct-w', partition: wrong, value: await encodeSampleCommand(catalogCodec, deposit('acct-w', 'misrouted', '1')) },
        { key: 'acct-w', value: await encodeSampleCommand(catalogCodec, deposit('acct-w', 'routed', '2')) },
      ],
    });
    await run(definition, async (runtime) => {
      await runtime.waitUntilReady();
      await runtime.waitUntilCaughtUp();
      expect(runtime.worker(wrong)!.stateOf('acct-w')).toBeUndefined();
    });
    expect(await commandIdsOf(kafka, definition)).toEqual(['routed']);
    const letters = await lettersOf(kafka, definition);
    expect(letters.map((l) => [l.reasonCode, l.originalPartition])).toEqual([['WRONG_PARTITION', wrong]]);
    expect(letters[0].reasonMessage).toContain(`arrived on partition ${wrong} but hashes to partition ${right}`);
  });

  it('leaves state and positions untouched when a transaction fails, then processes the batch exactly once', async () => {
    const { name, topics, base } = await freshSample('sample_txn');
    // A real broker refusal inside the transaction: a record over the topic's max.message.bytes.
    const sideTopic = `${name}.side.v1`;
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: false, topics: [{ topic: sideTopic, numPartitions: PARTITIONS, replicationFactor: 1, configEntries: [{ name: 'max.message.bytes', value: '1024' }] }] });
    await eventually(async () => {
      const metadata = await admin.fetchTopicMetadata({ topics: [sideTopic] }).catch(() => undefined);
      return metadata?.topics[0]?.partitions.filter((p) => p.leader >= 0).length === PARTITIONS ? true : undefined;
    }, 30_000, 'the side topic');
    await admin.disconnect();
    let failures = 0;
    const definition: SampleDefinition = {
      ...base,
      extraOutputs: async (aggregateKey, event) => {
        if (event.commandId !== 'fails-once' || failures > 0) return [];
        failures++;
        return [{ topic: sideTopic, key: aggregateKey, value: Buffer.alloc(8 * 1024) }];
      },
    };
    await send(producer, topics.commands, [deposit('acct-t', 't1', '1')]);
    await run(definition, async (runtime) => {
      await runtime.waitUntilReady();
      await runtime.waitUntilCaughtUp();
      const partition = partitionForKey('acct-t', PARTITIONS);
      const worker = runtime.worker(partition)!;
      const stateBefore = worker.stateOf('acct-t');
      const positionBefore = worker.positionOf(topics.commands);
      expect(positionBefore).toBe(0n);

      await send(producer, topics.commands, [deposit('acct-t', 'fails-once', '2'), deposit('acct-t', 't3', '4')]);
      await eventually(async () => (failures > 0 && worker.isBroken ? true : undefined), 60_000, 'the failed transaction');
      expect(worker.stateOf('acct-t')).toBe(stateBefore);
      expect(worker.positionOf(topics.commands)).toBe(positionBefore);

      await runtime.waitUntilCaughtUp();
      const state = runtime.worker(partition)!.stateOf('acct-t') as Extract<Account, { status: 'open' }>;
      expect(state.balance.toString()).toBe('7');
      expect(runtime.worker(partition)!.positionOf(topics.commands)).toBe(2n);
    });
    expect(await commandIdsOf(kafka, definition)).toEqual(['fails-once', 't1', 't3']);
    expect(await readTopic(kafka, sideTopic)).toHaveLength(0); // the aborted record never became visible
  });

  it('processes every input exactly once when inputs keep arriving while a failed transaction is rebuilt', async () => {
    const { name, topics, base } = await freshSample('sample_txn2');
    const sideTopic = `${name}.side.v1`;
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: sideTopic, numPartitions: PARTITIONS, replicationFactor: 1, configEntries: [{ name: 'max.message.bytes', value: '1024' }] }] });
    await admin.disconnect();
    let failures = 0;
    // The broker refuses the first two attempts of one record's slice: two rebuilds while more inputs stream in.
    const definition: SampleDefinition = {
      ...base,
      extraOutputs: async (aggregateKey, event) => {
        if (event.commandId !== 'c-150' || failures >= 2) return [];
        failures++;
        return [{ topic: sideTopic, key: aggregateKey, value: Buffer.alloc(8 * 1024) }];
      },
    };
    const expected: string[] = [];
    await run(definition, async (runtime) => {
      await runtime.waitUntilReady();
      for (let batch = 0; batch < 30; batch++) {
        const commands = Array.from({ length: 20 }, (_, i) => deposit('acct-s', `c-${batch * 20 + i}`, '1'));
        expected.push(...commands.map((c) => c.commandId));
        await send(producer, topics.commands, commands);
      }
      await eventually(async () => (failures >= 2 ? true : undefined), 60_000, 'two failed transactions');
      await runtime.waitUntilCaughtUp();
      const state = runtime.worker(partitionForKey('acct-s', PARTITIONS))!.stateOf('acct-s') as Extract<Account, { status: 'open' }>;
      expect(state.balance.toString()).toBe('600');
    }, { options: { batchRecordsMax: 10 } });
    expect((await commandIdsOf(kafka, definition)).sort()).toEqual(expected.sort());
  });

  it('writes byte-identical events and dead letters when the same inputs are replayed onto fresh topics', async () => {
    const name = `sample_det_${runId()}`;
    const first = sampleTopics(name);
    await freshTopics(first);
    const commands: SampleCommandWire[] = [];
    for (let i = 0; i < 300; i++) {
      const account = `acct-${i % 11}`;
      commands.push(i % 7 === 0
        ? { accountId: account, commandId: `c${i}`, kind: 'Withdraw', amount: new Big(`${(i % 5) + 0.5}`), issuedAt: `2026-01-0${1 + (i % 9)}T00:00:00.000Z` }
        : i % 50 === 3 ? { ...deposit(account, `c${i}`, '1'), kind: 'Poison' } : deposit(account, `c${i}`, `${(i % 3) + 0.25}`, `2026-02-0${1 + (i % 9)}T10:00:00.000Z`));
    }
    await send(producer, first.commands, commands);
    await producer.send({ topic: first.commands, messages: [{ key: 'acct-1', value: Buffer.from('not avro') }], acks: -1 });

    const once = async (topics: SampleTopics) => {
      const definition = sampleServiceDefinition(catalogCodec, name, topics);
      await run(definition, async (runtime) => {
        await runtime.waitUntilReady();
        await runtime.waitUntilCaughtUp();
      }, { options: { batchRecordsMax: topics === first ? 37 : 500 } });
      const bytes = async (topic: string) => (await readTopic(kafka, topic))
        .sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)))
        .map((m) => [m.partition, m.key!.toString('hex'), m.value!.toString('hex')]);
      return { events: await bytes(topics.events), letters: await bytes(topics.deadLetters) };
    };
    const written = await once(first);
    expect(written.events.length).toBeGreaterThan(250);
    expect(written.letters).toHaveLength(commands.filter((c) => c.kind === 'Poison').length + 1); // and the garbage bytes

    // Same service, same input topic, fresh output topics, no consumer offsets and no snapshots: a replay from scratch.
    const second: SampleTopics = { commands: first.commands, events: `${name}_2.events.v1`, deadLetters: `${name}_2.dlq.v1`, positions: `${name}_2.input-positions.v1` };
    await freshTopics(second, ['events', 'deadLetters', 'positions']);
    const admin = kafka.admin();
    await admin.connect();
    await eventually(async () => admin.deleteGroups([name]).then(() => true, () => undefined), 30_000, 'the group to be deleted');
    await admin.disconnect();
    await (await database(name)).query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
    const replayed = await once(second);
    expect(replayed.events).toEqual(written.events);
    expect(replayed.letters).toEqual(written.letters);
  });
});
