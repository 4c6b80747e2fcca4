import fc from 'fast-check';
import { ALLOCATION_PARTS_MAX, InvalidAllocation, allocate, allocateWithRemainderLast } from './allocation';
import { Big, ZERO } from './big';
import { sum } from './decimal';
import { minorUnits } from './currency';
import { isAtMinorUnit, minorUnit } from './rounding';
import { currencyAndMinorAmountArb, currencyArb, unitsArb, weightsArb } from './test-arbitraries';

const big = (values: string[]): Big[] => values.map((value) => new Big(value));
const fixed2 = (values: Big[]): string[] => values.map((value) => value.toFixed(2));

describe('allocate', () => {
  it('parts sum exactly to the total and each is within one minor unit of its exact share', () =>
    fc.assert(
      fc.property(currencyAndMinorAmountArb, weightsArb, ({ currency, amount: total }, weights) => {
        const parts = allocate(total, weights, currency);
        expect(parts).toHaveLength(weights.length);
        expect(sum(parts).eq(total)).toBe(true);
        // |part - total * w / W| < unit, cross-multiplied by W so the check itself is exact.
        const weightTotal = sum(weights);
        const unitTimesWeightTotal = minorUnit(currency).times(weightTotal);
        parts.forEach((part, index) => {
          expect(isAtMinorUnit(part, currency)).toBe(true);
          const error = part.times(weightTotal).minus(total.times(weights[index])).abs();
          expect(error.lt(unitTimesWeightTotal)).toBe(true);
        });
      }),
    ));

  it('splits a credit (negative total) as the mirror image of the debit', () =>
    fc.assert(
      fc.property(currencyAndMinorAmountArb, weightsArb, ({ currency, amount }, weights) => {
        const debit = allocate(amount.abs(), weights, currency);
        const credit = allocate(amount.abs().neg(), weights, currency);
        credit.forEach((part, index) => expect(part.eq(debit[index].neg())).toBe(true));
      }),
    ));

  it('is deterministic: equal remainders go to the lowest index first', () => {
    expect(fixed2(allocate(new Big('1.00'), big(['1', '1', '1']), 'USD'))).toEqual(['0.34', '0.33', '0.33']);
    expect(fixed2(allocate(new Big('0.02'), big(['1', '1', '1']), 'USD'))).toEqual(['0.01', '0.01', '0.00']);
    expect(fixed2(allocate(new Big('-0.02'), big(['1', '1', '1']), 'USD'))).toEqual(['-0.01', '-0.01', '0.00']);
  });

  it('gives the leftover unit to the largest remainder, not the first part', () => {
    // exact shares 3.333.. / 6.666..: floors 3.33 / 6.66, remainders 1/3 and 2/3 of a cent.
    expect(fixed2(allocate(new Big('10.00'), big(['1', '2']), 'USD'))).toEqual(['3.33', '6.67']);
  });

  it('gives zero-weight parts nothing', () => {
    expect(fixed2(allocate(new Big('100.00'), big(['0', '3', '0', '1']), 'USD'))).toEqual(['0.00', '75.00', '0.00', '25.00']);
  });

  it('accepts decimal weights and works in 0- and 3-decimal currencies', () => {
    expect(allocate(new Big('100'), big(['0.5', '0.25', '0.25']), 'JPY').map((part) => part.toFixed())).toEqual(['50', '25', '25']);
    expect(allocate(new Big('1.000'), big(['1', '1', '1']), 'KWD').map((part) => part.toFixed(3))).toEqual(['0.334', '0.333', '0.333']);
  });

  it.each([
    ['no weights', '1.00', [] as string[], 'USD'],
    ['a negative weight', '1.00', ['1', '-1', '2'], 'USD'],
    ['all-zero weights', '1.00', ['0', '0'], 'USD'],
    ['a total below the minor unit', '1.005', ['1', '1'], 'USD'],
    ['a fractional yen', '10.5', ['1'], 'JPY'],
  ])('rejects %s with INVALID_ALLOCATION', (_case, total, weights, currency) => {
    expect(() => allocate(new Big(total), big(weights), currency)).toThrow(InvalidAllocation);
    expect(() => allocate(new Big(total), big(weights), currency)).toThrow('INVALID_ALLOCATION');
  });

  it('rejects more parts than ALLOCATION_PARTS_MAX and unknown currencies', () => {
    const tooMany = Array.from({ length: ALLOCATION_PARTS_MAX + 1 }, () => new Big('1'));
    expect(() => allocate(new Big('1.00'), tooMany, 'USD')).toThrow(InvalidAllocation);
    expect(() => allocate(new Big('1.00'), big(['1']), 'XYZ')).toThrow('UNKNOWN_CURRENCY');
  });
});

