// The published language of contracts.events.v1: one vocabulary of contract terms, and the one reader of the topic.
export * from './vocabulary';
export * from './terms';
export * from './contract-event';
export * from './errors';
export { CONTRACT_SYMBOLS, symbolOf, wordOf, type ContractSymbolTable } from './symbols';
export { contractEventFromWire, type ContractEventRecord } from './decode-event';
export { contractTermsFromWire } from './decode-terms';
