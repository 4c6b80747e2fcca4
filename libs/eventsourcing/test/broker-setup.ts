// The set-up every runtime broker test shares: one Kafka client and idempotent producer per file, and the service
// databases it opens, whose schemas are dropped when the file is done.
import Big from 'big.js';
import { Kafka, Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { openServiceDatabase } from '@billing/runtime';
import { testKafka } from '@billing/testing/kafka';
import { SampleCommandWire } from '../sample/app/definition';

/** Registers the file's beforeAll/afterAll; `connected` receives the client and producer once they are up. */
export function brokerTestSetup(clientId: string, connected: (kafka: Kafka, producer: Producer) => void): { database(name: string): Promise<DataSource> } {
  let producer: Producer | undefined;
  const dataSources: DataSource[] = [];
  beforeAll(async () => {
    const kafka = testKafka(clientId);
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    connected(kafka, producer);
  });
  afterAll(async () => {
    await producer?.disconnect();
    for (const ds of dataSources) {
      await ds.query(`DROP SCHEMA IF EXISTS "${(ds.options as { schema?: string }).schema}" CASCADE`).catch(() => undefined);
      await ds.destroy().catch(() => undefined);
    }
  });
  return {
    async database(name: string) {
      const ds = await openServiceDatabase(name);
      dataSources.push(ds);
      return ds;
    },
  };
}

/** A deposit command of the sample service, as its producer writes it. */
export function deposit(accountId: string, commandId: string, amount: string, issuedAt = '2026-01-01T00:00:00.000Z'): SampleCommandWire {
  return { accountId, commandId, kind: 'Deposit', amount: new Big(amount), issuedAt };
}
