import { Kafka, Producer } from 'kafkajs';
import { AvroCodec } from '@billing/avro';

export const CLOCK_TOPIC = 'platform.clock.v1';
const CLOCK_SUBJECT = `${CLOCK_TOPIC}-value`;

export interface ClockTick {
  readonly tickId: string;
  /** The platform time this tick moves the clock to (ISO-8601 UTC). */
  readonly at: string;
  readonly mode: 'Realtime' | 'Simulated';
}

export async function decodeClockTick(codec: AvroCodec, value: Buffer): Promise<ClockTick> {
  const { value: tick } = await codec.decode<ClockTick>(value, CLOCK_SUBJECT);
  return tick;
}

/**
 * Appends ticks to the platform clock topic. Every tick goes to EVERY partition, in one transaction, so each
 * co-partitioned worker of every service sees the same time at the same point of its input. Services react to
 * ticks (period close, dunning retries, recognition), never to wall time, so a replay is deterministic.
 */
export class PlatformClock {
  private producer: Producer | undefined;
  private partitions: number[] = [];
  private lastAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly kafka: Kafka, private readonly codec: AvroCodec, private readonly clockId: string, private readonly topic = CLOCK_TOPIC) {}

  async connect(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const metadata = await admin.fetchTopicMetadata({ topics: [this.topic] });
      this.partitions = metadata.topics[0].partitions.map((p) => p.partitionId).sort((a, b) => a - b);
    } finally {
      await admin.disconnect();
    }
    // One transactional id per clock: a second ticker with the same id fences the first (only one clock moves time).
    this.producer = this.kafka.producer({ transactionalId: `clock.${this.clockId}`, idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await this.producer.connect();
  }

  /** Moves platform time to `at` (simulated mode: tests, demos, sandboxes). Time never moves backwards. */
  async advanceTo(at: string, mode: ClockTick['mode'] = 'Simulated'): Promise<ClockTick> {
    if (!this.producer) throw new Error('PlatformClock.connect() first');
    const atMs = Date.parse(at);
    if (Number.isNaN(atMs)) throw new Error(`not an instant: ${at}`);
    if (atMs < this.lastAt) throw new Error(`the platform clock never moves backwards (${at})`);
    this.lastAt = atMs;
    const tick: ClockTick = { tickId: `${this.clockId}:${new Date(atMs).toISOString()}`, at: new Date(atMs).toISOString(), mode };
    const value = await this.codec.encode(CLOCK_SUBJECT, tick);
    const transaction = await this.producer.transaction();
    try {
      await transaction.send({ topic: this.topic, messages: this.partitions.map((partition) => ({ key: String(partition), value, partition })) });
      await transaction.commit();
    } catch (error) {
      await transaction.abort().catch(() => undefined);
      throw error;
    }
    return tick;
  }

  /** Production mode: a tick every `intervalMs` of wall time, carrying the wall time. Returns a stop function. */
  startTicker(intervalMs: number, now: () => Date = () => new Date()): () => void {
    let stopped = false;
    const timer = setInterval(() => {
      if (!stopped) void this.advanceTo(now().toISOString(), 'Realtime').catch((error) => console.error(JSON.stringify({ level: 'error', message: 'clock tick failed', error: String(error) })));
    }, intervalMs);
    return () => { stopped = true; clearInterval(timer); };
  }

  async disconnect(): Promise<void> {
    await this.producer?.disconnect();
    this.producer = undefined;
  }
}
