// fast-check generators shared by this library's specs (not exported from index.ts).
import fc from 'fast-check';
import { Big, powerOfTen } from './big';
import { knownCurrencies, minorUnits } from './currency';

export const currencyArb = fc.constantFrom(...knownCurrencies());

/** Integer count of units in ±10^24: beyond any invoice, small enough to keep runs fast. */
export const unitsArb = fc.bigInt({ min: -(10n ** 24n), max: 10n ** 24n });

/** An exact decimal with up to `scaleMax` fractional digits, e.g. rated usage 1234.567891. */
export function decimalArb(scaleMax = 12): fc.Arbitrary<Big> {
  return fc
    .tuple(unitsArb, fc.integer({ min: 0, max: scaleMax }))
    .map(([units, scale]) => new Big(`${units}e-${scale}`));
}

/** An amount already at `currency`'s minor unit. */
export function minorAmountArb(currency: string): fc.Arbitrary<Big> {
  return unitsArb.map((units) => new Big(`${units}e-${minorUnits(currency)}`));
}

/** A currency with an amount at its minor unit. */
export const currencyAndMinorAmountArb = currencyArb.chain((currency) =>
  minorAmountArb(currency).map((amount) => ({ currency, amount })),
);

/** Non-negative weights, at least one positive: contract values, usage quantities, standalone selling prices. */
export const weightsArb = fc
  .array(
    fc
      .tuple(fc.bigInt({ min: 0n, max: 10n ** 12n }), fc.integer({ min: 0, max: 6 }))
      .map(([units, scale]) => new Big(`${units}e-${scale}`)),
    { minLength: 1, maxLength: 40 },
  )
  .filter((weights) => weights.some((weight) => weight.gt('0')));

/** The amount as an integer count of minor units; throws if it is not at the minor unit. */
export function toMinorUnits(amount: Big, currency: string): bigint {
  return BigInt(amount.times(powerOfTen(minorUnits(currency))).toFixed());
}
