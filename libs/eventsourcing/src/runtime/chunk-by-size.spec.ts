import { Message } from 'kafkajs';
import { chunkBySize } from './partition-worker';

const message = (n: number, bytes: number): Message => ({ key: `k${n}`, value: Buffer.alloc(bytes) });

describe('chunkBySize', () => {
  it('keeps one request when the slice is small', () => {
    const chunks = chunkBySize([{ topic: 'events', messages: [message(1, 10), message(2, 10)] }, { topic: 'positions', messages: [message(3, 10)] }], 10_000);
    expect(chunks).toHaveLength(1);
    expect(chunks[0].map((t) => [t.topic, t.messages.length])).toEqual([['events', 2], ['positions', 1]]);
  });

  it('splits a slice that outgrows the limit, keeping every message once and in order', () => {
    const events = Array.from({ length: 50 }, (_, i) => message(i, 1_000));
    const chunks = chunkBySize([{ topic: 'events', messages: events }, { topic: 'positions', messages: [message(99, 10)] }], 10_000);
    expect(chunks.length).toBeGreaterThan(5);
    const flattened = chunks.flatMap((chunk) => chunk.flatMap((t) => t.messages.map((m) => `${t.topic}:${m.key}`)));
    expect(flattened).toEqual([...events.map((m) => `events:${m.key}`), 'positions:k99']);
    for (const chunk of chunks) expect(chunk.reduce((n, t) => n + t.messages.length, 0)).toBeGreaterThan(0);
  });
});
