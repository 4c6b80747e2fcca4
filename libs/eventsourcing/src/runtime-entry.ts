export * from './decider';
export * from './runtime';
export * from './projection';
export * from './nest';
