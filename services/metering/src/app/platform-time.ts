import { AvroCodec } from '@billing/avro';
import { decodeClockTick, type ClockTick } from '@billing/clock';
import { InputContext, InputRecord, readPartitionsToEnd } from '@billing/runtime';
import { Kafka } from 'kafkajs';

/** Clock records read back after a restart to find the last processed tick (a tick is 1 record + 1 transaction marker). */
const CLOCK_READBACK_RECORDS = 64;

/**
 * The platform time a worker has reached, per partition: the latest tick it was handed on the clock topic (every
 * tick goes to every partition). Metering stamps usage with it (`receivedAt`, the future-skew check), never with
 * wall time, so a simulated clock and a replay give the same answers.
 *
 * After a restart no tick has been seen yet: the time is read back from the clock partition, the last tick at or
 * before the worker's processed position on the clock topic (never a tick it has not processed, which would make
 * a replay differ from the live run). With no processed tick (a fresh platform without a ticker, or usage merged
 * ahead of the first tick by its timestamp), the record's broker timestamp stands in.
 */
export class PlatformTimeByPartition {
  private readonly latestMs = new Map<number, number>();
  private readonly loads = new Map<number, Promise<void>>();
  /** The clock position last read back, per partition: read once, even if it holds no tick. */
  private readonly readBackAt = new Map<number, bigint>();

  constructor(
    private readonly codec: AvroCodec,
    private readonly clockTopic: string,
    private readonly kafka?: Kafka,
    /** Told of every tick (live or read back after a restart), e.g. the stall detector. */
    private readonly onTick?: (tick: Pick<ClockTick, 'at' | 'mode'>, live: boolean) => void,
  ) {}

  observe(partition: number, at: string, mode?: ClockTick['mode']): void {
    const atMs = Date.parse(at);
    if (mode !== undefined) this.onTick?.({ at, mode }, true);
    if (Number.isFinite(atMs) && atMs > (this.latestMs.get(partition) ?? Number.NEGATIVE_INFINITY)) this.latestMs.set(partition, atMs);
  }

  async nowFor(record: InputRecord, context?: InputContext): Promise<string> {
    const processed = context?.positionOf(this.clockTopic);
    if (!this.latestMs.has(record.partition) && this.kafka && processed !== undefined && this.readBackAt.get(record.partition) !== processed) {
      let load = this.loads.get(record.partition);
      if (!load) {
        load = this.readBack(this.kafka, record.partition, processed).finally(() => this.loads.delete(record.partition));
        this.loads.set(record.partition, load);
      }
      await load;
    }
    const ms = this.latestMs.get(record.partition) ?? Number(record.timestamp);
    return new Date(ms).toISOString();
  }

  /** Reads the clock partition up to the processed position (inclusive): its last tick is the platform time. */
  private async readBack(kafka: Kafka, partition: number, processed: bigint): Promise<void> {
    const window = BigInt(CLOCK_READBACK_RECORDS);
    const fromOffset = processed >= window ? processed - window + 1n : 0n;
    let last: ClockTick | undefined;
    await readPartitionsToEnd(
      kafka,
      [{ topic: this.clockTopic, partition, fromOffset: fromOffset.toString(), untilOffset: (processed + 1n).toString() }],
      async (_target, messages) => {
        for (const message of messages) {
          if (!message.value) continue;
          const tick = await decodeClockTick(this.codec, message.value).catch(() => undefined);
          if (tick) last = tick;
        }
      },
    );
    this.readBackAt.set(partition, processed);
    if (last) {
      this.onTick?.(last, false);
      this.observe(partition, last.at);
    }
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
 * The realtime clock is stalled and this usage would be judged FUTURE_TIMESTAMP against its last tick: not the
 * input's fault, so not a DomainError. The runtime leaves the record unconsumed and retries it once ticks resume.
 */
export class PlatformClockStalled extends Error {
  constructor(eventTime: string, lastTick: string, stalledForMs: number) {
    super(`platform clock stalled for ${stalledForMs} ms (last tick ${lastTick}); usage at ${eventTime} is retried, not rejected`);
    this.name = 'PlatformClockStalled';
  }
}
