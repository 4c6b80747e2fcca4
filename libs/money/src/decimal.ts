import { DomainError } from '@billing/errors';
import { Big, ZERO, fractionDigits, integerDigits } from './big';

/** Longest decimal text we parse; decimal(38,12) needs at most 40 characters, this leaves room for exponents. */
export const DECIMAL_TEXT_LENGTH_MAX = 200;

export class InvalidDecimal extends DomainError {
  constructor(readonly text: string) {
    super('INVALID_DECIMAL', `not a decimal number: ${JSON.stringify(text.slice(0, 80))}`);
  }
}

export class DecimalOverflow extends DomainError {
  constructor(value: Big, precision: number, scale: number) {
    super('DECIMAL_OVERFLOW', `${value.toFixed()} does not fit decimal(${precision},${scale})`, {
      value: value.toFixed(),
      precision: String(precision),
      scale: String(scale),
    });
  }
}

// Plain decimal notation, optionally with the exponent big.js's toString emits (1e-7); no '+', no spaces,
// no '.5' or '5.', no NaN/Infinity/hex. Exponents are capped so no text expands to a huge number.
const DECIMAL_TEXT = /^-?\d+(\.\d+)?(e[+-]?\d{1,3})?$/i;

/** Parses a decimal string exactly; anything else (NaN, Infinity, '', ' 1', '1,5', '0x1f') is InvalidDecimal. */
export function parseDecimal(text: string): Big {
  if (typeof text !== 'string' || text.length > DECIMAL_TEXT_LENGTH_MAX || !DECIMAL_TEXT.test(text)) {
    throw new InvalidDecimal(String(text));
  }
  return new Big(text);
}

/**
 * Throws DecimalOverflow unless `value` fits decimal(precision, scale): at most `scale` fractional digits and at
 * most precision - scale integer digits. The defaults are the wire type of every amount, Avro decimal(38,12).
 * Round (or otherwise reduce) the value before it reaches the wire; this never rounds silently.
 */
export function assertDecimalFits(value: Big, precision = 38, scale = 12): void {
  if (!Number.isSafeInteger(precision) || !Number.isSafeInteger(scale) || precision < 1 || scale < 0 || scale > precision) {
    throw new RangeError(`invalid decimal(${precision},${scale})`);
  }
  if (fractionDigits(value) > scale || integerDigits(value) > precision - scale) {
    throw new DecimalOverflow(value, precision, scale);
  }
}

/** Exact sum; 0 for an empty list. */
export function sum(values: readonly Big[]): Big {
  return values.reduce((acc, value) => acc.plus(value), ZERO);
}
