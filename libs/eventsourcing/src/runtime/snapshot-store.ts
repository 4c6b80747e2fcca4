import { createHash, Hash } from 'node:crypto';
import { DataSource, QueryRunner } from 'typeorm';
import { schemaNameFor } from './database';
import type { StateCodec } from './types';

/** What a snapshot reflects: the own-log position and the count of events folded into it. */
export interface SnapshotPosition {
  readonly partition: number;
  /** Offset of the last event of the service's own topic that the state reflects. */
  readonly ownOffset: string;
  readonly eventsApplied: string;
}

export interface SavedSnapshot extends SnapshotPosition {
  readonly aggregates: number;
  readonly chunks: number;
  readonly bytes: number;
}

export interface RestoredSnapshot<S> extends SnapshotPosition {
  readonly states: Map<string, S>;
  readonly chunks: number;
  readonly bytes: number;
}

export interface RestoreOutcome<S> {
  /** The newest snapshot that restored completely; undefined: replay the log from offset 0. */
  readonly restored: RestoredSnapshot<S> | undefined;
  /** Newer snapshots of the partition that could not be restored (corrupt, partial) and were passed over. */
  readonly skipped: number;
}

export interface SnapshotStoreOptions {
  /** Bytes per chunk row: bounds each bytea value and each INSERT, whatever the partition's size. */
  readonly chunkBytesMax?: number;
  /** Chunk rows fetched per query when restoring: bounds what sits in memory besides the state being rebuilt. */
  readonly restoreChunksPerQuery?: number;
}

interface SnapshotLogger {
  warn(message: string, fields?: object): void;
}

/** Bumped when the byte layout changes; a restore ignores any other format (the log rebuilds the state). */
export const SNAPSHOT_FORMAT_VERSION = 1;
export const SNAPSHOT_CHUNK_BYTES_MAX = 4 * 1024 * 1024;
const RESTORE_CHUNKS_PER_QUERY = 4;
const SNAPSHOTS_KEPT = 2;
/** A snapshot has at most this many chunks (64 GiB at 4 MiB): far beyond any partition we can hold in memory. */
export const SNAPSHOT_CHUNKS_MAX = 16_384;
const NEWLINE = 0x0a;

/** A snapshot whose bytes do not restore (missing chunks, checksum, JSON, codec): skipped, never fatal. */
export class CorruptSnapshot extends Error {
  constructor(readonly position: SnapshotPosition, reason: string) {
    super(`snapshot of partition ${position.partition} at own offset ${position.ownOffset} is unusable: ${reason}`);
  }
}

/**
 * Snapshots of a partition's state in PostgreSQL: a cache of the fold, never the truth.
 *
 * Layout (format 1): one line of JSON text per aggregate, `[key, stateCodec.toJSON(state)]\n`, the byte stream cut
 * into bytea chunks of at most chunkBytesMax. A header row carries the position, the counts and a sha256 of the
 * stream; header and chunks are written in one PostgreSQL transaction, so a reader sees a snapshot whole or not at
 * all. Nothing ever holds the whole partition as one string or one buffer: one jsonb row per partition broke near
 * 7M dedup ids (V8's string limit), after the commit, into a restart loop.
 */
export class SnapshotStore {
  private readonly headers: string;
  private readonly chunks: string;
  private readonly chunkBytesMax: number;
  private readonly restoreChunksPerQuery: number;

  constructor(private readonly dataSource: DataSource, service: string, options: SnapshotStoreOptions = {}) {
    const schema = `"${schemaNameFor(service)}"`;
    this.headers = `${schema}.snapshot_headers`;
    this.chunks = `${schema}.snapshot_chunks`;
    this.chunkBytesMax = options.chunkBytesMax ?? SNAPSHOT_CHUNK_BYTES_MAX;
    this.restoreChunksPerQuery = options.restoreChunksPerQuery ?? RESTORE_CHUNKS_PER_QUERY;
    if (!(this.chunkBytesMax >= 1024 && this.chunkBytesMax <= 256 * 1024 * 1024)) throw new RangeError('chunkBytesMax in 1 KiB..256 MiB');
    if (!(this.restoreChunksPerQuery >= 1)) throw new RangeError('restoreChunksPerQuery at least 1');
  }

