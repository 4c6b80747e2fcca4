import { defaultMeteringConfig, type MeteringConfig } from '../domain';
import type { MeteringServiceOptions } from './definition';

/**
 * Metering's limits and clock cadence from the environment (defaults: defaultMeteringConfig).
 *
 * - METERING_DEDUP_IDS_PER_PARTITION_MAX: the event ids one partition's dedup windows may hold, the memory budget of
 *   a partition (DEDUP_ID_BYTES, 100 B each: 10,000,000 ids is ~1 GB of heap). A decider sees one customer, never the
 *   partition, so the budget is enforced per customer: METERING_DEDUP_IDS_PER_CUSTOMER_MAX (default: the partition's
 *   budget, at most it) is what one customer may hold before its usage is rejected as LIMIT_EXCEEDED. Size the
 *   partition budget for the customers sharing a partition; one customer can never take more than all of it.
 * - METERING_UNIQUE_VALUES_MAX: distinct values of one unique_count meter per customer and period.
 * - METERING_CLOCK_TICK_INTERVAL_MS: the realtime ticker's cadence (ticks do not carry it); the future-timestamp rule
 *   allows eventTime <= last tick + this + METERING_FUTURE_SKEW_MS, and the clock counts as stalled after
 *   METERING_CLOCK_STALLED_AFTER_TICKS intervals without a tick.
 */
export function meteringOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): Pick<MeteringServiceOptions, 'config' | 'clockStalledAfterTicks'> {
  const perPartition = positiveInteger(env, 'METERING_DEDUP_IDS_PER_PARTITION_MAX') ?? defaultMeteringConfig.dedupIdsMax;
  const perCustomer = positiveInteger(env, 'METERING_DEDUP_IDS_PER_CUSTOMER_MAX') ?? perPartition;
  if (perCustomer > perPartition) {
    throw new Error(`METERING_DEDUP_IDS_PER_CUSTOMER_MAX (${perCustomer}) exceeds METERING_DEDUP_IDS_PER_PARTITION_MAX (${perPartition})`);
  }
  const config: Partial<MeteringConfig> = {
    dedupIdsMax: perCustomer,
    uniqueValuesMax: positiveInteger(env, 'METERING_UNIQUE_VALUES_MAX') ?? defaultMeteringConfig.uniqueValuesMax,
    clockTickIntervalMs: positiveInteger(env, 'METERING_CLOCK_TICK_INTERVAL_MS') ?? defaultMeteringConfig.clockTickIntervalMs,
    futureSkewMs: positiveInteger(env, 'METERING_FUTURE_SKEW_MS') ?? defaultMeteringConfig.futureSkewMs,
  };
  return { config, clockStalledAfterTicks: positiveInteger(env, 'METERING_CLOCK_STALLED_AFTER_TICKS') };
}

function positiveInteger(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const text = env[name];
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, not ${JSON.stringify(text)}`);
  return value;
}
