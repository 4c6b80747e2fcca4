import fc from 'fast-check';
import { Big } from '@billing/money';
import { specFor } from '@billing/testing';
import { fold } from '@billing/eventsourcing';
import { contractsDecider } from './decider';
import { ContractEvent } from './events';
import { contractTermsOn, linePriceOn, termsHistory, termsOn } from './queries';
import { ContractsState } from './state';
import { ContractTerms, UsageLine } from './terms';
import { ACME_CONTRACT_ID, acmeCancellation, acmeClosedWon, acmeFebruaryAmendment, acmeRenewal, acmeTerms } from './scenario-a.fixture';
import { addDays, addMonths } from '@billing/calendar';

const given = specFor(contractsDecider);

/** Plays commands through decide + evolve, as the runtime does. */
function play(...commands: Parameters<typeof contractsDecider.decide>[0][]): ContractsState {
  let state = contractsDecider.initialState();
  for (const command of commands) state = fold(contractsDecider, contractsDecider.decide(command, state), state);
  return state;
}

const tokensLine = (terms: ContractTerms): UsageLine => {
  const line = terms.priceLines.find((candidate): candidate is UsageLine => candidate.kind === 'usage');
  if (line === undefined) throw new Error('no usage line');
  return line;
};
const tokenPriceOn = (state: ContractsState, date: string) => {
  const [applied] = termsOn(state, date);
  const pricing = linePriceOn(tokensLine(applied.terms), date).pricingModel;
  if (pricing.model !== 'per_unit') throw new Error(pricing.model);
  return pricing.unitPrice.toString();
};

describe('termsOn: which terms applied on date D', () => {
  const state = play(acmeClosedWon, acmeFebruaryAmendment);

  it('leaves January on version 1 after an amendment effective 2026-02-01 (a new ramp price)', () => {
    expect(termsOn(state, '2026-01-01').map((version) => version.version)).toEqual([1]);
    expect(termsOn(state, '2026-01-31').map((version) => version.version)).toEqual([1]);
    expect(tokenPriceOn(state, '2026-01-23')).toBe('0.004');
  });

  it('applies the amendment from February on', () => {
    expect(termsOn(state, '2026-02-01').map((version) => version.version)).toEqual([2]);
    expect(tokenPriceOn(state, '2026-02-01')).toBe('0.0035');
    expect(tokenPriceOn(state, '2026-12-31')).toBe('0.0035');
  });

  it('keeps older versions queryable, and answers as known at a past instant (transaction time)', () => {
    expect(termsHistory(state, ACME_CONTRACT_ID).map((version) => [version.version, version.effectiveDate])).toEqual([
      [1, '2026-01-01'],
      [2, '2026-02-01'],
    ]);
    // On 2026-01-10 nobody knew of the amendment yet: February looked like version 1.
    expect(termsOn(state, '2026-02-15', { knownAt: '2026-01-10T00:00:00Z' }).map((version) => version.version)).toEqual([1]);
    expect(termsOn(state, '2026-02-15', { knownAt: '2026-01-20T09:30:00.000Z' }).map((version) => version.version)).toEqual([2]);
  });

  it('answers nothing before the start, after the end, or from a termination date on', () => {
    expect(termsOn(state, '2025-12-31')).toEqual([]);
    expect(termsOn(state, '2027-01-01')).toEqual([]);
    const terminated = play(acmeClosedWon, acmeFebruaryAmendment, acmeCancellation);
    expect(termsOn(terminated, '2026-06-30').map((version) => version.version)).toEqual([2]);
    expect(termsOn(terminated, '2026-07-01')).toEqual([]);
    expect(termsOn(terminated, '2026-07-01', { knownAt: '2026-06-01T00:00:00Z' }).map((version) => version.version)).toEqual([2]);
  });

  it('follows a renewal into the next term', () => {
    const renewed = play(acmeClosedWon, acmeFebruaryAmendment, acmeRenewal);
    expect(termsOn(renewed, '2026-12-31').map((version) => version.version)).toEqual([2]);
    expect(termsOn(renewed, '2027-01-01').map((version) => version.version)).toEqual([3]);
    expect(tokenPriceOn(renewed, '2027-06-01')).toBe('0.0035');
    expect(termsOn(renewed, '2028-01-01')).toEqual([]);
  });

  it('property: the version applying on D is the latest recorded one whose [effective, end) holds D', () => {
    const dayOffset = fc.integer({ min: 0, max: 364 });
    fc.assert(
      fc.property(fc.array(dayOffset, { maxLength: 8 }), dayOffset, (amendmentOffsets, queryOffset) => {
        let state = play(acmeClosedWon);
        const effectiveDates = ['2026-01-01'];
        amendmentOffsets.forEach((offset, index) => {
          const effectiveDate = addDays('2026-01-01', offset);
          const terms = { ...acmeTerms, purchaseOrderNumber: `PO-${index}` };
          const events = contractsDecider.decide(
            { ...acmeFebruaryAmendment, dealEventId: `amend-${index}`, effectiveDate, terms, now: `2026-01-0${1 + (index % 9)}T00:00:00Z` },
            state,
          ) as ContractEvent[];
          state = fold(contractsDecider, events, state);
          effectiveDates.push(effectiveDate);
        });
        const date = addDays('2026-01-01', queryOffset);
        let expectedVersion = 0;
        effectiveDates.forEach((effectiveDate, index) => {
          if (effectiveDate <= date) expectedVersion = index + 1;
        });
        const contract = state.contracts[ACME_CONTRACT_ID];
        expect(contractTermsOn(contract, date)?.version).toBe(expectedVersion);
      }),
      { numRuns: 200 },
    );
  });
});

describe('ramps', () => {
  it('property: a line\'s ramps are accepted exactly when no two overlap', () => {
    const ramp = fc
      .tuple(fc.integer({ min: 0, max: 11 }), fc.integer({ min: 1, max: 6 }))
      .map(([startMonth, months]) => ({ startMonth, endMonth: Math.min(12, startMonth + months) }));
    fc.assert(
      fc.property(fc.array(ramp, { maxLength: 5 }), (ramps) => {
        const overlapping = ramps.some((a, i) => ramps.some((b, j) => i < j && a.startMonth < b.endMonth && b.startMonth < a.endMonth));
        const line = tokensLine(acmeTerms);
        const terms: ContractTerms = {
          ...acmeTerms,
          priceLines: acmeTerms.priceLines.map((candidate) =>
            candidate.kind === 'usage'
              ? { ...line, ramps: ramps.map((r) => ({ startDate: addMonths('2026-01-01', r.startMonth), endDate: addMonths('2026-01-01', r.endMonth), pricingModel: { model: 'per_unit' as const, unitPrice: new Big('0.003'), unitQuantity: new Big('1000') } })) }
              : candidate,
          ),
        };
        const when = given([]).when({ ...acmeClosedWon, terms });
        if (overlapping) when.thenRejects('OVERLAPPING_RAMPS');
        else expect(when.result().events).toHaveLength(1);
      }),
      { numRuns: 300 },
    );
  });
});
