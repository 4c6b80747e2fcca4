import { Consumer, Kafka } from 'kafkajs';
import { DataSource, EntityManager } from 'typeorm';
import { schemaNameFor } from '../runtime/database';

export interface ProjectedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: Buffer | null;
}

/**
 * A projection folds topics into PostgreSQL rows for queries and dashboards. Rows it writes should carry the
 * log position they reflect (`record.topic/partition/offset`), so a reader can tell how fresh a row is.
 */
export interface ProjectionDefinition {
  /** Unique per service, e.g. 'balances'. */
  readonly name: string;
  /** Owning service: its PostgreSQL schema holds the tables and the checkpoints. */
  readonly service: string;
  readonly topics: readonly string[];
  /** Tables (in the service's schema) this projection owns: rebuild truncates them. */
  readonly tables: readonly string[];
  /** DDL run once at start (CREATE TABLE IF NOT EXISTS ...), in the service's schema. */
  readonly ddl: readonly string[];
  /** Applies one record inside the transaction that also moves the checkpoint. */
  apply(manager: EntityManager, record: ProjectedRecord): Promise<void>;
}

/**
 * Runs a projection exactly once per record: rows and checkpoint are written in ONE PostgreSQL transaction, and
 * records at or below the checkpoint are skipped. Kafka consumer offsets are never committed: PostgreSQL's
 * checkpoint is the only position, so dropping the schema really does start over from offset 0.
 */
export class ProjectionRunner {
  private consumer: Consumer | undefined;
  private readonly checkpoints = new Map<string, bigint>();
  private readonly consumedUpTo = new Map<string, bigint>();
  private readonly schema: string;

  constructor(private readonly kafka: Kafka, private readonly dataSource: DataSource, private readonly projection: ProjectionDefinition) {
    this.schema = schemaNameFor(projection.service);
  }

  async start(): Promise<void> {
    await this.dataSource.query(`CREATE SCHEMA IF NOT EXISTS "${this.schema}"`);
    await this.dataSource.query(`CREATE TABLE IF NOT EXISTS "${this.schema}".projection_checkpoints (
      projection text NOT NULL, topic text NOT NULL, partition integer NOT NULL, last_offset bigint NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (projection, topic, partition))`);
    for (const statement of this.projection.ddl) await this.dataSource.query(statement);
    await this.loadCheckpoints();

    const consumer = this.kafka.consumer({
      groupId: `${this.projection.service}.projection.${this.projection.name}`,
      readUncommitted: false,
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
      maxWaitTimeInMs: 100,
      allowAutoTopicCreation: false,
    });
    this.consumer = consumer;
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      this.consumedUpTo.set(`${payload.topic}:${payload.partition}`, BigInt(payload.lastOffset));
    });
    // Start each assigned partition right after its checkpoint instead of scanning from 0 (the filter in
    // eachBatch still guards against anything fetched before the seek lands).
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      for (const [topic, partitions] of Object.entries(payload.memberAssignment)) {
        for (const partition of partitions) {
          const checkpoint = this.checkpoints.get(`${topic}:${partition}`);
          if (checkpoint !== undefined) consumer.seek({ topic, partition, offset: (checkpoint + 1n).toString() });
        }
      }
    });
    await consumer.connect();
    for (const topic of this.projection.topics) await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        if (!isRunning() || isStale()) return;
        const key = `${batch.topic}:${batch.partition}`;
        const checkpoint = this.checkpoints.get(key) ?? -1n;
        const fresh = batch.messages.filter((m) => BigInt(m.offset) > checkpoint);
        if (fresh.length > 0) {
          const last = fresh[fresh.length - 1].offset;
          await this.dataSource.transaction(async (manager) => {
            for (const m of fresh) {
              await this.projection.apply(manager, {
                topic: batch.topic, partition: batch.partition, offset: m.offset, key: m.key?.toString() ?? null, value: m.value,
              });
            }
            await manager.query(
              `INSERT INTO "${this.schema}".projection_checkpoints (projection, topic, partition, last_offset) VALUES ($1, $2, $3, $4)
               ON CONFLICT (projection, topic, partition) DO UPDATE SET last_offset = EXCLUDED.last_offset, updated_at = now()`,
              [this.projection.name, batch.topic, batch.partition, last],
            );
          });
          this.checkpoints.set(key, BigInt(last));
        }
        resolveOffset(batch.messages[batch.messages.length - 1].offset);
        await heartbeat();
      },
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    this.consumer = undefined;
  }

  /** Drops every row of the projection and its checkpoints, then replays its topics from offset 0. */
  async rebuild(): Promise<void> {
    await this.stop();
    await this.dataSource.transaction(async (manager) => {
      for (const table of this.projection.tables) await manager.query(`TRUNCATE "${this.schema}"."${table}"`);
      await manager.query(`DELETE FROM "${this.schema}".projection_checkpoints WHERE projection = $1`, [this.projection.name]);
    });
    this.checkpoints.clear();
    this.consumedUpTo.clear();
    await this.start();
  }

  /** Resolves once every partition of the projection's topics has been consumed up to its current end. */
  async waitUntilCaughtUp(timeoutMs = 120_000): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    const ends: [string, bigint][] = [];
    try {
      for (const topic of this.projection.topics) {
        for (const o of await admin.fetchTopicOffsets(topic)) ends.push([`${topic}:${o.partition}`, BigInt(o.high)]);
      }
    } finally {
      await admin.disconnect();
    }
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const behind = ends.filter(([key, end]) => {
        if (end === 0n) return false;
        const consumed = this.consumedUpTo.get(key) ?? this.checkpoints.get(key) ?? -1n;
        return consumed < end - 1n;
      });
      if (behind.length === 0) return;
      if (Date.now() > deadline) throw new Error(`projection ${this.projection.name} still behind on ${behind.map(([k]) => k).join(', ')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  private async loadCheckpoints(): Promise<void> {
    this.checkpoints.clear();
    const rows: { topic: string; partition: number; last_offset: string }[] = await this.dataSource.query(
      `SELECT topic, partition, last_offset::text FROM "${this.schema}".projection_checkpoints WHERE projection = $1`,
      [this.projection.name],
    );
    for (const row of rows) this.checkpoints.set(`${row.topic}:${row.partition}`, BigInt(row.last_offset));
  }
}
