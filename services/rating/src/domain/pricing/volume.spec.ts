import { volumeCharge, volumeChargeForUnits, volumeTierFor, type VolumePricing } from './volume';
import { big, tier } from './test-helpers';

describe('volume pricing', () => {
  const pricing: VolumePricing = { model: 'volume', tiers: [tier('1000', '0.10'), tier('5000', '0.05', '7'), tier(null, '0.01')] };

  it('prices every unit at the tier the total lands in (bounds inclusive)', () => {
    expect(volumeCharge(pricing, big('1000')).toFixed()).toBe('100');
    expect(volumeCharge(pricing, big('1001')).toFixed()).toBe(big('1001').times('0.05').plus(7).toFixed());
    expect(volumeCharge(pricing, big('6000')).toFixed()).toBe('60');
    expect(volumeCharge(pricing, big('0')).toFixed()).toBe('0');
  });

  it('splits a period charge over ranges that sum to the whole, the flat amount borne once', () => {
    const total = big('3000');
    const parts = [big('1200'), big('800'), big('1000')];
    const sum = parts.reduce((acc, units, index) => acc.plus(volumeChargeForUnits(pricing, units, total, index === 0)), big('0'));
    expect(sum.eq(volumeCharge(pricing, total))).toBe(true);
    expect(volumeTierFor(pricing, total).unitPrice.toFixed()).toBe('0.05');
  });
});
