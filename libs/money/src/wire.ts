import { Big, fractionDigits, integerDigits } from './big';

/** Every amount and quantity on the wire is Avro decimal(38,12): 12 decimals, 26 integer digits. */
export const WIRE_PRECISION = 38;
export const WIRE_SCALE = 12;

/**
 * An exact figure put on the wire: rounded half-even to 12 decimals, THE one place a computed amount (an accrual, a
 * period's rating, a true-up) is brought to the wire's scale. Rounding at 1e-12 is far below any currency's minor
 * unit; figures that add up on the wire (an accrual's increment, a period's total) are computed from the rounded
 * figures, so they add up exactly. Magnitude is not checked here: see fitsWire.
 */
export function toWireScale(amountExact: Big): Big {
  return amountExact.round(WIRE_SCALE, Big.roundHalfEven);
}

/** True when `value` can be written as decimal(38,12) as it is (no more than 12 decimals, 26 integer digits). */
export function fitsWire(value: Big): boolean {
  return fractionDigits(value) <= WIRE_SCALE && integerDigits(value) <= WIRE_PRECISION - WIRE_SCALE;
}
