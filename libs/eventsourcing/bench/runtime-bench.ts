// Benchmark of the event-sourced runtime (see runtime-bench.sh). Prints figures; asserts nothing about speed.
import Big from 'big.js';
import { execFileSync } from 'node:child_process';
import { AvroCodec, CatalogSchemaRegistry } from '@billing/avro';
import { openServiceDatabase, ServiceRuntime } from '@billing/runtime';
import { createTestTopics, runId, testKafka } from '@billing/testing/kafka';
import { encodeSampleCommand, sampleServiceDefinition, sampleTopics } from '../sample/app/definition';

const RECORDS = Number(process.env.BENCH_RECORDS ?? 100_000);
const ACCOUNTS = 10_000;

async function main(): Promise<void> {
  const kafka = testKafka('bench-runtime');
  const codec = new AvroCodec(new CatalogSchemaRegistry());
  const name = `sample_bench_${runId()}`;
  const topics = sampleTopics(name);
  await createTestTopics(kafka, [{ name: topics.commands }, { name: topics.events }, { name: topics.deadLetters }, { name: topics.positions, compact: true }]);

  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  let bytes = 0;
  for (let i = 0; i < RECORDS; i += 10_000) {
    const messages = [];
    for (let j = i; j < Math.min(RECORDS, i + 10_000); j++) {
      const accountId = `acct-${j % ACCOUNTS}`;
      const value = await encodeSampleCommand(codec, { accountId, commandId: `cmd-${j}`, kind: 'Deposit', amount: new Big('12.345'), issuedAt: '2026-01-01T00:00:00.000Z' });
      bytes += value.length;
      messages.push({ key: accountId, value });
    }
    await producer.send({ topic: topics.commands, messages, acks: -1 });
  }
  await producer.disconnect();
  const recordBytes = Math.round(bytes / RECORDS);

  const dataSource = await openServiceDatabase(name);
  const silent = { info: () => undefined, warn: () => undefined, error: (m: string, f?: object) => console.error(m, f) };
  const runtime = new ServiceRuntime(sampleServiceDefinition(codec, name, topics), {
    kafka, dataSource, logger: silent,
    options: { batchRecordsMax: Number(process.env.BENCH_BATCH_RECORDS_MAX ?? 2_000), snapshotEveryEvents: 1_000_000, partitionsConsumedConcurrently: 4, maxBytesPerPartition: 4_194_304 },
  });
  const memoryBefore = process.memoryUsage().rss;
  await runtime.start();
  await runtime.waitUntilReady();
  const started = process.hrtime.bigint();
  await runtime.waitUntilCaughtUp(600_000);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const memoryAfter = process.memoryUsage().rss;
  await runtime.stop();
  await dataSource.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
  await dataSource.destroy();
  const runtimeRate = RECORDS / seconds;

  // The broker's own limit for the same record size: Kafka's ProducerPerformance, acks=all, idempotent.
  let brokerRate = NaN;
  const classpath = process.env.KAFKA_TOOLS_CLASSPATH;
  if (classpath) {
    const perfTopic = `${name}.perf`;
    await createTestTopics(kafka, [{ name: perfTopic }]);
    const output = execFileSync('java', [
      '-Xmx512m', '-cp', classpath, 'org.apache.kafka.tools.ProducerPerformance',
      '--topic', perfTopic, '--num-records', String(RECORDS), '--record-size', String(recordBytes), '--throughput', '-1',
      '--producer-props', `bootstrap.servers=${process.env.KAFKA_BROKERS}`, 'acks=all', 'enable.idempotence=true',
    ], { encoding: 'utf8' });
    const summary = output.trim().split('\n').pop() ?? '';
    const match = /([\d.]+) records\/sec/.exec(summary);
    brokerRate = match ? Number(match[1]) : NaN;
    console.log(`kafka ProducerPerformance: ${summary}`);
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [perfTopic, ...Object.values(topics)] }).catch(() => undefined);
    await admin.disconnect();
  } else {
    console.log('KAFKA_TOOLS_CLASSPATH not set: run through npm run bench:runtime to measure the raw broker too');
  }
  console.log(JSON.stringify({
    records: RECORDS,
    recordBytes,
    runtimeRecordsPerSecond: Math.round(runtimeRate),
    runtimeSeconds: Number(seconds.toFixed(2)),
    brokerRecordsPerSecond: Math.round(brokerRate),
    runtimeToBrokerRatio: Number((runtimeRate / brokerRate).toFixed(3)),
    rssGrowthMiB: Math.round((memoryAfter - memoryBefore) / 1048576),
    note: 'runtime: decode + decide + evolve + encode + one Kafka transaction per slice (events + positions), read_committed; broker: raw produce only',
  }, null, 2));
  process.exit(0);
}

main().catch((error) => { console.error(error); process.exit(1); });
