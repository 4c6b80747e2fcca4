// Pure UTC calendar arithmetic shared by every domain core: ISO dates, month arithmetic, billing periods, pools.
export * from './dates';
export * from './billing-periods';
export * from './pools';
