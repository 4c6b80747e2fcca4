import Big from 'big.js';

export { Big };
export type BigSource = Big.BigSource;

/**
 * Decimal places kept by divisions that must stay exact until invoicing rounds (proration, shares).
 * 40 places sit far below any minor unit, so the one half-even rounding at invoicing decides every cent.
 */
export const EXACT_DIVISION_DP = 40;

// Big.DP and Big.RM are global to whoever shares the default constructor, so we never set them.
// Instead each (dp, rm) pair gets its own constructor (big.js's `Big()` factory); its instances share
// Big's prototype, so they mix freely with everyone's Big values.
const dividers = new Map<string, Big.BigConstructor>();

function dividerFor(dp: number, roundingMode: Big.RoundingMode): Big.BigConstructor {
  const key = `${dp}:${roundingMode}`;
  let divider = dividers.get(key);
  if (divider === undefined) {
    divider = Big();
    divider.DP = dp;
    divider.RM = roundingMode;
    dividers.set(key, divider);
  }
  return divider;
}

/**
 * dividend / divisor, correctly rounded once to `dp` places with `roundingMode`, whatever Big.DP/Big.RM
 * are set to globally. The result is a plain Big (default constructor).
 */
export function divideRounded(dividend: Big, divisor: Big, dp: number, roundingMode: Big.RoundingMode): Big {
  if (!Number.isSafeInteger(dp) || dp < 0 || dp > 1000) throw new RangeError(`dp out of range: ${dp}`);
  if (divisor.eq(ZERO)) throw new RangeError('division by zero');
  const Divider = dividerFor(dp, roundingMode);
  return new Big(new Divider(dividend).div(divisor));
}

/** dividend / divisor kept to EXACT_DIVISION_DP places (half-even on the 40th place): exact for billing. */
export function divideExact(dividend: Big, divisor: Big): Big {
  return divideRounded(dividend, divisor, EXACT_DIVISION_DP, Big.roundHalfEven);
}

// Built from strings so they work even when someone sets Big.strict = true.
export const ZERO: Big = new Big('0');
export const ONE: Big = new Big('1');

/** 10^exponent, exact. */
export function powerOfTen(exponent: number): Big {
  return new Big(`1e${exponent}`);
}

/** Number of fractional digits in the value as stored (big.js drops trailing zeros: 1.50 has 1). */
export function fractionDigits(value: Big): number {
  return Math.max(0, value.c.length - 1 - value.e);
}

/** Number of integer digits (0 for |value| < 1). */
export function integerDigits(value: Big): number {
  return value.c[0] === 0 ? 0 : Math.max(0, value.e + 1);
}
