import { Decider } from '@billing/eventsourcing';
import { ContractCommand } from './commands';
import { decide } from './decide';
import { ContractEvent } from './events';
import { evolve } from './evolve';
import { ContractsState, initialContractsState } from './state';

/** The contracts service's decider; its state is per customer account (the topics' key). */
export const contractsDecider: Decider<ContractCommand, ContractEvent, ContractsState> = {
  initialState: () => structuredClone(initialContractsState),
  decide,
  evolve,
};
