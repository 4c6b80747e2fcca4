import { DynamicModule, Module } from '@nestjs/common';
import { AvroCodec } from '@billing/avro';
import { EventSourcingModule, RuntimeOptions } from '@billing/runtime';
import { ENTITLEMENTS_SERVICE_NAME, entitlementsServiceDefinition, EntitlementsServiceOptions } from './definition';
import { EntitlementsController } from './entitlements.controller';

export interface EntitlementsAppOptions extends EntitlementsServiceOptions {
  readonly codec: AvroCodec;
  readonly runtimeOptions?: Partial<RuntimeOptions>;
}

/** The entitlements Nest application: the event-sourced runtime (health, readiness, metrics) plus the read endpoint. */
@Module({})
export class EntitlementsAppModule {
  static forRoot(options: EntitlementsAppOptions): DynamicModule {
    const serviceName = options.name ?? ENTITLEMENTS_SERVICE_NAME;
    return {
      module: EntitlementsAppModule,
      imports: [
        EventSourcingModule.forService({
          serviceName,
          definition: () => entitlementsServiceDefinition(options.codec, { name: serviceName, topics: options.topics, heldUsageMax: options.heldUsageMax }),
          runtimeOptions: options.runtimeOptions,
        }),
      ],
      controllers: [EntitlementsController],
    };
  }
}
