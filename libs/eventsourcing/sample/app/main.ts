// The sample service as a process: used by the runtime's kill test and benchmark.
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { AvroCodec, schemaRegistryFromEnv } from '@billing/avro';
import { bootstrapService, EventSourcingModule } from '@billing/runtime';
import { sampleServiceDefinition, sampleTopics } from './definition';
import { sampleBalancesProjection } from './projection';

const codec = new AvroCodec(schemaRegistryFromEnv());
// Tests run the sample service on fresh topics and a fresh group: SAMPLE_NAME=sample_<run>, topics <name>.*.v1.
const name = process.env.SAMPLE_NAME ?? 'sample';
const topics = sampleTopics(name);

@Module({
  imports: [
    EventSourcingModule.forService({
      serviceName: name,
      definition: () => sampleServiceDefinition(codec, name, topics),
      projections: process.env.SAMPLE_PROJECTIONS === 'off' ? [] : [sampleBalancesProjection(codec, name, topics.events)],
      runtimeOptions: {
        batchRecordsMax: Number(process.env.BATCH_RECORDS_MAX ?? 500),
        snapshotEveryEvents: Number(process.env.SNAPSHOT_EVERY_EVENTS ?? 10_000),
        sessionTimeoutMs: Number(process.env.SESSION_TIMEOUT_MS ?? 30_000),
        heartbeatIntervalMs: Number(process.env.HEARTBEAT_INTERVAL_MS ?? 3_000),
      },
    }),
  ],
})
class SampleAppModule {}

bootstrapService(SampleAppModule, name, 3900).catch((error) => {
  console.error(error);
  process.exit(1);
});
