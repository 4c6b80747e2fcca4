import fc from 'fast-check';
import { Big } from '@billing/money';
import { fold } from '@billing/eventsourcing';
import { EntitlementCommand } from './commands';
import { entitlementsDecider } from './decider';
import { balancesOf } from './balances';
import { ContractGrants } from './grants';
import { EntitlementsState } from './state';
import { ACME_CUSTOMER_ID, acmeGrants, acmeTermsReceived, usage, tick } from './scenario-a.fixture';

const ZERO = new Big('0');

const grantsArbitrary = fc.record({
  includedUnitsPerMonth: fc.bigInt({ min: 0n, max: 1_000_000n }).map((value) => new Big(value.toString())),
  overageAllowed: fc.boolean(),
  commitScope: fc.constantFrom('monthly' as const, 'pooled_quarterly' as const, 'pooled_annual' as const),
  trueUp: fc.boolean(),
  credits: fc.array(fc.record({ units: fc.integer({ min: 1, max: 500_000 }), priority: fc.integer({ min: 0, max: 3 }), months: fc.integer({ min: 1, max: 6 }) }), { maxLength: 3 }),
});

type GrantsInput = typeof grantsArbitrary extends fc.Arbitrary<infer T> ? T : never;

const stepArbitrary = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('usage' as const), quantity: fc.bigInt({ min: 0n, max: 400_000n }), decimals: fc.integer({ min: 0, max: 3 }), minutes: fc.integer({ min: 1, max: 6 * 24 * 60 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('tick' as const), minutes: fc.integer({ min: 1, max: 20 * 24 * 60 }) }) },
);

function instantAfter(start: number, minutes: number): string {
  return new Date(start + minutes * 60_000).toISOString();
}

/** Plays random usage (with fractional quantities) and ticks through six months; checks each state. */
function playChecking(
  grantsInput: GrantsInput,
  steps: Array<{ kind: 'usage'; quantity: bigint; decimals: number; minutes: number } | { kind: 'tick'; minutes: number }>,
  check: (state: EntitlementsState, grants: ContractGrants) => void,
): void {
  const grants: ContractGrants = {
    ...acmeGrants,
    endDate: '2026-07-01',
    metered: [{ ...acmeGrants.metered[0], ...grantsInput, thresholdPercents: [] }],
    credits: grantsInput.credits.map((credit, index) => ({
      creditId: `c-${index}`, meterCode: 'tokens', units: new Big(credit.units), validFrom: '2026-01-01',
      expiresOn: `2026-0${1 + credit.months}-01`, priority: credit.priority, lowBalanceUnits: new Big('100'),
    })),
  };
  let state = fold(entitlementsDecider, entitlementsDecider.decide({ ...acmeTermsReceived, grants }, entitlementsDecider.initialState()));
  let clock = Date.parse('2026-01-01T00:00:00Z');
  const end = Date.parse('2026-07-01T00:00:00Z');
  steps.forEach((step, index) => {
    clock += step.minutes * 60_000;
    if (clock >= end) return;
    const command: EntitlementCommand =
      step.kind === 'tick'
        ? tick(instantAfter(clock, 0))
        : usage(`u-${index}`, new Big(step.quantity.toString()).div(10 ** step.decimals).toString(), instantAfter(clock, 0));
    state = fold(entitlementsDecider, entitlementsDecider.decide(command, state), state);
    check(state, grants);
  });
  expect(state.customerId).toBe(ACME_CUSTOMER_ID);
}

describe('entitlements properties', () => {
  it('a balance never goes negative except where the contract allows overage; consumed + remaining = included', () => {
    fc.assert(
      fc.property(grantsArbitrary, fc.array(stepArbitrary, { maxLength: 80 }), (grantsInput, steps) => {
        playChecking(grantsInput, steps, (state) => {
          for (const balance of balancesOf(state)) {
            if (balance.kind === 'metered') {
              expect(balance.consumedUnits.plus(balance.remainingUnits).eq(balance.includedUnits)).toBe(true);
              if (!balance.overageAllowed) expect(balance.remainingUnits.gte(ZERO)).toBe(true);
              expect(balance.consumedUnits.gte(ZERO)).toBe(true);
            }
            if (balance.kind === 'credits') {
              expect(balance.remainingUnits.gte(ZERO)).toBe(true);
              expect(balance.remainingUnits.lte(balance.grantedUnits)).toBe(true);
            }
          }
          for (const credit of Object.values(state.credits)) expect(credit.remainingUnits.gte(ZERO)).toBe(true);
        });
      }),
      { numRuns: 150 },
    );
  });

  it('the allowance is exhausted at most once per period, at the event where consumption crosses it', () => {
    fc.assert(
      fc.property(grantsArbitrary, fc.array(stepArbitrary, { maxLength: 60 }), (grantsInput, steps) => {
        let state = fold(entitlementsDecider, entitlementsDecider.decide({ ...acmeTermsReceived, grants: { ...acmeGrants, metered: [{ ...acmeGrants.metered[0], ...grantsInput }] } }, entitlementsDecider.initialState()));
        let clock = Date.parse('2026-01-01T00:00:00Z');
        steps.forEach((step, index) => {
          clock += step.minutes * 60_000;
          if (step.kind === 'tick') return;
          const before = state.allowances.tokens;
          const command = usage(`u-${index}`, step.quantity.toString(), instantAfter(clock, 0));
          const events = entitlementsDecider.decide(command, state);
          state = fold(entitlementsDecider, events, state);
          const after = state.allowances.tokens;
          const exhausted = events.filter((event) => event.type === 'AllowanceExhausted' && event.featureCode === 'tokens');
          if (before === undefined || after.periodStart !== before.periodStart || after.includedUnits.eq(ZERO)) return;
          const crossed = before.consumedUnits.lt(after.includedUnits) && before.consumedUnits.plus(command.quantity).gte(after.includedUnits);
          expect(exhausted).toHaveLength(crossed ? 1 : 0);
        });
      }),
      { numRuns: 150 },
    );
  });
});
