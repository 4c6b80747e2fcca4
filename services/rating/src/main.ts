// The rating service as a process (port 3104): accepted usage in, rated charges out, accrued charges projected.
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { AvroCodec, schemaRegistryFromEnv } from '@billing/avro';
import { bootstrapService, EventSourcingModule } from '@billing/runtime';
import { RATING_SERVICE_NAME, ratingServiceDefinition } from './app/definition';
import { ratingChargesProjection } from './app/projection';

const codec = new AvroCodec(schemaRegistryFromEnv());

@Module({
  imports: [
    EventSourcingModule.forService({
      serviceName: RATING_SERVICE_NAME,
      definition: () => ratingServiceDefinition(codec),
      projections: [ratingChargesProjection(codec)],
    }),
  ],
})
class RatingAppModule {}

bootstrapService(RatingAppModule, RATING_SERVICE_NAME, 3104).catch((error) => {
  console.error(error);
  process.exit(1);
});
