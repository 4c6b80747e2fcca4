export * from './commands';
export * from './events';
export * from './errors';
export * from '@billing/calendar';
export { defaultMeteringConfig, initialMeteringState, type MeteringConfig, type MeteringState } from './state';
export { parseQuantity } from './decide';
export { createMeteringDecider, meteringDecider, type MeteringDecider } from './decider';
