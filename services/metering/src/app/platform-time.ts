import { AvroCodec } from '@billing/avro';
import { DomainError } from '@billing/errors';
import { decodeClockTick, type ClockTick } from '@billing/clock';
import { InputContext, InputRecord, readPartitionsToEnd } from '@billing/runtime';
import { Kafka } from 'kafkajs';

/** Clock records read back after a restart to find the last processed tick (a tick is 1 record + 1 transaction marker). */
const CLOCK_READBACK_RECORDS = 64;
/** Ticks remembered per partition by offset (the worker's clock position is almost always the latest). */
const RECENT_TICKS_MAX = 8;

/**
 * The platform time a worker has reached, per partition: the tick at its position on the clock topic as of the
 * usage record, in the runtime's merge of the inputs (every tick goes to every partition). Metering stamps usage
 * with it (`receivedAt`, the future-skew check), never with wall time, so a simulated clock and a replay give the
 * same answers.
 *
 * The tick is usually one this process was handed; after a restart it is read back from the clock partition: the
 * last tick at or before that position (never a tick not processed yet, which would make a restart or a replay
 * differ from the live run). With no tick handled (a fresh platform without a ticker, or usage whose timestamp
 * puts it ahead of the first tick), the record's broker timestamp stands in.
 */
export class PlatformTimeByPartition {
  /** Latest tick seen per partition (for callers without an InputContext). */
  private readonly latestMs = new Map<number, number>();
  /** The last ticks seen per partition, by clock offset: the tick at a worker's clock position is usually here. */
  private readonly recentByOffset = new Map<number, Map<bigint, number>>();
  /** The last clock position read back per partition, and the tick found at or before it (if any). */
  private readonly readBacks = new Map<number, { readonly position: bigint; readonly atMs: number | undefined }>();

  constructor(
    private readonly codec: AvroCodec,
    private readonly clockTopic: string,
    private readonly kafka?: Kafka,
    /** Told of every tick (live or read back after a restart), e.g. the stall detector. */
    private readonly onTick?: (tick: Pick<ClockTick, 'at' | 'mode'>, live: boolean) => void,
  ) {}

  /** A tick handed to the worker; `offset` is its clock record's offset. */
  observe(partition: number, at: string, mode?: ClockTick['mode'], offset?: string): void {
    const atMs = Date.parse(at);
    if (mode !== undefined) this.onTick?.({ at, mode }, true);
    if (!Number.isFinite(atMs)) return;
    if (atMs > (this.latestMs.get(partition) ?? Number.NEGATIVE_INFINITY)) this.latestMs.set(partition, atMs);
    if (offset === undefined) return;
    let recent = this.recentByOffset.get(partition);
    if (!recent) this.recentByOffset.set(partition, (recent = new Map()));
    recent.set(BigInt(offset), atMs);
    if (recent.size > RECENT_TICKS_MAX) recent.delete(recent.keys().next().value!);
  }

  /**
   * The platform time for a usage record: the tick at the worker's clock position as of this record (the context
   * the runtime gives), read back from the clock partition when this process has not seen it; the record's broker
   * timestamp while no tick was handled. Without a context (direct callers), the latest tick seen.
   */
  async nowFor(record: InputRecord, context?: InputContext): Promise<string> {
    const fallback = () => this.latestMs.get(record.partition) ?? Number(record.timestamp);
    if (!context) return new Date(fallback()).toISOString();
    const position = context.positionOf(this.clockTopic);
    if (position === undefined) return new Date(Number(record.timestamp)).toISOString();
    let atMs = this.recentByOffset.get(record.partition)?.get(position);
    if (atMs === undefined) {
      if (!this.kafka) return new Date(fallback()).toISOString();
      let readBack = this.readBacks.get(record.partition);
      if (readBack?.position !== position) {
        readBack = { position, atMs: await this.readBack(this.kafka, record.partition, position) };
        this.readBacks.set(record.partition, readBack);
      }
      atMs = readBack.atMs ?? Number(record.timestamp);
    }
    return new Date(atMs).toISOString();
  }

  /** Reads the clock partition up to a position (inclusive): its last tick is the platform time there. */
  private async readBack(kafka: Kafka, partition: number, position: bigint): Promise<number | undefined> {
    const window = BigInt(CLOCK_READBACK_RECORDS);
    const fromOffset = position >= window ? position - window + 1n : 0n;
    let last: ClockTick | undefined;
    await readPartitionsToEnd(
      kafka,
      [{ topic: this.clockTopic, partition, fromOffset: fromOffset.toString(), untilOffset: (position + 1n).toString() }],
      async (_target, messages) => {
        for (const message of messages) {
          if (!message.value) continue;
          const tick = await decodeClockTick(this.codec, message.value).catch(() => undefined);
          if (tick) last = tick;
        }
      },
    );
    if (!last) return undefined;
    this.onTick?.(last, false);
    const atMs = Date.parse(last.at);
    return Number.isFinite(atMs) ? atMs : undefined;
  }
}

/**
 * Tells when the realtime platform clock has stalled: no tick observed for more than `stalledAfterTicks` tick
 * intervals of wall time. Usage is stamped with the last tick, so a stalled clock would make usage sent on time look
 * like it came from the future; while stalled, the service reports not ready and leaves such usage to be retried
 * instead of dead-lettering it. A simulated clock (tests, sandboxes) moves only when a scenario says: it never stalls.
 * Before any tick there is no clock to stall (a fresh platform: the broker timestamp stands in).
 */
export class ClockStallDetector {
  private lastTickWallMs: number | null = null;
  private realtime = false;

  constructor(
    private readonly tickIntervalMs: number,
    private readonly stalledAfterTicks: number,
    /** Wall time in ms (injected: tests advance it by hand). */
    private readonly wallNowMs: () => number = () => Date.now(),
  ) {}

  /**
   * A tick seen live counts as observed now; one read back from the clock topic (after a restart) as observed
   * at its own time, since a realtime tick's `at` is the wall time it was written at.
   */
  observe(tick: Pick<ClockTick, 'at' | 'mode'>, live: boolean): void {
    const observedMs = live ? this.wallNowMs() : Math.min(Date.parse(tick.at), this.wallNowMs());
    if (!Number.isFinite(observedMs)) return;
    if (this.lastTickWallMs === null || observedMs >= this.lastTickWallMs) {
      this.lastTickWallMs = observedMs;
      this.realtime = tick.mode === 'Realtime';
    }
  }

  /** Wall ms since the last tick when the realtime clock is stalled, else undefined. */
  stalledForMs(): number | undefined {
    if (!this.realtime || this.lastTickWallMs === null) return undefined;
    const silentMs = this.wallNowMs() - this.lastTickWallMs;
    return silentMs > this.stalledAfterTicks * this.tickIntervalMs ? silentMs : undefined;
  }
}

/**
 * The realtime clock is stalled and this usage would be judged FUTURE_TIMESTAMP against its last tick. It cannot be
 * held in place: in the runtime's merge of inputs the ticks that would release it sort after it, so a retry would
 * stall the partition for good. It goes to the DLQ under its own reason, which says it is not the usage's fault
 * and is to be redriven once the clock ticks again; /ready and metering_platform_clock_stalled show the stall.
 */
export class PlatformClockStalled extends DomainError {
  constructor(eventTime: string, lastTick: string, stalledForMs: number) {
    super('CLOCK_STALLED', `platform clock stalled for ${stalledForMs} ms (last tick ${lastTick}); usage at ${eventTime} is not judged against it: redrive it once the clock ticks again`, {
      eventTime, lastTick, stalledForMs: String(stalledForMs),
    });
  }
}
