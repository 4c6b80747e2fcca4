export * from './config';
export * from './topics';
export * from './admin';
