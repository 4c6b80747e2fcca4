import fc from 'fast-check';
import { packageCharge, packagesIn, type PackagePricing } from './package';
import { big } from './test-helpers';

describe('package pricing', () => {
  const up: PackagePricing = { model: 'package', packageSize: big('1000'), packagePrice: big('2.5'), rounding: 'up' };
  const down: PackagePricing = { ...up, rounding: 'down' };

  it('charges every started package when rounding up', () => {
    expect(packageCharge(up, big('1')).toFixed()).toBe('2.5');
    expect(packageCharge(up, big('1000')).toFixed()).toBe('2.5');
    expect(packageCharge(up, big('1000.000000000001')).toFixed()).toBe('5');
    expect(packageCharge(up, big('0')).toFixed()).toBe('0');
  });

  it('charges only completed packages when rounding down', () => {
    expect(packageCharge(down, big('999.999')).toFixed()).toBe('0');
    expect(packageCharge(down, big('2999')).toFixed()).toBe('5');
  });

  it('counts packages exactly for odd sizes: size x packages brackets the units', () =>
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000 }), fc.integer({ min: 1, max: 999 }), (unitsThousandths, sizeThousandths) => {
        const units = big(String(unitsThousandths)).div(1000);
        const size = big(String(sizeThousandths)).div(7).round(12, 0).plus('0.001');
        const whole = packagesIn({ ...down, packageSize: size }, units);
        return whole.times(size).lte(units) && whole.plus(1).times(size).gt(units);
      }),
    ));
});
