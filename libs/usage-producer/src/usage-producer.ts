import { AvroCodec, defaultAvroCodec } from '@billing/avro';
import { Big, parseDecimal } from '@billing/money';
import type * as wire from '@billing/schemas';
import { Partitioners, type Kafka, type Producer } from 'kafkajs';

export const USAGE_TOPIC = 'usage.events.v1';
const USAGE_SUBJECT = `${USAGE_TOPIC}-value`;
/** Largest batch one sendBatch call writes (one produce request). */
export const USAGE_BATCH_RECORDS_MAX = 10_000;

/** One usage measurement, as a product knows it. */
export interface Usage {
  /** The idempotency key: resending the same id is counted once by metering (within its dedup window). */
  readonly eventId: string;
  readonly customerId: string;
  readonly meterCode: string;
  /** A Big or decimal text ('1500.25'); never a JS number, which cannot hold every decimal exactly. */
  readonly quantity: Big | string;
  /** When the usage happened. */
  readonly eventTime: Date | string;
  readonly properties?: Readonly<Record<string, string>>;
}

function instant(value: Date | string, field: string): string {
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  if (!Number.isFinite(ms)) throw new RangeError(`${field} is not a valid instant: ${String(value)}`);
  return new Date(ms).toISOString();
}

/** The usage.events.v1 value of one usage (pure; the envelope's eventId is the usage's idempotency key). */
export function usageEventValue(usage: Usage, recordedAt: Date, schemaVersion: number): wire.UsageEvent {
  if (usage.eventId.length === 0) throw new RangeError('eventId is required');
  return {
    eventId: usage.eventId,
    eventType: 'UsageRecorded',
    occurredAt: instant(usage.eventTime, 'eventTime'),
    recordedAt: recordedAt.toISOString(),
    causationId: null,
    correlationId: null,
    schemaVersion,
    customerId: usage.customerId,
    payload: {
      'billing.usage.UsageRecorded': {
        meterCode: usage.meterCode,
        quantity: typeof usage.quantity === 'string' ? parseDecimal(usage.quantity) : usage.quantity,
        properties: { ...(usage.properties ?? {}) },
      },
    },
  };
}

export interface UsageProducerOptions {
  /** Defaults to the process codec over SCHEMA_REGISTRY_URL or the committed catalog. */
  readonly codec?: AvroCodec;
  /** Wall clock for the envelope's recordedAt (the product's time of sending). */
  readonly clock?: () => Date;
  /** usage.events.v1 unless a test writes the same records to a scratch topic. */
  readonly topic?: string;
}

/**
 * A thin typed producer for usage.events.v1: Avro (Confluent framing) values keyed by customer id, written by an
 * idempotent kafkajs producer (acks from all in-sync replicas, one request in flight so retries keep order).
 */
export class UsageProducer {
  private readonly codec: AvroCodec;
  private readonly clock: () => Date;
  private readonly topic: string;

  constructor(
    private readonly producer: Producer,
    options: UsageProducerOptions = {},
  ) {
    this.codec = options.codec ?? defaultAvroCodec();
    this.clock = options.clock ?? (() => new Date());
    this.topic = options.topic ?? USAGE_TOPIC;
  }

  /**
   * Creates the idempotent kafkajs producer this helper needs. The partitioner is kafkajs 2's default (murmur2 as
   * Java clients hash), named explicitly: usage must land on the partition the platform's own producers pick for the
   * same customer id, because topics are co-partitioned by customer. The runtime checks it: a record whose customer id
   * hashes to another partition goes to the dead-letter topic as WRONG_PARTITION.
   */
  static create(kafka: Kafka, options: UsageProducerOptions = {}): UsageProducer {
    return new UsageProducer(
      kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner }),
      options,
    );
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }

  send(usage: Usage): Promise<void> {
    return this.sendBatch([usage]);
  }

  async sendBatch(usages: readonly Usage[]): Promise<void> {
    if (usages.length === 0) return;
    if (usages.length > USAGE_BATCH_RECORDS_MAX) throw new RangeError(`at most ${USAGE_BATCH_RECORDS_MAX} usages per batch`);
    const schemaVersion = await this.codec.registry.latestVersion(USAGE_SUBJECT);
    const recordedAt = this.clock();
    const messages = await Promise.all(
      usages.map(async (usage) => ({
        key: usage.customerId,
        value: await this.codec.encode(USAGE_SUBJECT, usageEventValue(usage, recordedAt, schemaVersion)),
      })),
    );
    await this.producer.send({ topic: this.topic, acks: -1, messages });
  }
}
