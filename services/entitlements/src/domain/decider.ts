import { Decider, invariant } from '@billing/eventsourcing';
import { EntitlementCommand } from './commands';
import { DecideOptions, decide } from './decide';
import { EntitlementEvent } from './events';
import { evolve } from './evolve';
import { EntitlementsState, HELD_USAGE_MAX_DEFAULT, initialEntitlementsState } from './state';

/** The entitlements decider with explicit limits (heldUsageMax: usage held per customer before its first terms). */
export function entitlementsDeciderWith(options: DecideOptions): Decider<EntitlementCommand, EntitlementEvent, EntitlementsState> {
  invariant(Number.isSafeInteger(options.heldUsageMax) && options.heldUsageMax >= 0, `heldUsageMax ${options.heldUsageMax} is not a non-negative integer`);
  return {
    initialState: () => structuredClone(initialEntitlementsState),
    decide: (command, state) => decide(command, state, options),
    evolve,
  };
}

/** The entitlements service's decider with default limits; its state is per customer account (the topics' key). */
export const entitlementsDecider = entitlementsDeciderWith({ heldUsageMax: HELD_USAGE_MAX_DEFAULT });
