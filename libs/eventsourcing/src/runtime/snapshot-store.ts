import { DataSource } from 'typeorm';
import { schemaNameFor } from './database';

export interface Snapshot {
  readonly partition: number;
  /** Offset of the last event of the service's own topic that the state reflects. */
  readonly ownOffset: string;
  readonly eventsApplied: string;
  readonly state: unknown;
}

const SNAPSHOTS_KEPT = 2;

/** Snapshots of a partition's state in PostgreSQL: a cache of the fold, never the truth. */
export class SnapshotStore {
  private readonly table: string;

  constructor(private readonly dataSource: DataSource, service: string) {
    this.table = `"${schemaNameFor(service)}".snapshots`;
  }

  async latest(partition: number): Promise<Snapshot | undefined> {
    const rows: { own_offset: string; events_applied: string; state: unknown }[] = await this.dataSource.query(
      `SELECT own_offset::text, events_applied::text, state FROM ${this.table} WHERE partition = $1 ORDER BY own_offset DESC LIMIT 1`,
      [partition],
    );
    const row = rows[0];
    return row && { partition, ownOffset: row.own_offset, eventsApplied: row.events_applied, state: row.state };
  }

  async save(snapshot: Snapshot): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.query(
        `INSERT INTO ${this.table} (partition, own_offset, events_applied, state) VALUES ($1, $2, $3, $4)
         ON CONFLICT (partition, own_offset) DO UPDATE SET state = EXCLUDED.state, events_applied = EXCLUDED.events_applied, taken_at = now()`,
        [snapshot.partition, snapshot.ownOffset, snapshot.eventsApplied, JSON.stringify(snapshot.state)],
      );
      await manager.query(
        `DELETE FROM ${this.table} WHERE partition = $1 AND own_offset NOT IN (
           SELECT own_offset FROM ${this.table} WHERE partition = $1 ORDER BY own_offset DESC LIMIT ${SNAPSHOTS_KEPT})`,
        [snapshot.partition],
      );
    });
  }
}
