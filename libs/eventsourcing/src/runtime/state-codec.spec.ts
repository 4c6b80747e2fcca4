import Big from 'big.js';
import { jsonStateCodec } from './state-codec';

describe('jsonStateCodec', () => {
  it('round-trips Big, Map, Set, Date, bigint and non-finite numbers through JSON text', () => {
    const codec = jsonStateCodec<unknown>();
    const state = {
      amount: new Big('12345678901234567890123456.123456789012'),
      byMeter: new Map([['tokens', { used: new Big('1e-12'), ids: new Set(['a', 'b']) }]]),
      at: new Date('2026-01-23T10:00:00.000Z'),
      sequence: 9007199254740993n,
      endMs: Number.POSITIVE_INFINITY,
      floorMs: Number.NEGATIVE_INFINITY,
      nothing: null,
    };
    const restored = codec.fromJSON(JSON.parse(JSON.stringify(codec.toJSON(state)))) as typeof state;
    expect(restored.amount.eq(state.amount)).toBe(true);
    expect(restored.byMeter.get('tokens')!.used.eq('0.000000000001')).toBe(true);
    expect([...restored.byMeter.get('tokens')!.ids]).toEqual(['a', 'b']);
    expect(restored.at.toISOString()).toBe('2026-01-23T10:00:00.000Z');
    expect(restored.sequence).toBe(9007199254740993n);
    expect(restored.endMs).toBe(Number.POSITIVE_INFINITY);
    expect(restored.floorMs).toBe(Number.NEGATIVE_INFINITY);
    expect(restored.nothing).toBeNull();
  });
});
