// The contracts service as a process: crm.deals.v1 -> contracts.events.v1, plus the contract terms projection.
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { AvroCodec, schemaRegistryFromEnv } from '@billing/avro';
import { bootstrapService, EventSourcingModule } from '@billing/runtime';
import { CONTRACTS_SERVICE_NAME, CONTRACTS_TOPICS, contractsServiceDefinition, prefixedContractsTopics } from './app/definition';
import { contractTermsProjection } from './app/projection';

const CONTRACTS_PORT_DEFAULT = 3101;

const codec = new AvroCodec(schemaRegistryFromEnv());
// Kill tests and sandboxes run a copy on fresh topics and a fresh group: CONTRACTS_NAME=contracts_<run>, TOPICS_PREFIX=<prefix>.
const name = process.env.CONTRACTS_NAME ?? CONTRACTS_SERVICE_NAME;
const topics = process.env.TOPICS_PREFIX ? prefixedContractsTopics(process.env.TOPICS_PREFIX) : CONTRACTS_TOPICS;

@Module({
  imports: [
    EventSourcingModule.forService({
      serviceName: name,
      definition: () => contractsServiceDefinition(codec, { name, topics }),
      projections: [contractTermsProjection(codec, name, topics.events)],
    }),
  ],
})
class ContractsAppModule {}

bootstrapService(ContractsAppModule, name, CONTRACTS_PORT_DEFAULT).catch((error) => {
  console.error(error);
  process.exit(1);
});
