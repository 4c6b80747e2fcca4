// The entitlements service as a process: contracts, metering usage and the clock in; entitlement events and the
// compacted balances topic out; GET /customers/:id/entitlements for people and scripts.
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { AvroCodec, schemaRegistryFromEnv } from '@billing/avro';
import { bootstrapService } from '@billing/runtime';
import { ENTITLEMENTS_SERVICE_NAME, ENTITLEMENTS_TOPICS, prefixedEntitlementsTopics } from './app/definition';
import { EntitlementsAppModule } from './app/entitlements.module';

const ENTITLEMENTS_PORT_DEFAULT = 3102;

const codec = new AvroCodec(schemaRegistryFromEnv());
// Kill tests and sandboxes run a copy on fresh topics and a fresh group: ENTITLEMENTS_NAME=entitlements_<run>, TOPICS_PREFIX=<prefix>.
const name = process.env.ENTITLEMENTS_NAME ?? ENTITLEMENTS_SERVICE_NAME;
// ENTITLEMENTS_HELD_USAGE_MAX: usage held per customer before its first terms arrive (default 100,000).
const heldUsageMax = process.env.ENTITLEMENTS_HELD_USAGE_MAX === undefined ? undefined : Number(process.env.ENTITLEMENTS_HELD_USAGE_MAX);
const topics = process.env.TOPICS_PREFIX ? prefixedEntitlementsTopics(process.env.TOPICS_PREFIX) : ENTITLEMENTS_TOPICS;

@Module({ imports: [EntitlementsAppModule.forRoot({ codec, name, topics, heldUsageMax })] })
class EntitlementsMainModule {}

bootstrapService(EntitlementsMainModule, name, ENTITLEMENTS_PORT_DEFAULT).catch((error) => {
  console.error(error);
  process.exit(1);
});
