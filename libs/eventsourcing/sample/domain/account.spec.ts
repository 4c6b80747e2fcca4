import Big from 'big.js';
import { specFor } from '@billing/testing';
import { accountDecider, AccountEvent } from './account';

const given = specFor(accountDecider);
const now = '2026-01-01T00:00:00.000Z';
const deposited = (amount: string, balance: string, commandId = 'c1'): AccountEvent =>
  ({ type: 'Deposited', occurredAt: now, accountId: 'a', commandId, amount: new Big(amount), balance: new Big(balance) });

describe('sample account decider', () => {
  it('deposits onto the balance', () =>
    given([deposited('10', '10')])
      .when({ type: 'Deposit', now, accountId: 'a', commandId: 'c2', amount: new Big('2.5') })
      .then([deposited('2.5', '12.5', 'c2')]));

  it('withdraws when funds suffice', () =>
    given([deposited('10', '10')])
      .when({ type: 'Withdraw', now, accountId: 'a', commandId: 'c2', amount: new Big('10') })
      .then([{ type: 'Withdrawn', occurredAt: now, accountId: 'a', commandId: 'c2', amount: new Big('10'), balance: new Big('0') }]));

  it('records a rejected withdrawal as an event, balance unchanged', () =>
    given([deposited('1', '1')])
      .when({ type: 'Withdraw', now, accountId: 'a', commandId: 'c2', amount: new Big('1.000000000001') })
      .then([{ type: 'WithdrawalRejected', occurredAt: now, accountId: 'a', commandId: 'c2', amount: new Big('1.000000000001'), balance: new Big('1'), reasonCode: 'INSUFFICIENT_FUNDS' }]));

  it('rejects a non-positive amount with a typed error', () =>
    given([]).when({ type: 'Deposit', now, accountId: 'a', commandId: 'c1', amount: new Big('0') }).thenRejects('NON_POSITIVE_AMOUNT'));
});
