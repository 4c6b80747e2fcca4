import fc from 'fast-check';
import { perUnitCharge, perUnitProblems } from './per-unit';
import { big } from './test-helpers';

describe('per-unit pricing', () => {
  const acme = { model: 'per_unit' as const, unitPrice: big('0.004'), unitsPerPrice: big('1000') };

  it('prices 0.004 per 1,000 tokens exactly: 3,000,000 tokens = 12', () => expect(perUnitCharge(acme, big('3000000')).toFixed()).toBe('12'));
  it('keeps every digit of a fraction of a block', () => expect(perUnitCharge(acme, big('1')).toFixed()).toBe('0.000004'));
  it('is additive over any split', () =>
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 15n }), fc.bigInt({ min: 0n, max: 10n ** 15n }), (a, b) =>
        perUnitCharge(acme, big(String(a))).plus(perUnitCharge(acme, big(String(b)))).eq(perUnitCharge(acme, big(String(a + b)))),
      ),
    ));
  it('rejects a zero block size', () => expect(perUnitProblems({ ...acme, unitsPerPrice: big('0') })).toHaveLength(1));
});