  /**
   * Writes the aggregates, one by one through the codec, as a new snapshot of the partition and keeps the newest
   * SNAPSHOTS_KEPT. The aggregates must not change while this runs (the worker saves between slices).
   */
  async save<S>(position: SnapshotPosition, aggregates: Iterable<readonly [string, S]>, codec: StateCodec<S>): Promise<SavedSnapshot> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction('READ COMMITTED');
      try {
        const { partition, ownOffset } = position;
        // Same position saved again (no new own events since): the new one replaces it.
        await runner.query(`DELETE FROM ${this.headers} WHERE partition = $1 AND own_offset = $2`, [partition, ownOffset]);
        // The header goes first (the chunks reference it) and gets its counts once they are known.
        await runner.query(
          `INSERT INTO ${this.headers} (partition, own_offset, events_applied, format, aggregates, chunks, bytes, sha256)
           VALUES ($1, $2, $3, $4, 0, 0, 0, '')`,
          [partition, ownOffset, position.eventsApplied, SNAPSHOT_FORMAT_VERSION],
        );
        const writer = new ChunkWriter(this.chunkBytesMax, (seq, bytes) =>
          runner.query(`INSERT INTO ${this.chunks} (partition, own_offset, seq, bytes) VALUES ($1, $2, $3, $4)`, [partition, ownOffset, seq, bytes]));
        let count = 0;
        for (const [key, state] of aggregates) {
          await writer.write(Buffer.from(`${JSON.stringify([key, codec.toJSON(state)])}\n`, 'utf8'));
          count++;
        }
        const { chunks, bytes, sha256 } = await writer.end();
        await runner.query(
          `UPDATE ${this.headers} SET aggregates = $3, chunks = $4, bytes = $5, sha256 = $6 WHERE partition = $1 AND own_offset = $2`,
          [partition, ownOffset, count, chunks, bytes, sha256],
        );
        await runner.query(
          `DELETE FROM ${this.headers} WHERE partition = $1 AND own_offset NOT IN (
             SELECT own_offset FROM ${this.headers} WHERE partition = $1 ORDER BY own_offset DESC LIMIT ${SNAPSHOTS_KEPT})`,
          [partition],
        );
        await runner.commitTransaction();
        return { ...position, aggregates: count, chunks, bytes };
      } catch (error) {
        if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
        throw error;
      }
    } finally {
      await runner.release();
    }
  }

  /**
   * The newest snapshot of the partition that restores completely. A corrupt or partial one is logged and passed
   * over for the one before it; with none left the caller replays its log from offset 0. Database errors propagate
   * (the caller retries the rebuild): an unreachable cache is not a corrupt one.
   */
  async restore<S>(partition: number, codec: StateCodec<S>, logger: SnapshotLogger): Promise<RestoreOutcome<S>> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      // One consistent view: a concurrent save (a fenced predecessor finishing) cannot prune chunks under our reads.
      await runner.startTransaction('REPEATABLE READ');
      const headers: HeaderRow[] = await runner.query(
        `SELECT own_offset::text, events_applied::text, format, aggregates, chunks, bytes::text, sha256
         FROM ${this.headers} WHERE partition = $1 ORDER BY own_offset DESC`,
        [partition],
      );
      let skipped = 0;
      for (const header of headers) {
        const position = { partition, ownOffset: header.own_offset, eventsApplied: header.events_applied };
        try {
          const states = await this.readStates(runner, position, header, codec);
          await runner.commitTransaction();
          return { restored: { ...position, states, chunks: header.chunks, bytes: Number(header.bytes) }, skipped };
        } catch (error) {
          if (!(error instanceof CorruptSnapshot)) throw error;
          skipped++;
          logger.warn('snapshot ignored; trying an older one, else replaying the log from offset 0', { partition, ownOffset: header.own_offset, error: error.message });
        }
      }
      await runner.commitTransaction();
      return { restored: undefined, skipped };
    } finally {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      await runner.release();
    }
  }

  private async readStates<S>(runner: QueryRunner, position: SnapshotPosition, header: HeaderRow, codec: StateCodec<S>): Promise<Map<string, S>> {
    const corrupt = (reason: string) => new CorruptSnapshot(position, reason);
    if (header.format !== SNAPSHOT_FORMAT_VERSION) throw corrupt(`format ${header.format}, this runtime reads ${SNAPSHOT_FORMAT_VERSION}`);
    if (!(header.chunks >= 0 && header.chunks <= SNAPSHOT_CHUNKS_MAX)) throw corrupt(`chunk count ${header.chunks}`);
    const states = new Map<string, S>();
    const reader = new LineReader((line) => {
      let key: unknown;
      let json: unknown;
      try {
        [key, json] = JSON.parse(line.toString('utf8')) as [unknown, unknown];
      } catch (error) {
        throw corrupt(`aggregate ${states.size + 1}: ${String(error)}`);
      }
      if (typeof key !== 'string') throw corrupt(`aggregate ${states.size + 1} has no key`);
      try {
        states.set(key, codec.fromJSON(json));
      } catch (error) {
        throw corrupt(`aggregate ${key} does not decode: ${String(error)}`);
      }
    });
    let seq = 0;
    while (seq < header.chunks) {
      const rows: { seq: number; bytes: Buffer }[] = await runner.query(
        `SELECT seq, bytes FROM ${this.chunks} WHERE partition = $1 AND own_offset = $2 AND seq >= $3 ORDER BY seq LIMIT $4`,
        [position.partition, position.ownOffset, seq, this.restoreChunksPerQuery],
      );
      if (rows.length === 0) throw corrupt(`chunk ${seq} of ${header.chunks} is missing`);
      for (const row of rows) {
        if (row.seq !== seq) throw corrupt(`chunk ${seq} of ${header.chunks} is missing`);
        reader.push(row.bytes);
        seq++;
      }
    }
    const { bytes, sha256, unterminated } = reader.end();
    if (unterminated) throw corrupt('the last aggregate is cut off');
    if (bytes !== Number(header.bytes)) throw corrupt(`${bytes} bytes, the header says ${header.bytes}`);
    if (sha256 !== header.sha256) throw corrupt('sha256 differs from the header');
    if (states.size !== header.aggregates) throw corrupt(`${states.size} aggregates, the header says ${header.aggregates}`);
    return states;
  }
}

