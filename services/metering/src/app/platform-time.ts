import { AvroCodec } from '@billing/avro';
import { decodeClockTick } from '@billing/clock';
import { InputRecord, readPartitionsToEnd } from '@billing/runtime';
import { Kafka } from 'kafkajs';

/** Clock records read back after a restart to find the platform time (a tick is 1 record + 1 transaction marker). */
const CLOCK_TAIL_RECORDS = 64;

/**
 * The platform time a worker has reached, per partition: the latest tick it was handed on the clock topic (every
 * tick goes to every partition). Metering stamps usage with it (`receivedAt`, the future-skew check), never with
 * wall time, so a simulated clock and a replay give the same answers.
 *
 * After a restart no tick has been seen yet: the time is read back from the tail of the clock partition (it may
 * be a tick the worker has not processed yet, which only makes the skew check a little more lenient). With no tick
 * on the partition at all (a fresh platform without a ticker), the record's broker timestamp stands in.
 */
export class PlatformTimeByPartition {
  private readonly latestMs = new Map<number, number>();
  private readonly loads = new Map<number, Promise<void>>();

  constructor(
    private readonly codec: AvroCodec,
    private readonly clockTopic: string,
    private readonly kafka?: Kafka,
  ) {}

  observe(partition: number, at: string): void {
    const atMs = Date.parse(at);
    if (Number.isFinite(atMs) && atMs > (this.latestMs.get(partition) ?? Number.NEGATIVE_INFINITY)) this.latestMs.set(partition, atMs);
  }

  async nowFor(record: InputRecord): Promise<string> {
    if (!this.latestMs.has(record.partition) && this.kafka) {
      let load = this.loads.get(record.partition);
      if (!load) {
        load = this.readTail(this.kafka, record.partition).finally(() => this.loads.delete(record.partition));
        this.loads.set(record.partition, load);
      }
      await load;
    }
    const ms = this.latestMs.get(record.partition) ?? Number(record.timestamp);
    return new Date(ms).toISOString();
  }

  private async readTail(kafka: Kafka, partition: number): Promise<void> {
    const admin = kafka.admin();
    await admin.connect();
    let high: bigint;
    try {
      const offsets = await admin.fetchTopicOffsets(this.clockTopic);
      high = BigInt(offsets.find((o) => o.partition === partition)?.high ?? '0');
    } finally {
      await admin.disconnect();
    }
    if (high === 0n) return;
    const fromOffset = high > BigInt(CLOCK_TAIL_RECORDS) ? high - BigInt(CLOCK_TAIL_RECORDS) : 0n;
    await readPartitionsToEnd(kafka, [{ topic: this.clockTopic, partition, fromOffset: fromOffset.toString() }], async (_target, messages) => {
      for (const message of messages) {
        if (!message.value) continue;
        const tick = await decodeClockTick(this.codec, message.value).catch(() => undefined);
        if (tick) this.observe(partition, tick.at);
      }
    });
  }
}
