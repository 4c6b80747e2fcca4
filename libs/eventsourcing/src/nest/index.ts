export * from './event-sourcing.module';
