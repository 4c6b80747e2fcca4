/**
 * Contracts -> metering -> rating through the real broker and PostgreSQL, on fresh topics per test: metering and
 * rating runtimes (and their projections) in-process, usage produced with libs/usage-producer, time moved with the
 * PlatformClock. Contract events are produced onto contracts.events.v1 exactly as the contracts service writes them
 * (its decider and mapper, encoded with the declared subject), so these tests do not depend on its runtime.
 */
import { AvroCodec, CatalogSchemaRegistry } from '@billing/avro';
import { PlatformClock } from '@billing/clock';
import { DeadLetter, openServiceDatabase, ProjectionRunner, ServiceRuntime } from '@billing/runtime';
import type * as wire from '@billing/schemas';
import { createTestTopics, readTopic, runId, testKafka } from '@billing/testing/kafka';
import { Usage, UsageProducer } from '@billing/usage-producer';
import { Kafka, Partitioners, Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { ContractCommand, contractsDecider, ContractsState } from '../../services/contracts/src/domain';
import { contractEventToWire } from '../../services/contracts/src/app/mappers';
import { MeteringTopics, meteringServiceDefinition, prefixedMeteringTopics } from '../../services/metering/src/app/definition';
import { meteringEventFromWire } from '../../services/metering/src/app/mappers';
import { meteringAggregatesProjection } from '../../services/metering/src/app/projection';
import type { MeteringEvent } from '../../services/metering/src/domain';
import { prefixedRatingTopics, RatingTopics, ratingServiceDefinition } from '../../services/rating/src/app/definition';
import { ratingEventFromWire } from '../../services/rating/src/app/mappers';
import { ratingChargesProjection } from '../../services/rating/src/app/projection';
import type { RatingEvent } from '../../services/rating/src/domain';

const silent = { info: () => undefined, warn: () => undefined, error: (m: string, f?: object) => console.error(m, f) };
const CONTRACTS_SUBJECT = 'contracts.events.v1-value';

export class UsagePipeline {
  readonly codec = new AvroCodec(new CatalogSchemaRegistry());
  readonly kafka: Kafka = testKafka('usage-pipeline-it');
  readonly run = runId();
  readonly prefix = `it_${this.run}`;
  readonly meteringName = `metering_${this.run}`;
  readonly ratingName = `rating_${this.run}`;
  readonly meteringTopics: MeteringTopics = prefixedMeteringTopics(this.prefix);
  readonly ratingTopics: RatingTopics = prefixedRatingTopics(this.prefix);
  /** Usage ids metering counted as duplicates (the metric's hook). */
  readonly duplicates: string[] = [];
  meteringDefinition = this.newMeteringDefinition();
  ratingDefinition = ratingServiceDefinition(this.codec, { name: this.ratingName, topics: this.ratingTopics });
  metering!: ServiceRuntime<unknown, unknown, unknown>;
  rating!: ServiceRuntime<unknown, unknown, unknown>;
  meteringProjection!: ProjectionRunner;
  ratingProjection!: ProjectionRunner;
  meteringDb!: DataSource;
  ratingDb!: DataSource;
  clock!: PlatformClock;
  usage!: UsageProducer;
  private producer!: Producer;
  private platformNow = new Date('2026-01-01T00:00:00.000Z');
  private contractsState: ContractsState = contractsDecider.initialState();
  private contractEventsWritten = 0;

  async start(): Promise<void> {
    const t = this.meteringTopics;
    const r = this.ratingTopics;
    await createTestTopics(this.kafka, [
      { name: t.usage }, { name: t.contracts }, { name: t.clock }, { name: t.events }, { name: t.deadLetters }, { name: t.positions, compact: true },
      { name: r.events }, { name: r.deadLetters }, { name: r.positions, compact: true },
    ]);
    this.meteringDb = await openServiceDatabase(this.meteringName);
    this.ratingDb = await openServiceDatabase(this.ratingName);
    this.metering = new ServiceRuntime(this.meteringDefinition as never, { kafka: this.kafka, dataSource: this.meteringDb, logger: silent });
    this.rating = new ServiceRuntime(this.ratingDefinition as never, { kafka: this.kafka, dataSource: this.ratingDb, logger: silent });
    this.meteringProjection = new ProjectionRunner(this.kafka, this.meteringDb, meteringAggregatesProjection(this.codec, this.meteringName, t.events));
    this.ratingProjection = new ProjectionRunner(this.kafka, this.ratingDb, ratingChargesProjection(this.codec, this.ratingName, r.events));
    this.clock = new PlatformClock(this.kafka, this.codec, `it-${this.run}`, t.clock);
    await this.clock.connect();
    this.usage = UsageProducer.create(this.kafka, { codec: this.codec, topic: t.usage, clock: () => this.platformNow });
    await this.usage.connect();
    this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    await this.producer.connect();
    await this.metering.start();
    await this.rating.start();
    await this.meteringProjection.start();
    await this.ratingProjection.start();
    await this.metering.waitUntilReady();
    await this.rating.waitUntilReady();
  }

  /** Stops metering and starts a fresh process's worth of it (new definition, nothing in memory): it rebuilds from its log. */
  async restartMetering(): Promise<void> {
    await this.metering.stop();
    this.meteringDefinition = this.newMeteringDefinition();
    this.metering = new ServiceRuntime(this.meteringDefinition as never, { kafka: this.kafka, dataSource: this.meteringDb, logger: silent });
    await this.metering.start();
    await this.metering.waitUntilReady();
  }

  /** Stops rating and starts a fresh process's worth of it: it rebuilds its state (held usage too) from its log. */
  async restartRating(): Promise<void> {
    await this.rating.stop();
    this.ratingDefinition = ratingServiceDefinition(this.codec, { name: this.ratingName, topics: this.ratingTopics });
    this.rating = new ServiceRuntime(this.ratingDefinition as never, { kafka: this.kafka, dataSource: this.ratingDb, logger: silent });
    await this.rating.start();
    await this.rating.waitUntilReady();
  }

  private newMeteringDefinition() {
    return meteringServiceDefinition(this.codec, {
      name: this.meteringName,
      topics: this.meteringTopics,
      kafka: this.kafka,
      onDuplicate: (_customer, eventId) => this.duplicates.push(eventId),
    });
  }

  async stop(): Promise<void> {
    for (const step of [
      () => this.meteringProjection?.stop(), () => this.ratingProjection?.stop(), () => this.metering?.stop(), () => this.rating?.stop(),
      () => this.clock?.disconnect(), () => this.usage?.disconnect(), () => this.producer?.disconnect(),
    ]) await step()?.catch((error: unknown) => console.error(error));
    for (const [db, name] of [[this.meteringDb, this.meteringName], [this.ratingDb, this.ratingName]] as const) {
      if (!db) continue;
      await db.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`).catch(() => undefined);
      await db.destroy().catch(() => undefined);
    }
  }

  /** Metering, then rating (whose input metering just wrote), have processed everything on their inputs. */
  async settle(): Promise<void> {
    await this.metering.waitUntilCaughtUp();
    await this.rating.waitUntilCaughtUp();
  }

  /** Moves the platform clock and waits until both services have seen the tick (usage is stamped with it). */
  async advanceTo(at: string): Promise<void> {
    await this.clock.advanceTo(at);
    this.platformNow = new Date(at);
    await this.settle();
  }

  /** A contracts-service command decided by the contracts decider and written as contracts.events.v1 records. */
  async publishContract(command: ContractCommand): Promise<void> {
    const events = contractsDecider.decide(command, this.contractsState);
    const schemaVersion = await this.codec.registry.latestVersion(CONTRACTS_SUBJECT);
    const messages = [];
    for (const event of events) {
      this.contractsState = contractsDecider.evolve(this.contractsState, event);
      const { envelope, eventType, payload } = contractEventToWire(event);
      const record: wire.ContractEvent = {
        eventId: `contracts-it:${this.run}:${this.contractEventsWritten++}`,
        eventType,
        occurredAt: envelope.occurredAt,
        recordedAt: envelope.occurredAt,
        causationId: null,
        correlationId: null,
        schemaVersion,
        customerId: envelope.customerId,
        payload,
      };
      messages.push({ key: envelope.customerId, value: await this.codec.encode(CONTRACTS_SUBJECT, record) });
    }
    await this.producer.send({ topic: this.meteringTopics.contracts, acks: -1, messages });
    await this.settle();
  }

  async sendUsage(usages: readonly Usage[]): Promise<void> {
    await this.usage.sendBatch(usages);
  }

  /** Raw bytes onto usage.events.v1, as a broken product would write them. */
  async sendRawUsage(key: string, value: Buffer): Promise<void> {
    await this.producer.send({ topic: this.meteringTopics.usage, acks: -1, messages: [{ key, value }] });
  }

  async meteringEvents(): Promise<(MeteringEvent & { partition: number })[]> {
    const records = await readTopic(this.kafka, this.meteringTopics.events);
    return Promise.all(records.map(async (m) => ({
      ...meteringEventFromWire((await this.codec.decode<wire.MeteringEvent>(m.value!, 'metering.usage.v1-value')).value), partition: m.partition,
    })));
  }

  async ratingEvents(): Promise<RatingEvent[]> {
    const records = await readTopic(this.kafka, this.ratingTopics.events);
    // Per customer the order is the partition's; sorting by offset within a partition keeps it.
    records.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
    return Promise.all(records.map(async (m) => ratingEventFromWire((await this.codec.decode<wire.RatingEvent>(m.value!, 'rating.events.v1-value')).value)));
  }

  async meteringDeadLetters(): Promise<DeadLetter[]> {
    return Promise.all((await readTopic(this.kafka, this.meteringTopics.deadLetters)).map((m) => this.meteringDefinition.deadLetterCodec.decode(m.value!)));
  }

  async ratingDeadLetters(): Promise<DeadLetter[]> {
    return Promise.all((await readTopic(this.kafka, this.ratingTopics.deadLetters)).map((m) => this.ratingDefinition.deadLetterCodec.decode(m.value!)));
  }
}
