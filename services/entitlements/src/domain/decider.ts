import { Decider } from '@billing/eventsourcing';
import { EntitlementCommand } from './commands';
import { decide } from './decide';
import { EntitlementEvent } from './events';
import { evolve } from './evolve';
import { EntitlementsState, initialEntitlementsState } from './state';

/** The entitlements service's decider; its state is per customer account (the topics' key). */
export const entitlementsDecider: Decider<EntitlementCommand, EntitlementEvent, EntitlementsState> = {
  initialState: initialEntitlementsState,
  decide,
  evolve,
};
