export * from './commands';
export * from './events';
export * from './errors';
export * from '@billing/calendar';
export * from './pricing';
export { rateLine, type LineRating, type LineRatingInput } from './rate-line';
export { defaultRatingConfig, initialRatingState, type RatingConfig, type RatingState } from './state';
export { createRatingDecider, ratingDecider, type RatingDecider } from './decider';
