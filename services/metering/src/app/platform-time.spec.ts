import { AvroCodec, CatalogSchemaRegistry, loadSchemas } from '@billing/avro';
import { Big } from '@billing/money';
import type { InputRecord } from '@billing/runtime';
import type * as wire from '@billing/schemas';
import { defaultMeteringConfig, isAheadOfPlatformTime } from '../domain';
import { meteringOptionsFromEnv } from './config';
import { meteringServiceDefinition } from './definition';
import { ClockStallDetector, PlatformTimeByPartition } from './platform-time';

const MINUTE_MS = 60_000;

describe('future skew is measured against the tick cadence', () => {
  const config = { ...defaultMeteringConfig, clockTickIntervalMs: 10 * MINUTE_MS, futureSkewMs: 5 * MINUTE_MS };
  const lastTickMs = Date.parse('2026-01-15T12:00:00.000Z');

  it('accepts usage up to one tick interval plus the skew past the last tick', () => {
    expect(isAheadOfPlatformTime(lastTickMs + 15 * MINUTE_MS, lastTickMs, config)).toBe(false);
    expect(isAheadOfPlatformTime(lastTickMs + 15 * MINUTE_MS + 1, lastTickMs, config)).toBe(true);
  });

  it('reads the cadence and limits from the environment', () => {
    const options = meteringOptionsFromEnv({ METERING_CLOCK_TICK_INTERVAL_MS: '30000', METERING_DEDUP_IDS_PER_PARTITION_MAX: '5000000' });
    expect(options.config).toMatchObject({ clockTickIntervalMs: 30_000, dedupIdsMax: 5_000_000 });
    expect(() => meteringOptionsFromEnv({ METERING_DEDUP_IDS_PER_PARTITION_MAX: '10', METERING_DEDUP_IDS_PER_CUSTOMER_MAX: '11' })).toThrow('exceeds');
    expect(() => meteringOptionsFromEnv({ METERING_CLOCK_TICK_INTERVAL_MS: '-1' })).toThrow('positive integer');
  });
});

describe('the stall detector', () => {
  let wallMs = Date.parse('2026-01-15T12:00:00.000Z');
  const detector = () => new ClockStallDetector(MINUTE_MS, 3, () => wallMs);

  it('says a realtime clock silent for more than 3 tick intervals is stalled, and not before', () => {
    const stall = detector();
    stall.observe({ at: new Date(wallMs).toISOString(), mode: 'Realtime' }, true);
    wallMs += 3 * MINUTE_MS;
    expect(stall.stalledForMs()).toBeUndefined();
    wallMs += 1;
    expect(stall.stalledForMs()).toBe(3 * MINUTE_MS + 1);
    stall.observe({ at: new Date(wallMs).toISOString(), mode: 'Realtime' }, true);
    expect(stall.stalledForMs()).toBeUndefined();
  });

  it('never says a simulated clock, or no clock at all, is stalled', () => {
    const stall = detector();
    wallMs += 365 * 24 * 60 * MINUTE_MS;
    expect(stall.stalledForMs()).toBeUndefined();
    stall.observe({ at: '2026-01-01T00:00:00.000Z', mode: 'Simulated' }, true);
    wallMs += 365 * 24 * 60 * MINUTE_MS;
    expect(stall.stalledForMs()).toBeUndefined();
  });

  it('counts a tick read back from the clock topic after a restart as observed at its own time', () => {
    const stall = detector();
    stall.observe({ at: new Date(wallMs - 10 * MINUTE_MS).toISOString(), mode: 'Realtime' }, false);
    expect(stall.stalledForMs()).toBe(10 * MINUTE_MS);
  });
});

describe('metering while the realtime clock is stalled', () => {
  const codec = new AvroCodec(new CatalogSchemaRegistry(loadSchemas()));
  let wallMs = Date.parse('2026-01-15T12:00:00.000Z');
  const definition = meteringServiceDefinition(codec, { config: { clockTickIntervalMs: MINUTE_MS }, wallNowMs: () => wallMs });
  const record = (topic: string, value: Buffer): InputRecord => ({ topic, partition: 0, offset: '1', key: null, value, headers: {}, timestamp: String(wallMs) });
  const usage = (occurredAt: string): Promise<Buffer> =>
    codec.encode('usage.events.v1-value', {
      eventId: 'u-1', eventType: 'UsageRecorded', occurredAt, recordedAt: occurredAt, causationId: null, correlationId: null, schemaVersion: 1, customerId: 'cust-1',
      payload: { 'billing.usage.UsageRecorded': { meterCode: 'tokens', quantity: new Big('1'), properties: {} } },
    } satisfies wire.UsageEvent);
  const [usageInput, , clockInput] = definition.inputs;

  it('is ready and stamps usage with the last tick while ticks come', async () => {
    const tick = await codec.encode('platform.clock.v1-value', { tickId: 't-1', at: '2026-01-15T12:00:00.000Z', mode: 'Realtime' });
    await clockInput.toCommands(record('platform.clock.v1', tick));
    expect(definition.notReadyReason?.()).toBeUndefined();
    const [routed] = await usageInput.toCommands(record('usage.events.v1', await usage('2026-01-15T12:05:00.000Z')));
    expect(routed.command).toMatchObject({ type: 'UsageReceived', now: '2026-01-15T12:00:00.000Z' });
  });

  it('is not ready once stalled, and dead-letters usage that would look future as CLOCK_STALLED, not FUTURE_TIMESTAMP', async () => {
    wallMs += 10 * MINUTE_MS;
    expect(definition.notReadyReason?.()).toMatch('platform clock stalled');
    await expect(usageInput.toCommands(record('usage.events.v1', await usage('2026-01-15T12:09:00.000Z')))).rejects.toMatchObject({ reasonCode: 'CLOCK_STALLED', name: 'PlatformClockStalled' });
    // Usage the last tick can judge (not ahead of it) is still decided.
    const [routed] = await usageInput.toCommands(record('usage.events.v1', await usage('2026-01-15T11:59:00.000Z')));
    expect(routed.command.type).toBe('UsageReceived');
  });
});

describe('platform time by clock position', () => {
  const codec = new AvroCodec(new CatalogSchemaRegistry(loadSchemas()));
  const usageAt = (timestamp: string): InputRecord => ({ topic: 'usage', partition: 0, offset: '9', key: null, value: null, headers: {}, timestamp: String(Date.parse(timestamp)) });

  it('is the tick at the clock position as of the record, not a later tick already seen', async () => {
    const time = new PlatformTimeByPartition(codec, 'platform.clock.v1');
    time.observe(0, '2026-01-01T00:00:00.000Z', 'Simulated', '0');
    time.observe(0, '2026-01-02T00:00:00.000Z', 'Simulated', '2');
    const record = usageAt('2026-01-05T00:00:00.000Z');
    expect(await time.nowFor(record, { positionOf: () => 0n })).toBe('2026-01-01T00:00:00.000Z');
    expect(await time.nowFor(record, { positionOf: () => 2n })).toBe('2026-01-02T00:00:00.000Z');
  });

  it("is the record's broker timestamp while no tick was handled, whatever ticks were seen", async () => {
    const time = new PlatformTimeByPartition(codec, 'platform.clock.v1');
    time.observe(0, '2026-01-02T00:00:00.000Z', 'Simulated', '2');
    expect(await time.nowFor(usageAt('2026-01-05T00:00:00.000Z'), { positionOf: () => undefined })).toBe('2026-01-05T00:00:00.000Z');
  });
});
