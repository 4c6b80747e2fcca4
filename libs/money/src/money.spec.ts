import fc from 'fast-check';
import { DomainError } from '@billing/errors';
import { Big } from './big';
import { UnknownCurrency } from './currency';
import { InvalidDecimal } from './decimal';
import { CurrencyMismatch, Money, add, equals, isZero, money, negate, subtract } from './money';
import { currencyArb, decimalArb } from './test-arbitraries';

function reasonCodeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    return error instanceof DomainError ? error.reasonCode : `not a DomainError: ${String(error)}`;
  }
  return undefined;
}

describe('Money', () => {
  it('holds an exact amount in a known currency', () => {
    const fee = money('50000.00', 'USD');
    expect(fee).toBeInstanceOf(Money);
    expect(fee.amount.toFixed(2)).toBe('50000.00');
    expect(fee.currency).toBe('USD');
    expect(money(new Big('0.0032'), 'EUR').amount.toFixed()).toBe('0.0032');
    expect(fee.toString()).toBe('50000 USD');
  });

  it('adds, subtracts and negates in one currency', () => {
    const invoiceTotal = add(money('50009.60', 'USD'), money('4438.35', 'USD'));
    expect(invoiceTotal.amount.toFixed(2)).toBe('54447.95');
    expect(subtract(invoiceTotal, money('54447.95', 'USD')).isZero()).toBe(true);
    expect(negate(money('12.34', 'USD')).amount.toFixed(2)).toBe('-12.34');
    expect(money('1.00', 'USD').add(money('2.00', 'USD')).subtract(money('0.50', 'USD')).negate().amount.toFixed(2)).toBe('-2.50');
  });

  it('compares by value and currency', () => {
    expect(equals(money('1.5', 'USD'), money('1.50', 'USD'))).toBe(true);
    expect(equals(money('1.5', 'USD'), money('1.5', 'EUR'))).toBe(false);
    expect(money('1.5', 'USD').equals(money('1.51', 'USD'))).toBe(false);
    expect(isZero(money('-0.00', 'USD'))).toBe(true);
    expect(isZero(money('0.000000000001', 'USD'))).toBe(false);
  });

  it('refuses to combine currencies with CURRENCY_MISMATCH', () => {
    expect(() => add(money('1', 'USD'), money('1', 'EUR'))).toThrow(CurrencyMismatch);
    expect(reasonCodeOf(() => subtract(money('1', 'USD'), money('1', 'GBP')))).toBe('CURRENCY_MISMATCH');
  });

  it('rejects unknown currencies and bad amounts with typed errors', () => {
    expect(() => money('1', 'XYZ')).toThrow(UnknownCurrency);
    expect(reasonCodeOf(() => money('1', 'usd'))).toBe('UNKNOWN_CURRENCY');
    expect(() => money('12,50', 'USD')).toThrow(InvalidDecimal);
    expect(reasonCodeOf(() => money('NaN', 'USD'))).toBe('INVALID_DECIMAL');
    expect(reasonCodeOf(() => money(Number.POSITIVE_INFINITY, 'USD'))).toBe('INVALID_DECIMAL');
  });

  it('is immutable', () => {
    const fee = money('1', 'USD');
    expect(Object.isFrozen(fee)).toBe(true);
  });

  it('a + b - b = a, a + (-a) = 0, -(-a) = a', () =>
    fc.assert(
      fc.property(currencyArb, decimalArb(), decimalArb(), (currency, left, right) => {
        const a = money(left, currency);
        const b = money(right, currency);
        expect(subtract(add(a, b), b).equals(a)).toBe(true);
        expect(add(a, negate(a)).isZero()).toBe(true);
        expect(negate(negate(a)).equals(a)).toBe(true);
        expect(add(a, b).equals(add(b, a))).toBe(true);
      }),
    ));
});
