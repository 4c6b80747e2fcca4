import Big from 'big.js';
import type { StateCodec } from './types';

/**
 * JSON for snapshots that keeps Big exact (as strings), Maps, Sets and Dates. Domain states are plain data,
 * so this one codec serves every service unless one needs a custom encoding.
 */
export function jsonStateCodec<S>(): StateCodec<S> {
  return { toJSON: (state) => toTagged(state), fromJSON: (json) => fromTagged(json) as S };
}

function toTagged(value: unknown): unknown {
  if (value instanceof Big) return { $big: value.toString() };
  if (value instanceof Map) return { $map: [...value.entries()].map(([k, v]) => [toTagged(k), toTagged(v)]) };
  if (value instanceof Set) return { $set: [...value].map(toTagged) };
  if (value instanceof Date) return { $date: value.toISOString() };
  if (Array.isArray(value)) return value.map(toTagged);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toTagged(v);
    return out;
  }
  if (typeof value === 'bigint') return { $bigint: value.toString() };
  // JSON has no Infinity or NaN (open-ended terms use Infinity): keep them instead of letting them become null.
  if (typeof value === 'number' && !Number.isFinite(value)) return { $number: String(value) };
  return value;
}

function fromTagged(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromTagged);
  if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if ('$big' in o) return new Big(o.$big as string);
    if ('$map' in o) return new Map((o.$map as [unknown, unknown][]).map(([k, v]) => [fromTagged(k), fromTagged(v)]));
    if ('$set' in o) return new Set((o.$set as unknown[]).map(fromTagged));
    if ('$date' in o) return new Date(o.$date as string);
    if ('$bigint' in o) return BigInt(o.$bigint as string);
    if ('$number' in o) return Number(o.$number as string);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) out[k] = fromTagged(v);
    return out;
  }
  return value;
}
