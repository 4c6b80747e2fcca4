export * from './commands';
export * from './events';
export * from './errors';
export * from '@billing/calendar';
export { DEDUP_ID_BYTES, defaultMeteringConfig, initialMeteringState, type MeteringConfig, type MeteringState } from './state';
export { futureAllowanceMs, isAheadOfPlatformTime, parseQuantity } from './decide';
export { createMeteringDecider, meteringDecider, type MeteringDecider } from './decider';
