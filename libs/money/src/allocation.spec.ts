import fc from 'fast-check';
import { ALLOCATION_PARTS_MAX, InvalidAllocation, allocate, allocateWithRemainderLast } from './allocation';
import { Big } from './big';
import { sum } from './decimal';
import { isAtMinorUnit, minorUnit, roundToMinorUnit } from './rounding';
import { currencyAndMinorAmountArb, weightsArb } from './test-arbitraries';

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

  it('sums exactly; every part but the last is the half-even rounded equal share', () =>
    fc.assert(
      fc.property(currencyAndMinorAmountArb, partsArb, ({ currency, amount: total }, count) => {
        const parts = allocateWithRemainderLast(total, count, currency);
        expect(parts).toHaveLength(count);
        expect(sum(parts).eq(total)).toBe(true);
        for (const part of parts) expect(isAtMinorUnit(part, currency)).toBe(true);
        // share, derived independently: the exact equal share rounded once by the platform rule.
        const exactShare = total.div(count); // default Big.DP (20) is enough: totals are < 1e25 and counts <= 400
        const shareUpperBound = minorUnit(currency); // share is within half a unit of the exact share
        for (const part of parts.slice(0, -1)) {
          expect(part.eq(parts[0])).toBe(true);
          expect(part.minus(exactShare).abs().times('2').lte(shareUpperBound)).toBe(true);
        }
        // the last part carries the accumulated rounding of the others: at most (count - 1) half units.
        const lastError = parts[count - 1].minus(exactShare).abs().times('2');
        expect(lastError.lte(minorUnit(currency).times(String(Math.max(1, count - 1))))).toBe(true);
      }),
    ));

  it('puts the remainder on the last part', () => {
    expect(fixed2(allocateWithRemainderLast(new Big('100.00'), 3, 'USD'))).toEqual(['33.33', '33.33', '33.34']);
    expect(fixed2(allocateWithRemainderLast(new Big('-100.00'), 3, 'USD'))).toEqual(['-33.33', '-33.33', '-33.34']);
    expect(fixed2(allocateWithRemainderLast(new Big('0.09'), 6, 'USD'))).toEqual(['0.02', '0.02', '0.02', '0.02', '0.02', '-0.01']);
    expect(fixed2(allocateWithRemainderLast(new Big('7.00'), 1, 'USD'))).toEqual(['7.00']);
  });

  it('rounds the equal share half-even, once', () => {
    // 0.10 / 4 = 0.025 exactly: a tie, goes to the even 0.02.
    const parts = allocateWithRemainderLast(new Big('0.10'), 4, 'USD');
    expect(parts[0].eq(roundToMinorUnit(new Big('0.025'), 'USD'))).toBe(true);
    expect(fixed2(parts)).toEqual(['0.02', '0.02', '0.02', '0.04']);
  });

  it.each([0, -1, 1.5, Number.NaN, ALLOCATION_PARTS_MAX + 1])('rejects %p parts', (count) => {
    expect(() => allocateWithRemainderLast(new Big('1.00'), count, 'USD')).toThrow(InvalidAllocation);
  });

  it('rejects a total below the minor unit', () => {
    expect(() => allocateWithRemainderLast(new Big('1.001'), 2, 'USD')).toThrow('INVALID_ALLOCATION');
  });
});
