import type { Usage } from '@billing/usage-producer';

/** Largest number of usages one spread makes (a scenario's month is a few hundred). */
export const USAGE_SPREAD_EVENTS_MAX = 100_000;

/**
 * Usage as a product sends it, for scenarios (integration tests, the demo): pure data, no jest, no I/O.
 *
 * `count` usages of `meterCode` spread evenly over [from, until), alternating `swing` below and above total/count
 * so the total is exact. Event ids are `<idPrefix>-<index>`.
 */
export function usageSpread(
  customerId: string, idPrefix: string, meterCode: string, total: bigint, count: number, from: string, until: string, swing: bigint,
): Usage[] {
  if (!Number.isInteger(count) || count <= 0 || count > USAGE_SPREAD_EVENTS_MAX) throw new RangeError(`count in 1..${USAGE_SPREAD_EVENTS_MAX}`);
  if (count % 2 !== 0 || total % BigInt(count) !== 0n) throw new RangeError('an even count that divides the total');
  const each = total / BigInt(count);
  if (swing < 0n || swing >= each) throw new RangeError('a swing in [0, total/count): every usage carries a positive quantity');
  const fromMs = Date.parse(from);
  const stepMs = Math.floor((Date.parse(until) - fromMs) / count);
  if (!(stepMs > 0)) throw new RangeError(`an interval [${from}, ${until}) long enough for ${count} usages`);
  return Array.from({ length: count }, (_, i) => ({
    eventId: `${idPrefix}-${i}`,
    customerId,
    meterCode,
    quantity: (i % 2 === 0 ? each - swing : each + swing).toString(),
    eventTime: new Date(fromMs + i * stepMs).toISOString(),
    properties: { model: i % 3 === 0 ? 'large' : 'small' },
  }));
}
