import { DataSource, MigrationInterface, QueryRunner } from 'typeorm';

/** The PostgreSQL connection string; DATABASE_URL overrides the local default. */
export function databaseUrlFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return env.DATABASE_URL ?? 'postgres://billing:billing@127.0.0.1:5432/billing';
}

/**
 * Each service keeps its derived data (snapshots, checkpoints, projections) in its own PostgreSQL schema, named
 * after the service. Everything in it is disposable: drop the schema and the log rebuilds it.
 */
export function schemaNameFor(service: string): string {
  const name = service.replace(/[^a-z0-9_]/gi, '_').toLowerCase();
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`cannot derive a schema name from ${service}`);
  return name;
}

class CreateRuntimeTables1700000000000 implements MigrationInterface {
  name = 'CreateRuntimeTables1700000000000';
  constructor(private readonly schema: string) {}
  async up(q: QueryRunner): Promise<void> {
    const s = `"${this.schema}"`;
    await q.query(`CREATE TABLE IF NOT EXISTS ${s}.snapshots (
      partition integer NOT NULL,
      own_offset bigint NOT NULL,
      events_applied bigint NOT NULL,
      state jsonb NOT NULL,
      taken_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (partition, own_offset))`);
    await q.query(`CREATE TABLE IF NOT EXISTS ${s}.projection_checkpoints (
      projection text NOT NULL,
      topic text NOT NULL,
      partition integer NOT NULL,
      last_offset bigint NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (projection, topic, partition))`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS "${this.schema}".projection_checkpoints`);
    await q.query(`DROP TABLE IF EXISTS "${this.schema}".snapshots`);
  }
}

/**
 * Snapshots as bounded bytea chunks under a header row (see SnapshotStore) instead of one jsonb value per partition.
 * Snapshots are a disposable cache, so the old table is dropped, not converted: the next start replays the log.
 */
class ChunkedSnapshots1700000000001 implements MigrationInterface {
  name = 'ChunkedSnapshots1700000000001';
  constructor(private readonly schema: string) {}
  async up(q: QueryRunner): Promise<void> {
    const s = `"${this.schema}"`;
    await q.query(`DROP TABLE IF EXISTS ${s}.snapshots`);
    await q.query(`CREATE TABLE IF NOT EXISTS ${s}.snapshot_headers (
      partition integer NOT NULL,
      own_offset bigint NOT NULL,
      events_applied bigint NOT NULL,
      format integer NOT NULL,
      aggregates integer NOT NULL,
      chunks integer NOT NULL,
      bytes bigint NOT NULL,
      sha256 text NOT NULL,
      taken_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (partition, own_offset))`);
    // Chunks are written and read sequentially; TOAST would only spend CPU compressing them.
    await q.query(`CREATE TABLE IF NOT EXISTS ${s}.snapshot_chunks (
      partition integer NOT NULL,
      own_offset bigint NOT NULL,
      seq integer NOT NULL,
      bytes bytea NOT NULL,
      PRIMARY KEY (partition, own_offset, seq),
      FOREIGN KEY (partition, own_offset) REFERENCES ${s}.snapshot_headers (partition, own_offset) ON DELETE CASCADE)`);
    await q.query(`ALTER TABLE ${s}.snapshot_chunks ALTER COLUMN bytes SET STORAGE EXTERNAL`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS "${this.schema}".snapshot_chunks`);
    await q.query(`DROP TABLE IF EXISTS "${this.schema}".snapshot_headers`);
  }
}

/** Opens a DataSource on the service's schema, creating the schema and running the runtime's migrations. */
export async function openServiceDatabase(
  service: string,
  options: { url?: string; migrations?: (new (schema: string) => MigrationInterface)[]; poolMax?: number } = {},
): Promise<DataSource> {
  const schema = schemaNameFor(service);
  const url = options.url ?? databaseUrlFromEnv();
  // The schema must exist before typeorm creates its migrations table inside it.
  const bootstrap = new DataSource({ type: 'postgres', url, logging: false });
  await bootstrap.initialize();
  try {
    await bootstrap.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  } catch (error) {
    // Two processes creating the schema at once: the loser sees a unique violation; the schema exists either way.
    if (!String(error).includes('duplicate key')) throw error;
  } finally {
    await bootstrap.destroy();
  }
  // typeorm instantiates migration classes itself, so bind the schema into a subclass per migration.
  const migrations = [CreateRuntimeTables1700000000000, ChunkedSnapshots1700000000001, ...(options.migrations ?? [])].map(
    (M) => class extends M { constructor() { super(schema); } },
  );
  const dataSource = new DataSource({
    type: 'postgres',
    url,
    schema,
    logging: false,
    migrations,
    migrationsTableName: 'migrations',
    migrationsRun: false,
    extra: { max: options.poolMax ?? 5 },
  });
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'all' });
  return dataSource;
}
