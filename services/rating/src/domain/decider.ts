import { invariant, type Decider } from '@billing/eventsourcing';
import type { RatingCommand } from './commands';
import { decideRating } from './decide';
import type { RatingEvent } from './events';
import { evolveRating } from './evolve';
import { defaultRatingConfig, initialRatingState, type RatingConfig, type RatingState } from './state';

export type RatingDecider = Decider<RatingCommand, RatingEvent, RatingState>;

/** Rating's decider for one customer account (the aggregate key of metering.usage.v1 and rating.events.v1). */
export function createRatingDecider(config: RatingConfig = defaultRatingConfig): RatingDecider {
  invariant(Number.isSafeInteger(config.heldUsageMax) && config.heldUsageMax > 0, `heldUsageMax must be a positive integer, not ${config.heldUsageMax}`);
  return {
    initialState: () => ({ ...initialRatingState }),
    decide: (command, state) => decideRating(command, state, config),
    evolve: (state, event) => evolveRating(state, event, config),
  };
}

export const ratingDecider: RatingDecider = createRatingDecider();
