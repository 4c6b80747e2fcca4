import { AvroCodec, CatalogSchemaRegistry } from '@billing/avro';
import { createTestTopics, readTopic, runId, testKafka } from '@billing/testing/kafka';
import { decodeClockTick, PlatformClock } from './clock';

describe('platform clock (real broker)', () => {
  it('writes each tick to every partition, in order, and refuses to go backwards', async () => {
    const kafka = testKafka('clock-it');
    const codec = new AvroCodec(new CatalogSchemaRegistry());
    const topic = `clock_${runId()}.v1`;
    await createTestTopics(kafka, [{ name: topic }]);
    const clock = new PlatformClock(kafka, codec, `test-${runId()}`, topic);
    await clock.connect();
    try {
      await clock.advanceTo('2026-01-15T00:00:00Z');
      await clock.advanceTo('2026-02-01T00:00:00Z');
      await expect(clock.advanceTo('2026-01-31T00:00:00Z')).rejects.toThrow('never moves backwards');
    } finally {
      await clock.disconnect();
    }
    const records = await readTopic(kafka, topic);
    expect(records).toHaveLength(8);
    for (const partition of [0, 1, 2, 3]) {
      const ticks = await Promise.all(records.filter((r) => r.partition === partition).map((r) => decodeClockTick(codec, r.value!)));
      expect(ticks.map((t) => t.at)).toEqual(['2026-01-15T00:00:00.000Z', '2026-02-01T00:00:00.000Z']);
    }
  });
});
