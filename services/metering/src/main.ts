// The metering service as a process (port 3103): usage in, accepted usage out, per-period aggregates projected.
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { AvroCodec, schemaRegistryFromEnv } from '@billing/avro';
import { kafkaConfigFromEnv } from '@billing/kafka';
import { bootstrapService, EventSourcingModule } from '@billing/runtime';
import { Kafka } from 'kafkajs';
import { METERING_SERVICE_NAME, meteringServiceDefinition } from './app/definition';
import { meteringOptionsFromEnv } from './app/config';
import { meteringAggregatesProjection } from './app/projection';

const codec = new AvroCodec(schemaRegistryFromEnv());

@Module({
  imports: [
    EventSourcingModule.forService({
      serviceName: METERING_SERVICE_NAME,
      // Its own client: used only to read the platform time back from the clock topic after a restart.
      definition: () =>
        meteringServiceDefinition(codec, { ...meteringOptionsFromEnv(), kafka: new Kafka(kafkaConfigFromEnv(`${METERING_SERVICE_NAME}-clock`)) }),
      projections: [meteringAggregatesProjection(codec)],
    }),
  ],
})
class MeteringAppModule {}

bootstrapService(MeteringAppModule, METERING_SERVICE_NAME, 3103).catch((error) => {
  console.error(error);
  process.exit(1);
});
