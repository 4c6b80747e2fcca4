/**
 * Runs one service, in-process, over input topics someone else filled, onto its own output topics: to restart it
 * from its snapshots, to drop its PostgreSQL schema and rebuild, and to replay it from offset 0 onto fresh output
 * topics. What it returns (states, projection rows, output bytes) is compared by the per-service tests.
 */
import { DataSource } from 'typeorm';
import { Kafka } from 'kafkajs';
import { openServiceDatabase, ProjectionDefinition, ProjectionRunner, RuntimeOptions, schemaNameFor, ServiceDefinition, ServiceRuntime } from '@billing/runtime';
import { createTestTopics, readTopic } from '@billing/testing/kafka';

const silent = { info: () => undefined, warn: () => undefined, error: (m: string, f?: object) => console.error(m, f) };

export interface ServiceUnderTest {
  /** Consumer group, transactional ids, PostgreSQL schema, and part of every event id: the same for every replay. */
  readonly name: string;
  /** The service built onto the given output topics (inputs stay the same). */
  definition(outputs: Record<string, string>): ServiceDefinition<unknown, unknown, unknown>;
  projections(eventTopic: string): ProjectionDefinition[];
  /** Output topics by role, for one run (`<prefix>.<declared>`); positions is compacted. */
  outputTopics(prefix: string): Record<string, string>;
}

export interface RunResult {
  /** stateCodec.toJSON of every aggregate, by key. */
  readonly states: Record<string, unknown>;
  /** Every projection table, every row, as JSON, in a total order. */
  readonly rows: Record<string, unknown[]>;
  readonly restores: { fromSnapshotOffset: string | null; snapshotsSkipped: number; eventsReplayed: number }[];
  readonly snapshots: number;
}

export class RebuildHarness {
  private readonly dataSources: DataSource[] = [];

  constructor(private readonly kafka: Kafka, private readonly service: ServiceUnderTest) {}

  async createOutputs(prefix: string): Promise<Record<string, string>> {
    const outputs = this.service.outputTopics(prefix);
    await createTestTopics(this.kafka, Object.entries(outputs).map(([role, name]) => ({ name, compact: role === 'positions' || role === 'balances' })));
    return outputs;
  }

  /** Starts the service, waits until it and its projections have caught up with the inputs, reads everything back, stops. */
  async run(outputs: Record<string, string>, options: Partial<RuntimeOptions>): Promise<RunResult> {
    const { name } = this.service;
    const definition = this.service.definition(outputs);
    const dataSource = await openServiceDatabase(name);
    this.dataSources.push(dataSource);
    const runtime = new ServiceRuntime(definition, { kafka: this.kafka, dataSource, logger: silent, options });
    const projections = this.service.projections(definition.eventTopic).map((p) => new ProjectionRunner(this.kafka, dataSource, p));
    try {
      await runtime.start();
      for (const projection of projections) await projection.start();
      await runtime.waitUntilReady(60_000);
      await runtime.waitUntilCaughtUp(60_000);
      for (const projection of projections) await projection.waitUntilCaughtUp();
      const states: Record<string, unknown> = {};
      const restores = [];
      for (const p of runtime.assignedPartitions()) {
        const worker = runtime.worker(p)!;
        restores.push(worker.lastRestore!);
        for (const key of worker.aggregateKeys().sort()) states[key] = definition.stateCodec.toJSON(worker.stateOf(key)!);
      }
      const rows: Record<string, unknown[]> = {};
      const schema = `"${schemaNameFor(name)}"`;
      for (const table of this.service.projections(definition.eventTopic).flatMap((p) => p.tables)) {
        const found: { row: unknown }[] = await dataSource.query(`SELECT to_jsonb(t) AS row FROM ${schema}.${table} t ORDER BY to_jsonb(t)::text`);
        rows[table] = found.map((r) => r.row);
      }
      const [{ n }] = await dataSource.query(`SELECT count(*)::int AS n FROM ${schema}.snapshot_headers`);
      return { states, rows, restores, snapshots: n };
    } finally {
      for (const projection of projections) await projection.stop().catch(() => undefined);
      await runtime.stop();
    }
  }

  /** Drops the service's schema (snapshots, checkpoints, projections) and its consumer groups: a replay starts from offset 0. */
  async forget(): Promise<void> {
    const { name } = this.service;
    await this.dataSources[this.dataSources.length - 1].query(`DROP SCHEMA IF EXISTS "${schemaNameFor(name)}" CASCADE`);
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g === name || g.startsWith(`${name}.projection.`));
      if (groups.length > 0) await admin.deleteGroups(groups);
    } finally {
      await admin.disconnect();
    }
  }

  async close(): Promise<void> {
    await this.forget().catch(() => undefined);
    for (const ds of this.dataSources) await ds.destroy().catch(() => undefined);
  }
}

