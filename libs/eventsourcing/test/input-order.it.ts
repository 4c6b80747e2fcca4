/**
 * The runtime merges a partition's inputs by record timestamp (ties by declared input order), whatever kafkajs
 * fetches first: the sample service reads two command topics here, filled so that each topic alone is one
 * fetch, and the events must come out in timestamp order across both.
 */
import Big from 'big.js';
import { Kafka, Producer } from 'kafkajs';
import { AvroCodec, CatalogSchemaRegistry } from '@billing/avro';
import { ServiceDefinition, ServiceRuntime } from '@billing/runtime';
import { createTestTopics, readTopic, runId } from '@billing/testing/kafka';
import { Account, AccountCommand, AccountEvent } from '../sample/domain/account';
import { encodeSampleCommand, sampleServiceDefinition, sampleTopics } from '../sample/app/definition';
import { brokerTestSetup } from './broker-setup';

jest.setTimeout(120_000);

const codec = new AvroCodec(new CatalogSchemaRegistry());
const silent = { info: () => undefined, warn: () => undefined, error: (m: string, f?: object) => console.error(m, f) };
const BASE_MS = Date.parse('2026-01-01T00:00:00.000Z');

describe('order of inputs (real broker and PostgreSQL)', () => {
  let kafka: Kafka;
  let producer: Producer;
  const { database } = brokerTestSetup('input-order-it', (k, p) => { kafka = k; producer = p; });

  /** Deposits to one account (one partition), each with an explicit CreateTime. */
  async function send(topic: string, deposits: [commandId: string, atMs: number][]): Promise<void> {
    const messages = await Promise.all(deposits.map(async ([commandId, atMs]) => ({
      key: 'acct-o',
      timestamp: String(BASE_MS + atMs),
      value: await encodeSampleCommand(codec, { accountId: 'acct-o', commandId, kind: 'Deposit', amount: new Big('1'), issuedAt: new Date(BASE_MS + atMs).toISOString() }),
    })));
    await producer.send({ topic, messages, acks: -1 });
  }

  async function processedOrder(definition: ServiceDefinition<AccountCommand, AccountEvent, Account>): Promise<string[]> {
    const records = await readTopic(kafka, definition.eventTopic);
    records.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
    return Promise.all(records.map(async (m) => (await definition.eventCodec.decode(m.value!)).commandId));
  }

  it('processes two topics of a partition by timestamp, ties by declared input order, and a late older record next', async () => {
    const name = `sample_order_${runId()}`;
    const topics = sampleTopics(name);
    const second = `${name}.adjustments.v1`;
    await createTestTopics(kafka, [
      { name: topics.commands }, { name: second }, { name: topics.events }, { name: topics.deadLetters }, { name: topics.positions, compact: true },
    ]);
    const base = sampleServiceDefinition(codec, name, topics);
    // The second input is declared first: on equal timestamps its record goes first.
    const definition = { ...base, inputs: [{ topic: second, toCommands: base.inputs[0].toCommands }, base.inputs[0]] };

    // Written topic by topic (each a single fetch for kafkajs), timestamps interleaved across the two.
    await send(topics.commands, [['c-10', 10], ['c-30', 30], ['c-50', 50], ['c-70', 70]]);
    await send(second, [['a-20', 20], ['a-30', 30], ['a-60', 60], ['a-90', 90]]);

    const dataSource = await database(name);
    const runtime = new ServiceRuntime(definition, { kafka, dataSource, logger: silent, options: { batchRecordsMax: 3 } });
    await runtime.start();
    try {
      await runtime.waitUntilReady(60_000);
      await runtime.waitUntilCaughtUp(60_000);
      expect(await processedOrder(definition)).toEqual(['c-10', 'a-20', 'a-30', 'c-30', 'c-50', 'a-60', 'c-70', 'a-90']);

      // A record older than what was processed is processed next, never dropped.
      await send(topics.commands, [['c-late-40', 40]]);
      await runtime.waitUntilCaughtUp(60_000);
      expect((await processedOrder(definition)).slice(-1)).toEqual(['c-late-40']);
    } finally {
      await runtime.stop();
    }
  });
});
