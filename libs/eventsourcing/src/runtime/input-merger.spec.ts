import { InputMerger } from './input-merger';
import { InputRecord } from './types';

const rec = (topic: string, offset: number, timestamp: number): InputRecord => ({
  topic, partition: 0, offset: String(offset), key: null, value: null, headers: {}, timestamp: String(timestamp),
});
const ids = (records: readonly InputRecord[]) => records.map((r) => `${r.topic}@${r.offset}`);

describe('InputMerger', () => {
  it('releases the smallest timestamp first across topics once every empty topic is caught up', () => {
    const merger = new InputMerger(['usage', 'contracts', 'clock']);
    merger.offer('usage', [rec('usage', 0, 30), rec('usage', 1, 50)]);
    merger.offer('contracts', [rec('contracts', 0, 40)]);
    merger.learnEnd('usage', 2n);
    merger.learnEnd('contracts', 1n);
    merger.learnEnd('clock', 0n);
    expect(ids(merger.release(10))).toEqual(['usage@0', 'contracts@0', 'usage@1']);
  });

  it('waits while an empty topic has not been fetched up to its end offset', () => {
    const merger = new InputMerger(['usage', 'contracts']);
    merger.offer('usage', [rec('usage', 0, 50)]);
    merger.learnEnd('usage', 1n);
    merger.learnEnd('contracts', 1n);
    expect(merger.release(10)).toEqual([]);
    expect(merger.lagging()).toEqual(['contracts']);
    // The lagging topic's batch arrives: its earlier record goes first.
    merger.offer('contracts', [rec('contracts', 0, 40)]);
    expect(ids(merger.release(10))).toEqual(['contracts@0', 'usage@0']);
  });

  it('waits for a topic whose end offset is unknown, and not for one processed up to its end', () => {
    const merger = new InputMerger(['usage', 'contracts']);
    merger.offer('usage', [rec('usage', 5, 50)]);
    expect(merger.release(10)).toEqual([]);
    merger.learnEnd('contracts', 7n);
    expect(merger.release(10, (t) => (t === 'contracts' ? 5n : undefined))).toEqual([]);
    expect(ids(merger.release(10, (t) => (t === 'contracts' ? 6n : undefined)))).toEqual(['usage@5']);
  });

  it('counts a batch of transaction markers only as fetched', () => {
    const merger = new InputMerger(['usage', 'contracts']);
    merger.offer('usage', [rec('usage', 0, 50)]);
    merger.offer('contracts', [rec('contracts', 0, 10)]);
    merger.learnEnd('contracts', 2n); // record + commit marker
    expect(ids(merger.release(10))).toEqual(['contracts@0']);
    expect(merger.lagging()).toEqual(['contracts']);
    merger.fetchedUpTo('contracts', 2n);
    expect(ids(merger.release(10))).toEqual(['usage@0']);
  });

  it('breaks timestamp ties by the declared input order, then by offset', () => {
    const merger = new InputMerger(['usage', 'contracts', 'clock']);
    merger.offer('clock', [rec('clock', 0, 10)]);
    merger.offer('contracts', [rec('contracts', 0, 10), rec('contracts', 1, 10)]);
    merger.offer('usage', [rec('usage', 3, 10)]);
    for (const t of ['usage', 'contracts', 'clock']) merger.learnEnd(t, 0n);
    expect(ids(merger.release(10, undefined, false))).toEqual(['usage@3', 'contracts@0', 'contracts@1', 'clock@0']);
  });

  it('processes an out-of-order (older) record next instead of dropping it, and keeps each topic in offset order', () => {
    const merger = new InputMerger(['usage', 'contracts']);
    merger.learnEnd('contracts', 0n);
    merger.offer('usage', [rec('usage', 0, 50), rec('usage', 1, 20)]);
    expect(ids(merger.release(10))).toEqual(['usage@0', 'usage@1']);
  });

  it('releases at most max records and drops a refetched offset', () => {
    const merger = new InputMerger(['usage']);
    merger.learnEnd('usage', 3n);
    merger.offer('usage', [rec('usage', 0, 1), rec('usage', 1, 2), rec('usage', 2, 3)]);
    expect(ids(merger.release(2))).toEqual(['usage@0', 'usage@1']);
    expect(merger.offer('usage', [rec('usage', 1, 2), rec('usage', 2, 3)])).toBe(0);
    expect(ids(merger.release(2))).toEqual(['usage@2']);
  });

  it('releases regardless of a lagging topic when forced', () => {
    const merger = new InputMerger(['usage', 'contracts']);
    merger.offer('usage', [rec('usage', 0, 50)]);
    expect(ids(merger.release(10, undefined, true))).toEqual(['usage@0']);
  });
});