interface HeaderRow {
  own_offset: string;
  events_applied: string;
  format: number;
  aggregates: number;
  chunks: number;
  bytes: string;
  sha256: string;
}

/** Cuts a byte stream into chunks of exactly chunkBytesMax (the last one shorter) and hands each to `flush` in order. */
class ChunkWriter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private seq = 0;
  private bytes = 0;
  private readonly hash: Hash = createHash('sha256');

  constructor(private readonly chunkBytesMax: number, private readonly flush: (seq: number, bytes: Buffer) => Promise<unknown>) {}

  async write(bytes: Buffer): Promise<void> {
    this.hash.update(bytes);
    this.bytes += bytes.length;
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    if (this.pendingBytes < this.chunkBytesMax) return;
    // One copy per write that fills chunks, however many it fills (one aggregate may span many chunks).
    const all = Buffer.concat(this.pending, this.pendingBytes);
    let start = 0;
    for (; all.length - start >= this.chunkBytesMax; start += this.chunkBytesMax) await this.emit(all.subarray(start, start + this.chunkBytesMax));
    this.pending = start < all.length ? [Buffer.from(all.subarray(start))] : [];
    this.pendingBytes = all.length - start;
  }

  async end(): Promise<{ chunks: number; bytes: number; sha256: string }> {
    if (this.pendingBytes > 0) await this.emit(Buffer.concat(this.pending, this.pendingBytes));
    this.pending = [];
    this.pendingBytes = 0;
    return { chunks: this.seq, bytes: this.bytes, sha256: this.hash.digest('hex') };
  }

  private async emit(chunk: Buffer): Promise<void> {
    if (this.seq >= SNAPSHOT_CHUNKS_MAX) throw new RangeError(`snapshot exceeds ${SNAPSHOT_CHUNKS_MAX} chunks of ${this.chunkBytesMax} bytes`);
    await this.flush(this.seq++, chunk);
  }
}

/** Reassembles newline-terminated lines from chunks cut anywhere (inside a line, inside a UTF-8 sequence). */
class LineReader {
  private carry: Buffer[] = [];
  private bytes = 0;
  private readonly hash: Hash = createHash('sha256');

  constructor(private readonly onLine: (line: Buffer) => void) {}

  push(chunk: Buffer): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    let start = 0;
    for (let end = chunk.indexOf(NEWLINE, start); end !== -1; end = chunk.indexOf(NEWLINE, start)) {
      const tail = chunk.subarray(start, end);
      const line = this.carry.length > 0 ? Buffer.concat([...this.carry, tail]) : tail;
      this.carry = [];
      this.onLine(line);
      start = end + 1;
    }
    // Copy the tail: the chunk's buffer can then be collected.
    if (start < chunk.length) this.carry.push(Buffer.from(chunk.subarray(start)));
  }

  end(): { bytes: number; sha256: string; unterminated: boolean } {
    return { bytes: this.bytes, sha256: this.hash.digest('hex'), unterminated: this.carry.length > 0 };
  }
}
