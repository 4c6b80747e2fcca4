import fc from 'fast-check';
import { Big, EXACT_DIVISION_DP } from './big';
import { DAYS_IN_PERIOD_MAX, InvalidProration, prorateByDays } from './proration';
import { roundToMinorUnit } from './rounding';
import { decimalArb } from './test-arbitraries';

const daysArb = fc
  .integer({ min: 1, max: DAYS_IN_PERIOD_MAX })
  .chain((daysInPeriod) => fc.tuple(fc.integer({ min: 0, max: daysInPeriod }), fc.constant(daysInPeriod)));

describe('prorateByDays', () => {
  it('is exact to EXACT_DIVISION_DP places: prorated x daysInPeriod recovers amount x daysUsed', () =>
    fc.assert(
      fc.property(decimalArb(), daysArb, (amount, [daysUsed, daysInPeriod]) => {
        const prorated = prorateByDays(amount, daysUsed, daysInPeriod);
        const error = prorated.times(String(daysInPeriod)).minus(amount.times(String(daysUsed))).abs();
        // the only rounding is half an ulp at place 40, scaled by daysInPeriod
        expect(error.lte(new Big(`5e-${EXACT_DIVISION_DP + 1}`).times(String(daysInPeriod)))).toBe(true);
      }),
    ));

  it('is not rounded to a minor unit: the part of a period and the rest add back to the whole', () =>
    fc.assert(
      fc.property(decimalArb(2), daysArb, (amount, [daysUsed, daysInPeriod]) => {
        const used = prorateByDays(amount, daysUsed, daysInPeriod);
        const rest = prorateByDays(amount, daysInPeriod - daysUsed, daysInPeriod);
        expect(used.plus(rest).minus(amount).abs().lte(new Big(`1e-${EXACT_DIVISION_DP}`))).toBe(true);
      }),
    ));

  it('keeps full precision until invoicing rounds it once', () => {
    const prorated = prorateByDays(new Big('50000.00'), 10, 31);
    expect(prorated.toFixed()).toBe('16129.0322580645161290322580645161290322580645');
    expect(roundToMinorUnit(prorated, 'USD').toFixed(2)).toBe('16129.03');
    expect(prorateByDays(new Big('120000.00'), 15, 30).toFixed()).toBe('60000');
    expect(prorateByDays(new Big('120000.00'), 0, 30).toFixed()).toBe('0');
    expect(prorateByDays(new Big('-99.99'), 28, 28).toFixed()).toBe('-99.99');
  });

  it('does not depend on the global Big.DP or Big.RM', () => {
    const { DP, RM } = Big;
    try {
      Big.DP = 0;
      Big.RM = Big.roundUp;
      expect(prorateByDays(new Big('1'), 1, 3).toFixed()).toBe(`0.${'3'.repeat(EXACT_DIVISION_DP)}`);
    } finally {
      Big.DP = DP;
      Big.RM = RM;
    }
  });

  it.each([
    [1, 0],
    [-1, 30],
    [31, 30],
    [1.5, 30],
    [1, DAYS_IN_PERIOD_MAX + 1],
    [Number.NaN, 30],
  ])('rejects %p of %p days', (daysUsed, daysInPeriod) => {
    expect(() => prorateByDays(new Big('1'), daysUsed, daysInPeriod)).toThrow(InvalidProration);
    expect(() => prorateByDays(new Big('1'), daysUsed, daysInPeriod)).toThrow('INVALID_PRORATION');
  });
});
