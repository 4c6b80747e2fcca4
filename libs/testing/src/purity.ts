import { listItems, setMembers, type AppendOnlyList, type AppendOnlySet } from '@billing/eventsourcing';
import { Big } from '@billing/money';

// Helpers for the "evolve never changes the state it is given" property: freeze a state deeply, evolve it, and
// compare its contents before and after. Append-only versions (@billing/eventsourcing) are compared by what they
// see, since growing the shared structure past a version is exactly how they stay O(1) without changing it.

function isAppendOnlySet(value: object): value is AppendOnlySet<unknown> {
  return 'positions' in value && value.positions instanceof Map && 'size' in value && typeof value.size === 'number' && Object.keys(value).length === 2;
}

function isAppendOnlyList(value: object): value is AppendOnlyList<unknown> {
  return 'items' in value && Array.isArray(value.items) && 'length' in value && typeof value.length === 'number' && Object.keys(value).length === 2;
}

/** Object.freeze on every object, array, Map and Set reachable from `value` (a frozen Map/Set still has set/add: see fingerprint). */
export function deepFreeze<T>(value: T, seen = new Set<unknown>()): T {
  if (value === null || typeof value !== 'object' || seen.has(value)) return value;
  seen.add(value);
  if (isAppendOnlyList(value)) {
    // The shared array is appended to by newer versions; only this version's view object and its items freeze.
    Object.freeze(value);
    for (const item of value.items) deepFreeze(item, seen);
    return value;
  }
  if (value instanceof Map) for (const [key, entry] of value) (deepFreeze(key, seen), deepFreeze(entry, seen));
  else if (value instanceof Set) for (const member of value) deepFreeze(member, seen);
  else for (const field of Object.values(value)) deepFreeze(field, seen);
  return Object.freeze(value);
}

function canonical(value: unknown): unknown {
  if (value instanceof Big) return { big: value.toString() };
  if (value === null || typeof value !== 'object') return typeof value === 'number' && !Number.isFinite(value) ? String(value) : value;
  if (isAppendOnlySet(value)) return { set: [...setMembers(value)].map(canonical) };
  if (isAppendOnlyList(value)) return { list: listItems(value).map(canonical) };
  if (value instanceof Map) return { map: [...value].map(([key, entry]) => [canonical(key), canonical(entry)]), size: value.size };
  if (value instanceof Set) return { set: [...value].map(canonical), size: value.size };
  if (Array.isArray(value)) return value.map(canonical);
  return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, canonical(field)]));
}

/** The contents of a state as text: Maps and Sets by their entries and sizes, append-only versions by what they see. */
export function fingerprint(value: unknown): string {
  return JSON.stringify(canonical(value));
}
