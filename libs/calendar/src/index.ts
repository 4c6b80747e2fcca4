// Pure UTC calendar arithmetic shared by every domain core: ISO dates, month arithmetic, billing periods.
export * from './dates';
export * from './billing-periods';
