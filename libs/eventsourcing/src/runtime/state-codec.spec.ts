import Big from 'big.js';
import { jsonStateCodec } from './state-codec';
import { AppendOnlyList, AppendOnlySet, appendOnlySet, listItems, listWith, setHas, setMembers, setWith } from '../append-only';

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

describe('jsonStateCodec and growing collections', () => {
  it('writes an append-only set as the members its version sees, and a list as its visible items', () => {
    const codec = jsonStateCodec<unknown>();
    const older = setWith(setWith(appendOnlySet<string>(), 'a'), 'b');
    setWith(older, 'c'); // a newer version appends to the shared structure; `older` must not carry it
    const list = listWith(listWith({ items: [], length: 0 }, 1), 2);
    listWith(list, 3);
    const json = JSON.parse(JSON.stringify(codec.toJSON({ ids: older, held: list }))) as unknown;
    expect(json).toEqual({ ids: { $aos: ['a', 'b'] }, held: { $aol: [1, 2] } });
    const restored = codec.fromJSON(json) as { ids: AppendOnlySet<string>; held: AppendOnlyList<number> };
    expect([...setMembers(restored.ids)]).toEqual(['a', 'b']);
    expect(setHas(restored.ids, 'c')).toBe(false);
    expect([...setMembers(setWith(restored.ids, 'c'))]).toEqual(['a', 'b', 'c']);
    expect(listItems(restored.held)).toEqual([1, 2]);
  });
});
