/**
 * Growing collections that a pure `evolve` can extend in O(1) without changing any state that already holds them.
 *
 * Why not copy: a dedup window or a unique-values count holds millions of members; copying it per event is out of
 * the question. Why not a persistent tree: ~3x the memory per member. Instead the members are appended to ONE
 * structure shared by every version, each member tagged with its position, and a version is that structure plus
 * the count of members it sees (a prefix). Appending to the newest version writes past every older version's
 * prefix, so what an older version answers never changes. Appending to an older version (a fork: a retried
 * decision, a test replaying from a kept state) first copies its prefix: O(size), but only on a fork.
 *
 * A plain ReadonlySet / array (a snapshot written before these existed) is read as is and converted on its first
 * growth. These are plain data (Map, array, number), so the runtime's JSON state codec keeps them.
 */
export interface AppendOnlySet<T> {
  /** Member -> its position; shared by every version, only ever appended to. */
  readonly positions: Map<T, number>;
  /** The members this version sees: those at positions below it. */
  readonly size: number;
}

/** A version of a growing set: an AppendOnlySet, or a plain set read from an older snapshot. */
export type GrowingSet<T> = AppendOnlySet<T> | ReadonlySet<T>;

export function appendOnlySet<T>(members: Iterable<T> = []): AppendOnlySet<T> {
  const positions = new Map<T, number>();
  for (const member of members) if (!positions.has(member)) positions.set(member, positions.size);
  return { positions, size: positions.size };
}

/** An AppendOnlySet (a Map of positions and a size, nothing else), as opposed to any other object. */
export function isAppendOnlySet(value: unknown): value is AppendOnlySet<unknown> {
  return value !== null && typeof value === 'object' && (value as { positions?: unknown }).positions instanceof Map
    && typeof (value as { size?: unknown }).size === 'number' && Object.keys(value).length === 2;
}

function isPlainSet<T>(set: GrowingSet<T>): set is ReadonlySet<T> {
  return set instanceof Set;
}

export function setSize<T>(set: GrowingSet<T>): number {
  return set.size;
}

export function setHas<T>(set: GrowingSet<T>, member: T): boolean {
  if (isPlainSet(set)) return set.has(member);
  const position = set.positions.get(member);
  return position !== undefined && position < set.size;
}

/** The members this version sees, in the order they were added. */
export function* setMembers<T>(set: GrowingSet<T>): IterableIterator<T> {
  if (isPlainSet(set)) {
    yield* set;
    return;
  }
  let seen = 0;
  for (const [member, position] of set.positions) {
    if (seen === set.size) return;
    if (position < set.size) {
      seen += 1;
      yield member;
    }
  }
}

/** This version with `member` added (the same version when it is already a member). Never changes `set`. */
export function setWith<T>(set: GrowingSet<T>, member: T): AppendOnlySet<T> {
  if (isPlainSet(set)) return setWith(appendOnlySet(set), member);
  if (setHas(set, member)) return set;
  // The newest version owns the tail: append in place. Anything else is a fork: copy the prefix it sees.
  const positions = set.positions.size === set.size ? set.positions : appendOnlySet(setMembers(set)).positions;
  positions.set(member, set.size);
  return { positions, size: set.size + 1 };
}

/** A list version: the first `length` items of a shared, append-only array. */
export interface AppendOnlyList<T> {
  readonly items: T[];
  readonly length: number;
}

/** A version of a growing list: an AppendOnlyList, or a plain array read from an older snapshot. */
export type GrowingList<T> = AppendOnlyList<T> | readonly T[];

function isPlainList<T>(list: GrowingList<T>): list is readonly T[] {
  return Array.isArray(list);
}

export function listLength<T>(list: GrowingList<T>): number {
  return list.length;
}

export function listItems<T>(list: GrowingList<T>): readonly T[] {
  if (isPlainList(list)) return list;
  return list.items.length === list.length ? list.items : list.items.slice(0, list.length);
}

/** This version with `item` appended. Never changes `list`. */
export function listWith<T>(list: GrowingList<T>, item: T): AppendOnlyList<T> {
  const items = !isPlainList(list) && list.items.length === list.length ? list.items : [...listItems(list)];
  items.push(item);
  return { items, length: list.length + 1 };
}
