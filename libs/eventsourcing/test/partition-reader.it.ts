// readPartitionsToEnd against the real broker: a handler that fails part-way through a read must fail the read,
// never have kafkajs hand it the same batch again (a rebuild would fold those events twice).
import { createTestTopics, runId, testKafka } from '@billing/testing/kafka';
import { readPartitionsToEnd } from '@billing/runtime';

describe('readPartitionsToEnd', () => {
  const kafka = testKafka('partition-reader-test');
  const topic = `reader-test.${runId()}`;
  const RECORDS = 50;

  beforeAll(async () => {
    await createTestTopics(kafka, [{ name: topic }], 1);
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await producer.connect();
    // One request per record: several record batches, as a real log has.
    for (let i = 0; i < RECORDS; i++) await producer.send({ topic, acks: -1, messages: [{ key: 'k', value: String(i), partition: 0 }] });
    await producer.disconnect();
  });

  it('reads every record once, in order, up to the end offset', async () => {
    const seen: string[] = [];
    await readPartitionsToEnd(kafka, [{ topic, partition: 0, fromOffset: '0' }], async (_t, messages) => {
      for (const m of messages) seen.push(m.offset);
    });
    expect(seen).toEqual(Array.from({ length: RECORDS }, (_, i) => String(i)));
  });

  it('fails the whole read when the handler throws, and never delivers an offset twice', async () => {
    const delivered = new Map<string, number>();
    let calls = 0;
    const read = readPartitionsToEnd(kafka, [{ topic, partition: 0, fromOffset: '0' }], async (_t, messages) => {
      calls++;
      for (const m of messages) {
        delivered.set(m.offset, (delivered.get(m.offset) ?? 0) + 1);
        // Part of the batch applied, then a failure (a registry outage while decoding, say).
        if (calls === 1 && m.offset === messages[Math.floor(messages.length / 2)].offset) throw new Error('decode failed mid-batch');
      }
    });
    await expect(read).rejects.toThrow('decode failed mid-batch');
    // Give kafkajs the time it would take to redeliver the batch, had the read not stopped.
    await new Promise((r) => setTimeout(r, 1_000));
    expect([...delivered.values()].every((n) => n === 1)).toBe(true);
    expect(calls).toBe(1);
  });
});
