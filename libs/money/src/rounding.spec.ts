import fc from 'fast-check';
import { Big } from './big';
import { minorUnits } from './currency';
import { isAtMinorUnit, minorUnit, roundToMinorUnit } from './rounding';
import { currencyArb, decimalArb, toMinorUnits, unitsArb } from './test-arbitraries';

describe('roundToMinorUnit', () => {
  it.each([
    ['4438.352', 'USD', '4438.35'],
    ['0.125', 'USD', '0.12'],
    ['0.135', 'USD', '0.14'],
    ['-0.125', 'USD', '-0.12'],
    ['-0.135', 'USD', '-0.14'],
    ['0.1250000001', 'USD', '0.13'],
    ['10.5', 'JPY', '10'],
    ['11.5', 'JPY', '12'],
    ['1.0005', 'KWD', '1'],
    ['1.0015', 'KWD', '1.002'],
  ])('%s %s -> %s (half-even)', (exact, currency, rounded) => {
    expect(roundToMinorUnit(new Big(exact), currency).toFixed(minorUnits(currency))).toBe(
      new Big(rounded).toFixed(minorUnits(currency)),
    );
  });

  it('is idempotent and lands on the minor unit', () =>
    fc.assert(
      fc.property(currencyArb, decimalArb(), (currency, amount) => {
        const rounded = roundToMinorUnit(amount, currency);
        expect(isAtMinorUnit(rounded, currency)).toBe(true);
        expect(roundToMinorUnit(rounded, currency).eq(rounded)).toBe(true);
      }),
    ));

  it('moves the amount by at most half a minor unit', () =>
    fc.assert(
      fc.property(currencyArb, decimalArb(), (currency, amount) => {
        const distance = roundToMinorUnit(amount, currency).minus(amount).abs();
        expect(distance.times('2').lte(minorUnit(currency))).toBe(true);
      }),
    ));

  it('sends an exact tie to the even neighbour', () =>
    fc.assert(
      fc.property(currencyArb, unitsArb, (currency, units) => {
        const tie = new Big(`${units}e-${minorUnits(currency)}`).plus(minorUnit(currency).times('0.5'));
        const rounded = roundToMinorUnit(tie, currency);
        expect(toMinorUnits(rounded, currency) % 2n).toBe(0n);
        expect(rounded.minus(tie).abs().times('2').eq(minorUnit(currency))).toBe(true);
      }),
    ));

  it('ignores the global Big.RM and Big.DP', () => {
    const { RM, DP } = Big;
    try {
      Big.RM = Big.roundUp;
      Big.DP = 0;
      expect(roundToMinorUnit(new Big('0.125'), 'USD').toFixed()).toBe('0.12');
    } finally {
      Big.RM = RM;
      Big.DP = DP;
    }
  });

  it('rejects an unknown currency', () => {
    expect(() => roundToMinorUnit(new Big('1.005'), 'XYZ')).toThrow('UNKNOWN_CURRENCY');
  });
});
