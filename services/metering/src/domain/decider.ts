import type { Decider } from '@billing/eventsourcing';
import type { MeteringCommand } from './commands';
import { decideMetering } from './decide';
import type { MeteringEvent } from './events';
import { evolveMetering } from './evolve';
import { defaultMeteringConfig, initialMeteringState, type MeteringConfig, type MeteringState } from './state';

export type MeteringDecider = Decider<MeteringCommand, MeteringEvent, MeteringState>;

/** Metering's decider for one customer account (the aggregate key of usage.events.v1 and metering.usage.v1). */
export function createMeteringDecider(config: MeteringConfig = defaultMeteringConfig): MeteringDecider {
  return {
    initialState: () => ({ ...initialMeteringState }),
    decide: (command, state) => decideMetering(command, state, config),
    evolve: (state, event) => evolveMetering(state, event, config),
  };
}

export const meteringDecider: MeteringDecider = createMeteringDecider();
