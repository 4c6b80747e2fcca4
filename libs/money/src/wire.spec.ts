import fc from 'fast-check';
import { Big } from './big';
import { assertDecimalFits } from './decimal';
import { fitsWire, toWireScale } from './wire';

describe('wire scale', () => {
  it('rounds half-even at the 12th decimal', () => {
    expect(toWireScale(new Big('0.0000000000005')).toFixed()).toBe('0');
    expect(toWireScale(new Big('0.0000000000015')).toFixed()).toBe('0.000000000002');
    expect(toWireScale(new Big('0.01').div(3)).toFixed()).toBe('0.003333333333');
    expect(toWireScale(new Big('-2.0000000000025')).toFixed()).toBe('-2.000000000002');
  });

  it('gives a figure decimal(38,12) takes whenever its integer part fits, and fitsWire agrees with assertDecimalFits', () =>
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }), fc.integer({ min: 0, max: 30 }), (digits, exponent) => {
        const value = new Big(digits.toString()).div(new Big(10).pow(exponent));
        const rounded = toWireScale(value);
        expect(rounded.minus(value).abs().lte('0.0000000000005')).toBe(true);
        let asserted = true;
        try {
          assertDecimalFits(rounded);
        } catch {
          asserted = false;
        }
        expect(fitsWire(rounded)).toBe(asserted);
        expect(fitsWire(rounded)).toBe(rounded.abs().lt(new Big('1e26')));
      }),
    ));
});