describe('allocateWithRemainderLast', () => {
  const partsArb = fc.integer({ min: 1, max: 400 });
  // Small totals (a few minor units over many parts) are where a remainder on one part went wrong; large ones
  // check nothing overflows. Positive, negative and zero, in 0-, 2- and 3-decimal currencies.
  const totalArb = currencyArb.chain((currency) =>
    fc
      .oneof(fc.bigInt({ min: -2000n, max: 2000n }), unitsArb, fc.constant(0n))
      .map((units) => ({ currency, total: new Big(`${units}e-${minorUnits(currency)}`) })),
  );

  it('parts sum to the whole, have its sign, are at the minor unit and differ by at most one minor unit', () =>
    fc.assert(
      fc.property(totalArb, partsArb, ({ currency, total }, count) => {
        const parts = allocateWithRemainderLast(total, count, currency);
        expect(parts).toHaveLength(count);
        expect(sum(parts).eq(total)).toBe(true);
        for (const part of parts) {
          expect(isAtMinorUnit(part, currency)).toBe(true);
          // the whole's sign, or zero (big.js keeps a signed zero: -0 would print as "-0.00" on an invoice)
          if (part.eq(ZERO)) expect(part.s).toBe(1);
          else expect(part.s).toBe(total.s);
        }
        const smallest = parts.reduce((min, part) => (part.lt(min) ? part : min));
        const largest = parts.reduce((max, part) => (part.gt(max) ? part : max));
        expect(largest.minus(smallest).lte(minorUnit(currency))).toBe(true);
      }),
    ));

  it('puts the larger parts last: magnitudes never shrink along the period', () =>
    fc.assert(
      fc.property(totalArb, partsArb, ({ currency, total }, count) => {
        const parts = allocateWithRemainderLast(total, count, currency);
        for (let index = 1; index < count; index++) expect(parts[index].abs().gte(parts[index - 1].abs())).toBe(true);
      }),
    ));

  it('is the equal-weight allocate() read from the end (same split, remainder at the other end)', () =>
    fc.assert(
      fc.property(totalArb, fc.integer({ min: 1, max: 40 }), ({ currency, total }, count) => {
        const equalWeights = Array.from({ length: count }, () => new Big('1'));
        const mirrored = allocate(total, equalWeights, currency).reverse();
        const parts = allocateWithRemainderLast(total, count, currency);
        parts.forEach((part, index) => expect(part.eq(mirrored[index])).toBe(true));
      }),
    ));

  it('spreads the remainder one minor unit per part over the last parts', () => {
    expect(fixed2(allocateWithRemainderLast(new Big('100.00'), 3, 'USD'))).toEqual(['33.33', '33.33', '33.34']);
    expect(fixed2(allocateWithRemainderLast(new Big('-100.00'), 3, 'USD'))).toEqual(['-33.33', '-33.33', '-33.34']);
    expect(fixed2(allocateWithRemainderLast(new Big('0.09'), 6, 'USD'))).toEqual(['0.01', '0.01', '0.01', '0.02', '0.02', '0.02']);
    expect(fixed2(allocateWithRemainderLast(new Big('0.10'), 4, 'USD'))).toEqual(['0.02', '0.02', '0.03', '0.03']);
    expect(fixed2(allocateWithRemainderLast(new Big('7.00'), 1, 'USD'))).toEqual(['7.00']);
    expect(allocateWithRemainderLast(new Big('-5'), 3, 'JPY').map((part) => part.toFixed())).toEqual(['-1', '-2', '-2']);
  });

  it('0.20 over 31 days: no negative day (the last day used to be -0.10)', () => {
    const days = allocateWithRemainderLast(new Big('0.20'), 31, 'USD');
    expect(sum(days).toFixed(2)).toBe('0.20');
    expect(fixed2(days.slice(0, 11))).toEqual(Array(11).fill('0.00'));
    expect(fixed2(days.slice(11))).toEqual(Array(20).fill('0.01'));
  });

  it('splits zero into zeros, never -0', () => {
    expect(fixed2(allocateWithRemainderLast(new Big('0.00'), 3, 'USD'))).toEqual(['0.00', '0.00', '0.00']);
    expect(fixed2(allocateWithRemainderLast(new Big('-0.02'), 3, 'USD'))).toEqual(['0.00', '-0.01', '-0.01']);
  });

  it.each([0, -1, 1.5, Number.NaN, ALLOCATION_PARTS_MAX + 1])('rejects %p parts', (count) => {
    expect(() => allocateWithRemainderLast(new Big('1.00'), count, 'USD')).toThrow(InvalidAllocation);
  });

  it('rejects a total below the minor unit', () => {
    expect(() => allocateWithRemainderLast(new Big('1.001'), 2, 'USD')).toThrow('INVALID_ALLOCATION');
  });
});
