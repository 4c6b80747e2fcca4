import { DomainError } from '@billing/errors';
import { Big, BigSource, ZERO } from './big';
import { CurrencyCode, assertCurrency } from './currency';
import { InvalidDecimal, parseDecimal } from './decimal';

/** Two amounts in different currencies met in one operation; convert with an FX rate first. */
export class CurrencyMismatch extends DomainError {
  constructor(left: string, right: string) {
    super('CURRENCY_MISMATCH', `cannot combine ${left} with ${right}`, { left, right });
  }
}

/**
 * An exact amount in a known currency. The amount is not rounded: rated usage carries full precision and is
 * rounded once, at invoicing, with roundToMinorUnit.
 */
export class Money {
  readonly amount: Big;
  readonly currency: CurrencyCode;

  constructor(amount: BigSource, currency: string) {
    this.currency = assertCurrency(currency);
    // Strings go through parseDecimal so bad text is a typed InvalidDecimal, not big.js's bare Error.
    if (typeof amount === 'number' && !Number.isFinite(amount)) throw new InvalidDecimal(String(amount));
    this.amount = typeof amount === 'string' ? parseDecimal(amount) : new Big(amount);
    Object.freeze(this);
  }

  add(other: Money): Money {
    return add(this, other);
  }

  subtract(other: Money): Money {
    return subtract(this, other);
  }

  negate(): Money {
    return negate(this);
  }

  isZero(): boolean {
    return isZero(this);
  }

  equals(other: Money): boolean {
    return equals(this, other);
  }

  /** "50009.6 USD": plain notation, never exponential. */
  toString(): string {
    return `${this.amount.toFixed()} ${this.currency}`;
  }
}

/** money('50000.00', 'USD'). Throws UnknownCurrency or InvalidDecimal. */
export function money(amount: BigSource, currency: string): Money {
  return new Money(amount, currency);
}

function assertSameCurrency(left: Money, right: Money): void {
  if (left.currency !== right.currency) throw new CurrencyMismatch(left.currency, right.currency);
}

export function add(left: Money, right: Money): Money {
  assertSameCurrency(left, right);
  return new Money(left.amount.plus(right.amount), left.currency);
}

export function subtract(left: Money, right: Money): Money {
  assertSameCurrency(left, right);
  return new Money(left.amount.minus(right.amount), left.currency);
}

export function negate(value: Money): Money {
  return new Money(value.amount.eq(ZERO) ? ZERO : value.amount.neg(), value.currency);
}

export function isZero(value: Money): boolean {
  return value.amount.eq(ZERO);
}

/** Same currency and same value (1.5 USD equals 1.50 USD); different currencies are simply not equal. */
export function equals(left: Money, right: Money): boolean {
  return left.currency === right.currency && left.amount.eq(right.amount);
}
