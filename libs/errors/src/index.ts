// Pure: the typed errors every layer shares. Below the runtime, so money and avro need not import it.
export * from './errors';
