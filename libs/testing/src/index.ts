export * from './given-when-then';
export * from './crm-deals';
export * from './usage-spread';
export * from './purity';
export * from './scenario-a-terms';
