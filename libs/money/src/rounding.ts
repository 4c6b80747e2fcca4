import { Big, powerOfTen } from './big';
import { minorUnits } from './currency';

/**
 * THE rounding rule of the platform (ACCEPTANCE: "rounded to the currency's minor unit, half-even, once per
 * amount, after the exact amount is computed").
 *
 * - to the currency's ISO 4217 minor unit (USD 2 places, JPY 0, KWD 3);
 * - half-even (banker's rounding): a tie goes to the even neighbour, 0.125 -> 0.12, 0.135 -> 0.14, JPY 10.5 -> 10,
 *   so ties do not drift upwards across millions of lines;
 * - once per amount: compute the exact amount (rated usage, tax on the exact subtotal...), then round it here,
 *   never round intermediate figures.
 * The rounding mode is passed explicitly; Big.RM is never read or set.
 */
export function roundToMinorUnit(amountExact: Big, currency: string): Big {
  return amountExact.round(minorUnits(currency), Big.roundHalfEven);
}

/** True when the amount has no digits below the currency's minor unit (1.50 USD yes, 1.505 USD no). */
export function isAtMinorUnit(amount: Big, currency: string): boolean {
  return amount.eq(amount.round(minorUnits(currency), Big.roundDown));
}

/** The smallest amount of the currency: 0.01 USD, 1 JPY, 0.001 KWD. */
export function minorUnit(currency: string): Big {
  return powerOfTen(-minorUnits(currency));
}
