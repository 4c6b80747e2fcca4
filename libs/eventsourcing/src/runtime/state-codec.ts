import Big from 'big.js';
import { appendOnlySet, isAppendOnlySet, listItems, setMembers } from '../append-only';
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
  // A growing set is written as the members its version sees, once each: half the bytes of its position map, and
  // never a member a later (possibly aborted) version appended to the shared structure.
  if (isAppendOnlySet(value)) return { $aos: [...setMembers(value)].map(toTagged) };
  if (isAppendOnlyList(value)) return { $aol: listItems(value).map(toTagged) };
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
    if ('$aos' in o) return appendOnlySet((o.$aos as unknown[]).map(fromTagged));
    if ('$aol' in o) {
      const items = (o.$aol as unknown[]).map(fromTagged);
      return { items, length: items.length };
    }
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

function isAppendOnlyList(value: unknown): value is { items: unknown[]; length: number } {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && Array.isArray((value as { items?: unknown }).items)
    && typeof (value as { length?: unknown }).length === 'number' && Object.keys(value).length === 2;
}
