import Big from 'big.js';
import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { Kafka } from 'kafkajs';
import { Client } from 'pg';
import { AvroCodec, CatalogSchemaRegistry } from '@billing/avro';
import { EventEnvelope, fold } from '@billing/runtime';
import { createTestTopics, readTopic, runId, testKafka } from '@billing/testing/kafka';
import { Account, AccountCommand, accountDecider } from '../sample/domain/account';
import { encodeSampleCommand, SampleCommandWire, sampleTopics } from '../sample/app/definition';

/**
 * Kill test: the sample service processes INPUT_RECORDS commands while this harness SIGKILLs it at seeded random
 * moments, KILLS_MIN times at least. Afterwards the event topic must hold exactly one event per command, the
 * balances must equal a fold of the commands, and the projection (PostgreSQL) must agree with both.
 */
const INPUT_RECORDS = Number(process.env.KILL_TEST_RECORDS ?? 100_000);
const KILLS_MIN = 5;
const ACCOUNTS = 1_000;
const REPO = join(__dirname, '../../..');

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function startService(name: string, port: number): ChildProcess {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'libs/eventsourcing/sample/app/main.ts'], {
    cwd: REPO,
    env: {
      ...process.env,
      SAMPLE_NAME: name,
      PORT: String(port),
      BATCH_RECORDS_MAX: '500',
      SNAPSHOT_EVERY_EVENTS: '7000',
      SESSION_TIMEOUT_MS: '6000',
      HEARTBEAT_INTERVAL_MS: '1000',
      LOG_LEVEL: 'warn',
      KAFKA_LOG_LEVEL: 'nothing',
      TS_NODE_PROJECT: join(REPO, 'tsconfig.json'),
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    if (/error/i.test(text) && !/Limiting retries|CONCURRENT_TRANSACTIONS|concurrent operation/i.test(text)) process.stderr.write(`[sample ${child.pid}] ${text}`);
  });
  return child;
}

async function projectedEvents(pg: Client, schema: string): Promise<number> {
  try {
    const rows = await pg.query(`SELECT coalesce(sum(events_applied), 0)::text AS n FROM "${schema}".account_balances`);
    return Number(rows.rows[0].n);
  } catch {
    return 0; // the table does not exist until the first start
  }
}

describe('runtime kill test (real broker, real PostgreSQL, SIGKILL)', () => {
  it(`processes ${INPUT_RECORDS} records exactly once while being killed at random at least ${KILLS_MIN} times`, async () => {
    const seed = Number(process.env.KILL_TEST_SEED ?? Math.floor(Math.random() * 2 ** 31));
    console.log(`kill test seed: ${seed} (rerun with KILL_TEST_SEED=${seed})`);
    const random = mulberry32(seed);
    const kafka: Kafka = testKafka('kill-it');
    const codec = new AvroCodec(new CatalogSchemaRegistry());
    const name = `sample_kill_${runId()}`;
    const topics = sampleTopics(name);
    await createTestTopics(kafka, [{ name: topics.commands }, { name: topics.events }, { name: topics.deadLetters }, { name: topics.positions, compact: true }]);

    const commands: SampleCommandWire[] = [];
    for (let i = 0; i < INPUT_RECORDS; i++) {
      const accountId = `acct-${Math.floor(random() * ACCOUNTS)}`;
      const amount = new Big(Math.floor(random() * 100_000)).div(1000).plus('0.001').toFixed(3);
      commands.push({ accountId, commandId: `cmd-${i}`, kind: random() < 0.2 ? 'Withdraw' : 'Deposit', amount: new Big(amount), issuedAt: '2026-01-01T00:00:00.000Z' });
    }
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    for (let i = 0; i < commands.length; i += 5_000) {
      const slice = commands.slice(i, i + 5_000);
      const messages = await Promise.all(slice.map(async (c) => ({ key: c.accountId, value: await encodeSampleCommand(codec, c) })));
      await producer.send({ topic: topics.commands, messages, acks: -1 });
    }
    await producer.disconnect();

    const pg = new Client({ connectionString: process.env.DATABASE_URL });
    await pg.connect();
    const port = 39_000 + Math.floor(random() * 1000);
    let kills = 0;
    let child: ChildProcess | undefined;
    try {
      // Kill it at random moments while it works; each run must make some progress first, so the kills land mid-stream.
      while (kills < KILLS_MIN) {
        const before = await projectedEvents(pg, name);
        if (before >= INPUT_RECORDS) break;
        child = startService(name, port);
        const deadline = Date.now() + 90_000;
        while ((await projectedEvents(pg, name)) <= before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
        await new Promise((r) => setTimeout(r, 200 + random() * 2_500));
        child.kill('SIGKILL');
        await new Promise((r) => child!.once('exit', r));
        kills++;
        console.log(`kill ${kills}: SIGKILL after ${await projectedEvents(pg, name)} projected events`);
      }
      expect(kills).toBeGreaterThanOrEqual(KILLS_MIN);

      child = startService(name, port);
      const deadline = Date.now() + 300_000;
      while ((await projectedEvents(pg, name)) < INPUT_RECORDS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    } finally {
      if (child && child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child!.once('exit', r));
      }
    }

    // Exactly one event per command: none missing, none twice.
    const events = await readTopic(kafka, topics.events);
    const decoded = await Promise.all(events.map((m) => codec.decode<EventEnvelope<Record<string, { commandId: string; balance: Big }>>>(m.value!, 'sample.events.v1-value')));
    const perCommand = new Map<string, number>();
    for (const { value } of decoded) {
      const { commandId } = Object.values(value.payload)[0];
      perCommand.set(commandId, (perCommand.get(commandId) ?? 0) + 1);
    }
    const duplicates = [...perCommand].filter(([, n]) => n > 1);
    const missing = commands.filter((c) => !perCommand.has(c.commandId));
    console.log(`kill test: ${kills} kills, ${events.length} events for ${commands.length} commands, ${duplicates.length} duplicated, ${missing.length} missing`);
    expect(duplicates).toEqual([]);
    expect(missing).toEqual([]);
    expect(events).toHaveLength(INPUT_RECORDS);
    expect(await readTopic(kafka, topics.deadLetters)).toHaveLength(0);

    // Balances equal a fold of the commands in input order per account; the projection agrees row for row.
    const byAccount = new Map<string, AccountCommand[]>();
    for (const c of commands) byAccount.set(c.accountId, [...(byAccount.get(c.accountId) ?? []), { type: c.kind as 'Deposit' | 'Withdraw', now: c.issuedAt, accountId: c.accountId, commandId: c.commandId, amount: c.amount }]);
    const rows = await pg.query(`SELECT account_id, balance::text, events_applied::int FROM "${name}".account_balances`);
    expect(rows.rows).toHaveLength(byAccount.size);
    for (const row of rows.rows) {
      let state: Account = accountDecider.initialState();
      for (const command of byAccount.get(row.account_id)!) state = fold(accountDecider, accountDecider.decide(command, state), state);
      expect(state.status === 'open' && new Big(row.balance).eq(state.balance)).toBe(true);
      expect(row.events_applied).toBe(byAccount.get(row.account_id)!.length);
    }
    await pg.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
    await pg.end();
  }, 900_000);
});
