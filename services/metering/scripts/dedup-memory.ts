import { appendOnlySet, setWith, type AppendOnlySet } from '@billing/eventsourcing';
/**
 * Measures the heap bytes one remembered usage event id costs in metering's dedup window: one append-only set per
 * UTC day (@billing/eventsourcing), grown exactly as evolve grows it (setWith on the newest version).
 * Run: node --expose-gc -r ts-node/register -r tsconfig-paths/register services/metering/scripts/dedup-memory.ts [ids]
 * The figure backs DEDUP_ID_BYTES in src/domain/state.ts.
 */
const idsToRemember = Number(process.argv[2] ?? 1_000_000);
const daysInWindow = 35;
const collectGarbage = (globalThis as { gc?: () => void }).gc;
if (collectGarbage === undefined) throw new Error('run with node --expose-gc');

function uuidLike(index: number): string {
  // 36 characters like a UUID v4, distinct per index, built without randomness so the run is repeatable.
  const hex = index.toString(16).padStart(32, '0');
  const text = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  // Flatten through UTF-8 bytes, as an id decoded from an Avro record is (a concatenation would stay a rope).
  return Buffer.from(text, 'utf8').toString('utf8');
}

collectGarbage();
const before = process.memoryUsage().heapUsed;
const buckets = new Map<number, AppendOnlySet<string>>();
for (let index = 0; index < idsToRemember; index += 1) {
  const day = index % daysInWindow;
  buckets.set(day, setWith(buckets.get(day) ?? appendOnlySet<string>(), uuidLike(index)));
}
collectGarbage();
const after = process.memoryUsage().heapUsed;
const bytesPerId = (after - before) / idsToRemember;
let remembered = 0;
for (const ids of buckets.values()) remembered += ids.size;
console.log(JSON.stringify({ remembered, heapDeltaBytes: after - before, bytesPerId: Math.round(bytesPerId * 10) / 10 }));
