import 'reflect-metadata';
import Big from 'big.js';
import { INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AvroCodec, CatalogSchemaRegistry } from '@billing/avro';
import { EventSourcingModule, SERVICE_RUNTIME, ServiceRuntime } from '@billing/runtime';
import { JsonLogger, startTelemetry } from '@billing/telemetry';
import { createTestTopics, runId, testKafka } from '@billing/testing/kafka';
import { encodeSampleCommand, sampleServiceDefinition, sampleTopics } from '../sample/app/definition';
import { sampleBalancesProjection } from '../sample/app/projection';

/** The service as operators see it: /health, /ready (only after the rebuild), /metrics for Prometheus. */
describe('service HTTP surface (Nest app on the real broker and PostgreSQL)', () => {
  it('answers /health at once, /ready once rebuilt, and exposes the runtime metrics', async () => {
    const kafka = testKafka('service-http-it');
    const codec = new AvroCodec(new CatalogSchemaRegistry());
    const name = `sample_http_${runId()}`;
    const topics = sampleTopics(name);
    await createTestTopics(kafka, [{ name: topics.commands }, { name: topics.events }, { name: topics.deadLetters }, { name: topics.positions, compact: true }]);
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const command = (commandId: string, kind: 'Deposit' | 'Poison') =>
      encodeSampleCommand(codec, { accountId: 'acct-h', commandId, kind, amount: new Big('3.25'), issuedAt: '2026-01-01T00:00:00.000Z' });
    await producer.send({ topic: topics.commands, messages: [
      { key: 'acct-h', value: await command('h1', 'Deposit') },
      { key: 'acct-h', value: await command('h2', 'Poison') },
      { key: 'acct-h', value: await command('h3', 'Deposit') },
    ] });
    await producer.disconnect();

    // The service's own reason not to be ready (metering's stalled platform clock, say): /ready must report it.
    let serviceReason: string | undefined;
    @Module({
      imports: [EventSourcingModule.forService({
        serviceName: name,
        definition: () => ({ ...sampleServiceDefinition(codec, name, topics), notReadyReason: () => serviceReason }),
        projections: [sampleBalancesProjection(codec, name, topics.events)],
      })],
    })
    class SampleHttpModule {}

    startTelemetry(name);
    const app: INestApplication = await NestFactory.create(SampleHttpModule, { logger: new JsonLogger(name, 'warn') });
    await app.listen(0, '127.0.0.1');
    const base = await app.getUrl();
    try {
      expect((await fetch(`${base}/health`)).status).toBe(200);
      const runtime = app.get<ServiceRuntime<unknown, unknown, unknown>>(SERVICE_RUNTIME);
      await runtime.waitUntilReady();
      await runtime.waitUntilCaughtUp();
      const ready = await fetch(`${base}/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ready', partitions: [0, 1, 2, 3] });
      serviceReason = 'platform clock stalled (test)';
      const stalled = await fetch(`${base}/ready`);
      expect(stalled.status).toBe(503);
      expect(await stalled.json()).toMatchObject({ status: 'not ready', reason: 'platform clock stalled (test)' });
      expect(await runtime.isReady()).toBe(false);
      serviceReason = undefined;
      expect((await fetch(`${base}/ready`)).status).toBe(200);

      const metrics = await (await fetch(`${base}/metrics`)).text();
      const sample = (metric: string, labels: string) =>
        metrics.split('\n').find((line) => line.startsWith(`${metric}{`) && labels.split(',').every((l) => line.includes(l)));
      expect(sample('billing_runtime_records_in_total', `service="${name}"`)).toMatch(/ 3$/);
      expect(sample('billing_runtime_events_out_total', `service="${name}"`)).toMatch(/ 2$/);
      expect(sample('billing_runtime_dead_letters_total', `service="${name}",reason="POISON_RECORD"`)).toMatch(/ 1$/);
      expect(sample('billing_runtime_batch_duration_ms_bucket', `service="${name}"`)).toBeDefined();
      expect(sample('billing_runtime_consumer_lag', `service="${name}"`)).toMatch(/ 0$/);
      expect(sample('billing_runtime_partitions_ready', `service="${name}"`)).toMatch(/ 4$/);
    } finally {
      await app.close();
      const { DataSource } = await import('typeorm');
      const admin = new DataSource({ type: 'postgres', url: process.env.DATABASE_URL });
      await admin.initialize();
      await admin.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
      await admin.destroy();
    }
  });
});
