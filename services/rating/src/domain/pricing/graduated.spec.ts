import fc from 'fast-check';
import { Big } from '@billing/money';
import { graduatedCharge, graduatedProblems, type GraduatedPricing } from './graduated';
import { big, tier } from './test-helpers';

describe('graduated pricing', () => {
  const pricing: GraduatedPricing = { model: 'graduated', tiers: [tier('1000', '0.10'), tier('5000', '0.05'), tier(null, '0.01')] };

  it('prices each unit by the tier it falls in', () => {
    expect(graduatedCharge(pricing, big('0')).toFixed()).toBe('0');
    expect(graduatedCharge(pricing, big('1000')).toFixed()).toBe('100');
    expect(graduatedCharge(pricing, big('1001')).toFixed()).toBe('100.05');
    expect(graduatedCharge(pricing, big('7000')).toFixed()).toBe(big('100').plus(200).plus(20).toFixed());
  });

  it('adds a tier flat amount once usage enters the tier', () => {
    const withFlat: GraduatedPricing = { model: 'graduated', tiers: [tier('10', '1'), tier(null, '0', '100')] };
    expect(graduatedCharge(withFlat, big('10')).toFixed()).toBe('10');
    expect(graduatedCharge(withFlat, big('10.5')).toFixed()).toBe('110');
  });

  it('rejects tiers whose bounds do not increase or whose last tier is bounded', () => {
    expect(graduatedProblems({ model: 'graduated', tiers: [tier('10', '1'), tier('5', '1'), tier(null, '1')] }).length).toBeGreaterThan(0);
    expect(graduatedProblems({ model: 'graduated', tiers: [tier('10', '1')] }).length).toBeGreaterThan(0);
  });

  // Arbitrary tier tables: increasing integer bounds, prices with up to 6 decimals, no flat amounts.
  const tiersArbitrary = fc
    .tuple(
      fc.uniqueArray(fc.integer({ min: 1, max: 1_000_000 }), { minLength: 1, maxLength: 6 }),
      fc.array(fc.integer({ min: 0, max: 10_000_000 }), { minLength: 7, maxLength: 7 }),
    )
    .map(([bounds, prices]): GraduatedPricing => {
      const sorted = [...bounds].sort((a, b) => a - b);
      const price = (index: number) => new Big(prices[index]).div(1_000_000).toFixed();
      return { model: 'graduated', tiers: [...sorted.map((bound, index) => tier(String(bound), price(index))), tier(null, price(sorted.length))] };
    });

  it('is continuous at every tier edge: the charge just below and just above differs only by those units at each side price', () =>
    fc.assert(
      fc.property(tiersArbitrary, fc.integer({ min: 1, max: 999_999 }), (graduated, epsilonMillionths) => {
        const epsilon = new Big(epsilonMillionths).div(1_000_000); // 0 < epsilon < 1 <= every tier's width
        graduated.tiers.forEach((edgeTier, index) => {
          if (edgeTier.upToUnits === null) return;
          const edge = edgeTier.upToUnits;
          const next = graduated.tiers[index + 1];
          const atEdge = graduatedCharge(graduated, edge);
          expect(graduatedCharge(graduated, edge.minus(epsilon)).plus(epsilon.times(edgeTier.unitPrice)).eq(atEdge)).toBe(true);
          expect(graduatedCharge(graduated, edge.plus(epsilon)).minus(epsilon.times(next.unitPrice)).eq(atEdge)).toBe(true);
        });
      }),
    ));

  it('never decreases as units grow', () =>
    fc.assert(
      fc.property(tiersArbitrary, fc.integer({ min: 0, max: 3_000_000 }), fc.integer({ min: 0, max: 3_000_000 }), (graduated, a, b) =>
        graduatedCharge(graduated, big(String(Math.min(a, b)))).lte(graduatedCharge(graduated, big(String(Math.max(a, b))))),
      ),
    ));
});
