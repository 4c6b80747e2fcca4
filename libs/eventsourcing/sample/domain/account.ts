import Big from 'big.js';
import { Decider, DomainError, invariant, UnknownEvent } from '@billing/eventsourcing';

/**
 * The runtime's sample service: an account balance. Small on purpose, yet it has what the runtime must get right:
 * every command yields exactly one event, a rejection that is an event (insufficient funds), and a poison input.
 */
export type AccountCommand =
  | { type: 'Deposit'; now: string; accountId: string; commandId: string; amount: Big }
  | { type: 'Withdraw'; now: string; accountId: string; commandId: string; amount: Big };

export type AccountEvent =
  | { type: 'Deposited'; occurredAt: string; accountId: string; commandId: string; amount: Big; balance: Big }
  | { type: 'Withdrawn'; occurredAt: string; accountId: string; commandId: string; amount: Big; balance: Big }
  | { type: 'WithdrawalRejected'; occurredAt: string; accountId: string; commandId: string; amount: Big; balance: Big; reasonCode: 'INSUFFICIENT_FUNDS' };

export type Account =
  | { status: 'new' }
  | { status: 'open'; accountId: string; balance: Big; eventsApplied: number };

export class NonPositiveAmount extends DomainError {
  constructor(amount: Big) {
    super('NON_POSITIVE_AMOUNT', `amount must be positive, got ${amount.toString()}`);
  }
}

function balanceOf(state: Account): Big {
  return state.status === 'open' ? state.balance : new Big(0);
}

export const accountDecider: Decider<AccountCommand, AccountEvent, Account> = {
  initialState: () => ({ status: 'new' }),
  decide(command, state) {
    if (command.amount.lte(0)) throw new NonPositiveAmount(command.amount);
    const balance = balanceOf(state);
    const base = { occurredAt: command.now, accountId: command.accountId, commandId: command.commandId, amount: command.amount };
    switch (command.type) {
      case 'Deposit':
        return [{ type: 'Deposited', ...base, balance: balance.plus(command.amount) }];
      case 'Withdraw':
        return balance.gte(command.amount)
          ? [{ type: 'Withdrawn', ...base, balance: balance.minus(command.amount) }]
          : [{ type: 'WithdrawalRejected', ...base, balance, reasonCode: 'INSUFFICIENT_FUNDS' }];
    }
  },
  evolve(state, event) {
    const eventsApplied = state.status === 'open' ? state.eventsApplied + 1 : 1;
    switch (event.type) {
      case 'Deposited':
      case 'Withdrawn':
      case 'WithdrawalRejected': {
        invariant(event.balance.gte(0), `balance of ${event.accountId} went negative`);
        return { status: 'open', accountId: event.accountId, balance: event.balance, eventsApplied };
      }
      default: {
        const unknown: never = event;
        throw new UnknownEvent(unknown);
      }
    }
  },
};
