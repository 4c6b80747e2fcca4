import { InputRecord } from './types';

/** What an input topic of one partition has delivered and what is known to exist on it. */
interface TopicBuffer {
  readonly index: number;
  readonly records: InputRecord[];
  /** Next offset the consumer fetches: every offset below it was delivered (or was a marker / aborted). */
  fetched: bigint | undefined;
  /** End offset (high watermark) as last learned. */
  end: bigint | undefined;
  /** Lowest offset ever buffered (where to fetch again if the buffer is dropped before anything is processed). */
  first: bigint | undefined;
}

/**
 * Merges the inputs of one partition into one deterministic order, the way Kafka Streams orders a task's
 * partitions: among the buffered heads, the record with the smallest (timestamp, index of its topic in the
 * declared inputs, offset) goes first, but only while every input whose buffer is empty is known to be caught up
 * (fetched up to its end offset). Otherwise a record with a smaller timestamp could still be on its way, so we
 * wait: in a replay from offset 0 every input already exists, so every run merges in the same order.
 *
 * Pure bookkeeping: the runtime feeds it batches and end offsets and decides when to ask again.
 */
export class InputMerger {
  private readonly topics = new Map<string, TopicBuffer>();

  constructor(topics: readonly string[]) {
    topics.forEach((topic, index) => this.topics.set(topic, { index, records: [], fetched: undefined, end: undefined, first: undefined }));
  }

  /**
   * Buffers a delivered batch (offset order). Records below what was already delivered (a refetch after a
   * rebalance) are dropped, so each offset is buffered once.
   */
  offer(topic: string, records: readonly InputRecord[]): number {
    const buffer = this.buffer(topic);
    let accepted = 0;
    for (const record of records) {
      const offset = BigInt(record.offset);
      if (buffer.fetched !== undefined && offset < buffer.fetched) continue;
      buffer.records.push(record);
      buffer.first ??= offset;
      buffer.fetched = offset + 1n;
      accepted++;
    }
    return accepted;
  }

  /** The consumer's fetch position moved (a batch of markers or aborted records only counts as consumed). */
  fetchedUpTo(topic: string, nextOffset: bigint): void {
    const buffer = this.buffer(topic);
    if (buffer.fetched === undefined || nextOffset > buffer.fetched) buffer.fetched = nextOffset;
  }

  /** An end offset learned from a batch's high watermark or from the broker; end offsets only grow. */
  learnEnd(topic: string, end: bigint): void {
    const buffer = this.buffer(topic);
    if (buffer.end === undefined || end > buffer.end) buffer.end = end;
  }

  buffered(topic: string): number {
    return this.buffer(topic).records.length;
  }

  totalBuffered(): number {
    let n = 0;
    for (const b of this.topics.values()) n += b.records.length;
    return n;
  }

  firstOffered(topic: string): bigint | undefined {
    return this.buffer(topic).first;
  }

  /** End offset as last learned, if any. */
  endOffset(topic: string): bigint | undefined {
    return this.buffer(topic).end;
  }

  /** Next offset delivered for the topic, if any is known. */
  fetchedOffset(topic: string): bigint | undefined {
    return this.buffer(topic).fetched;
  }

  /**
   * Empty inputs that are not known to be caught up: the merge waits for them. `processedUpTo` is the worker's
   * position per topic (everything at or below it is done, so nothing below can still arrive that matters).
   */
  lagging(processedUpTo: (topic: string) => bigint | undefined = () => undefined): string[] {
    const out: string[] = [];
    for (const [topic, buffer] of this.topics) {
      if (buffer.records.length > 0) continue;
      if (!this.caughtUp(topic, buffer, processedUpTo(topic))) out.push(topic);
    }
    return out;
  }

  /**
   * Releases up to `max` records in merged order; stops early (possibly at zero) when an empty input is not
   * caught up. `force` releases regardless (a lagging input that never answers must not stall the partition).
   */
  release(max: number, processedUpTo: (topic: string) => bigint | undefined = () => undefined, force = false): InputRecord[] {
    const out: InputRecord[] = [];
    while (out.length < max) {
      let best: TopicBuffer | undefined;
      for (const [topic, buffer] of this.topics) {
        const head = buffer.records[0];
        if (!head) {
          if (!force && !this.caughtUp(topic, buffer, processedUpTo(topic))) return out;
          continue;
        }
        if (!best || before(head, buffer.index, best.records[0], best.index)) best = buffer;
      }
      if (!best) return out;
      out.push(best.records.shift()!);
    }
    return out;
  }

  private caughtUp(topic: string, buffer: TopicBuffer, processed: bigint | undefined): boolean {
    if (buffer.end === undefined) return false;
    if (buffer.end === 0n) return true;
    const delivered = [buffer.fetched, processed === undefined ? undefined : processed + 1n]
      .reduce<bigint>((a, b) => (b !== undefined && b > a ? b : a), -1n);
    return delivered >= buffer.end;
  }

  private buffer(topic: string): TopicBuffer {
    const buffer = this.topics.get(topic);
    if (!buffer) throw new Error(`${topic} is not an input of this partition`);
    return buffer;
  }
}

/** Merge order: timestamp, then the topic's declared index, then offset. */
function before(a: InputRecord, aIndex: number, b: InputRecord, bIndex: number): boolean {
  const at = BigInt(a.timestamp);
  const bt = BigInt(b.timestamp);
  if (at !== bt) return at < bt;
  if (aIndex !== bIndex) return aIndex < bIndex;
  return BigInt(a.offset) < BigInt(b.offset);
}