/** Keys and values of every record of a topic, hex, per partition in offset order (headers carry trace context: left out). */
export async function topicBytes(kafka: Kafka, topic: string): Promise<Record<number, string[]>> {
  const out: Record<number, string[]> = {};
  const records = await readTopic(kafka, topic);
  records.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
  for (const m of records) (out[m.partition] ??= []).push(`${m.key?.toString('hex') ?? '-'}:${m.value?.toString('hex') ?? '-'}`);
  return out;
}

/** Rows without their source offsets (which count transaction markers). */
function withoutOffsets(rows: Record<string, unknown[]>): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const [table, list] of Object.entries(rows)) {
    out[table] = list
      .map((row) => Object.fromEntries(Object.entries(row as Record<string, unknown>).filter(([column]) => column !== 'source_offset')))
      .sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  }
  return out;
}

/** Sum of the restores' replayed events, and how many partitions started from a snapshot. */
export function restoreSummary(result: RunResult): { fromSnapshot: number; eventsReplayed: number } {
  return {
    fromSnapshot: result.restores.filter((r) => r.fromSnapshotOffset !== null).length,
    eventsReplayed: result.restores.reduce((n, r) => n + r.eventsReplayed, 0),
  };
}

/**
 * The whole check, on inputs already written: run with small snapshots; restart (it must start from snapshots, not
 * from zero) with identical state and rows; drop the schema and restart (a replay from offset 0) with identical
 * state and rows and nothing appended twice; then (with `replay`) replay from offset 0 onto fresh output topics:
 * byte-identical. A service with several inputs can be: the runtime merges a partition's inputs by timestamp
 * (InputMerger), and in a replay every input already exists, so every run processes them in the same order.
 */
export async function expectRebuildAndReplayIdentical(
  kafka: Kafka, service: ServiceUnderTest, prefix: string, { replay }: { replay: boolean },
): Promise<{ events: number; outputs: Record<string, Record<number, string[]>> }> {
  const harness = new RebuildHarness(kafka, service);
  try {
    const small = { snapshotEveryEvents: 3, batchRecordsMax: 10 };
    const outputsA = await harness.createOutputs(`${prefix}a`);
    const bytesOf = async (outputs: Record<string, string>) => {
      const out: Record<string, Record<number, string[]>> = {};
      for (const [role, topic] of Object.entries(outputs)) if (role !== 'positions') out[role] = await topicBytes(kafka, topic);
      return out;
    };
    const first = await harness.run(outputsA, small);
    const written = await bytesOf(outputsA);
    const events = Object.values(written.events).reduce((n, list) => n + list.length, 0);
    expect(events).toBeGreaterThan(0);
    expect(first.snapshots).toBeGreaterThan(0);

    const restarted = await harness.run(outputsA, small);
    expect(restoreSummary(restarted).fromSnapshot).toBeGreaterThan(0);
    expect(restoreSummary(restarted).eventsReplayed).toBeLessThan(events);
    expect(restarted.states).toEqual(first.states);
    expect(restarted.rows).toEqual(first.rows);

    await harness.forget();
    const rebuilt = await harness.run(outputsA, { snapshotEveryEvents: 1_000_000 });
    expect(restoreSummary(rebuilt)).toEqual({ fromSnapshot: 0, eventsReplayed: events });
    expect(rebuilt.states).toEqual(first.states);
    expect(rebuilt.rows).toEqual(first.rows);
    expect(await bytesOf(outputsA)).toEqual(written);

    if (!replay) return { events, outputs: written };
    await harness.forget();
    const outputsB = await harness.createOutputs(`${prefix}b`);
    const replayed = await harness.run(outputsB, { batchRecordsMax: 500 });
    expect(replayed.states).toEqual(first.states);
    // Rows name the topic they were projected from: the fresh one, this time. Their offsets count the transaction
    // markers too, and how many transactions a run takes depends on its slices (batchRecordsMax), not on its records.
    expect(withoutOffsets(JSON.parse(JSON.stringify(replayed.rows).split(outputsB.events).join(outputsA.events)))).toEqual(withoutOffsets(first.rows));
    const replayedBytes = await bytesOf(outputsB);
    for (const role of Object.keys(written)) expect({ role, partitions: replayedBytes[role] }).toEqual({ role, partitions: written[role] });
    return { events, outputs: written };
  } finally {
    await harness.close();
  }
}
