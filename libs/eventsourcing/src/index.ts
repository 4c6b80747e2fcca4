// Pure: the decider contract and domain errors. Domain code imports only this entry point; the runtime
// (Kafka, PostgreSQL, NestJS) is '@billing/runtime'.
export * from './decider';
export * from './append-only';
