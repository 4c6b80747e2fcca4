/**
 * After a restart, a metering worker's platform time is the last tick at or before its processed position on the
 * clock topic, read back from the broker: never a later tick it has not processed (a replay must decide the same).
 */
import { AvroCodec, CatalogSchemaRegistry } from '@billing/avro';
import { PlatformClock } from '@billing/clock';
import type { InputRecord } from '@billing/runtime';
import { createTestTopics, runId, testKafka } from '@billing/testing/kafka';
import { PlatformTimeByPartition } from './platform-time';

const codec = new AvroCodec(new CatalogSchemaRegistry());

describe('platform time after a restart (real broker)', () => {
  const kafka = testKafka('platform-time-it');
  const clockTopic = `metering_pt_${runId()}.platform.clock.v1`;
  const usage = (partition: number, timestamp: string): InputRecord => ({
    topic: 'usage', partition, offset: '0', key: null, value: null, headers: {}, timestamp: String(Date.parse(timestamp)),
  });

  beforeAll(async () => {
    await createTestTopics(kafka, [{ name: clockTopic }]);
    const clock = new PlatformClock(kafka, codec, `pt-${runId()}`, clockTopic);
    await clock.connect();
    try {
      // Each tick is one record and one commit marker per partition: offsets 0, 2, 4.
      for (const at of ['2026-01-01T00:00:00.000Z', '2026-01-02T00:00:00.000Z', '2026-01-03T00:00:00.000Z']) await clock.advanceTo(at);
    } finally {
      await clock.disconnect();
    }
  });

  it('is the tick at the processed clock position, not the tail', async () => {
    const time = new PlatformTimeByPartition(codec, clockTopic, kafka);
    expect(await time.nowFor(usage(1, '2026-01-05T00:00:00.000Z'), { positionOf: () => 2n })).toBe('2026-01-02T00:00:00.000Z');
  });

  it('is the last tick before the processed position when that position is not a tick', async () => {
    const time = new PlatformTimeByPartition(codec, clockTopic, kafka);
    expect(await time.nowFor(usage(2, '2026-01-05T00:00:00.000Z'), { positionOf: () => 3n })).toBe('2026-01-02T00:00:00.000Z');
  });

  it("is the record's broker timestamp while no tick was processed", async () => {
    const time = new PlatformTimeByPartition(codec, clockTopic, kafka);
    expect(await time.nowFor(usage(3, '2026-01-05T00:00:00.000Z'), { positionOf: () => undefined })).toBe('2026-01-05T00:00:00.000Z');
  });
});
