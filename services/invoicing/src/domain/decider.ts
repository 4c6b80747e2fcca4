import { invariant, type Decider } from '@billing/eventsourcing';
import type { InvoicingCommand } from './commands';
import { decideInvoicing } from './decide';
import type { InvoicingEvent } from './events';
import { evolveInvoicing } from './evolve';
import { defaultInvoicingConfig, initialInvoicingState, type InvoicingConfig, type InvoicingState } from './state';

export type InvoicingDecider = Decider<InvoicingCommand, InvoicingEvent, InvoicingState>;

/**
 * Invoicing's decider. One state may hold many customers' contracts (invoices stay per customer, entity and
 * currency); invoice numbers are gap-free per seller entity within the state, so the app keys the aggregate by
 * seller entity for numbers unique across the platform (README, "Not built yet").
 */
export function createInvoicingDecider(config: InvoicingConfig = defaultInvoicingConfig): InvoicingDecider {
  invariant(Number.isSafeInteger(config.graceMs) && config.graceMs >= 0, `graceMs must be a non-negative integer, not ${config.graceMs}`);
  return {
    initialState: initialInvoicingState,
    decide: (command, state) => decideInvoicing(command, state, config),
    evolve: evolveInvoicing,
  };
}

export const invoicingDecider: InvoicingDecider = createInvoicingDecider();
