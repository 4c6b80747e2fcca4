import { Controller, DynamicModule, Get, Inject, Injectable, Module, OnApplicationBootstrap, OnApplicationShutdown, Req, Res, ServiceUnavailableException } from '@nestjs/common';
import type { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { kafkaConfigFromEnv } from '@billing/kafka';
import { JsonLogger, startTelemetry, Telemetry } from '@billing/telemetry';
import { ProjectionDefinition, ProjectionRunner } from '../projection';
import { openServiceDatabase } from '../runtime/database';
import { ServiceRuntime } from '../runtime/service-runtime';
import { RuntimeOptions, ServiceDefinition } from '../runtime/types';

export const KAFKA = Symbol('KAFKA');
export const DATA_SOURCE = Symbol('DATA_SOURCE');
export const SERVICE_RUNTIME = Symbol('SERVICE_RUNTIME');
export const PROJECTIONS = Symbol('PROJECTIONS');
export const TELEMETRY = Symbol('TELEMETRY');

export interface EventSourcingModuleOptions {
  readonly serviceName: string;
  /** Built once at start: codecs may need the schema registry. */
  readonly definition: () => ServiceDefinition<any, any, any> | Promise<ServiceDefinition<any, any, any>>;
  readonly projections?: readonly ProjectionDefinition[];
  readonly runtimeOptions?: Partial<RuntimeOptions>;
}

@Injectable()
class RuntimeLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(SERVICE_RUNTIME) private readonly runtime: ServiceRuntime<unknown, unknown, unknown>,
    @Inject(PROJECTIONS) private readonly projections: ProjectionRunner[],
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.runtime.start();
    for (const projection of this.projections) await projection.start();
  }

  async onApplicationShutdown(): Promise<void> {
    for (const projection of this.projections) await projection.stop().catch(() => undefined);
    await this.runtime.stop();
    await this.dataSource.destroy().catch(() => undefined);
  }
}

@Controller()
class HealthController {
  constructor(
    @Inject(SERVICE_RUNTIME) private readonly runtime: ServiceRuntime<unknown, unknown, unknown>,
    @Inject(TELEMETRY) private readonly telemetry: Telemetry,
  ) {}

  /** Liveness: the process answers. */
  @Get('health')
  health() {
    return { status: 'ok', service: this.telemetry.serviceName };
  }

  /** Readiness: every assigned partition rebuilt from the log, no input being retried, no service-specific reason. */
  @Get('ready')
  async ready() {
    const reason = await this.runtime.notReadyReason();
    if (reason !== undefined) throw new ServiceUnavailableException({ status: 'not ready', reason });
    return { status: 'ready', partitions: this.runtime.assignedPartitions() };
  }

  @Get('metrics')
  metrics(@Req() request: IncomingMessage, @Res() response: ServerResponse) {
    this.telemetry.metricsHandler(request, response);
  }
}

@Module({})
export class EventSourcingModule {
  static forService(options: EventSourcingModuleOptions): DynamicModule {
    return {
      module: EventSourcingModule,
      controllers: [HealthController],
      providers: [
        { provide: TELEMETRY, useFactory: () => startTelemetry(options.serviceName) },
        { provide: KAFKA, useFactory: () => new Kafka(kafkaConfigFromEnv(options.serviceName)) },
        { provide: DATA_SOURCE, useFactory: () => openServiceDatabase(options.serviceName) },
        {
          provide: SERVICE_RUNTIME,
          inject: [KAFKA, DATA_SOURCE],
          useFactory: async (kafka: Kafka, dataSource: DataSource) =>
            new ServiceRuntime(await options.definition(), {
              kafka,
              dataSource,
              options: options.runtimeOptions,
              logger: new JsonLogger(options.serviceName),
            }),
        },
        {
          provide: PROJECTIONS,
          inject: [KAFKA, DATA_SOURCE],
          useFactory: (kafka: Kafka, dataSource: DataSource) =>
            (options.projections ?? []).map((p) => new ProjectionRunner(kafka, dataSource, p)),
        },
        RuntimeLifecycle,
      ],
      exports: [SERVICE_RUNTIME, KAFKA, DATA_SOURCE, PROJECTIONS, TELEMETRY],
    };
  }
}

/** Starts a service's Nest application: JSON logs, telemetry, shutdown hooks, HTTP on PORT (default given). */
export async function bootstrapService(appModule: Type<unknown>, serviceName: string, defaultPort: number): Promise<INestApplication> {
  startTelemetry(serviceName);
  const app = await NestFactory.create(appModule, { logger: new JsonLogger(serviceName), abortOnError: false });
  app.enableShutdownHooks();
  await app.listen(Number(process.env.PORT ?? defaultPort), process.env.HOST ?? '127.0.0.1');
  return app;
}
