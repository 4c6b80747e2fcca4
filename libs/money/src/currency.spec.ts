import { DomainError } from '@billing/errors';
import { UnknownCurrency, assertCurrency, isCurrencyCode, knownCurrencies, minorUnits } from './currency';

describe('currency', () => {
  it.each([
    ['USD', 2], ['EUR', 2], ['GBP', 2], ['CHF', 2], ['CAD', 2], ['AUD', 2], ['NZD', 2], ['SEK', 2], ['NOK', 2],
    ['DKK', 2], ['PLN', 2], ['CZK', 2], ['HUF', 2], ['INR', 2], ['CNY', 2], ['HKD', 2], ['SGD', 2], ['BRL', 2],
    ['MXN', 2], ['ZAR', 2], ['JPY', 0], ['KRW', 0], ['CLP', 0], ['ISK', 0],
    ['BHD', 3], ['KWD', 3], ['OMR', 3], ['JOD', 3], ['TND', 3],
  ])('%s has %i minor units (ISO 4217)', (code, units) => {
    expect(minorUnits(code)).toBe(units);
    expect(isCurrencyCode(code)).toBe(true);
    expect(assertCurrency(code)).toBe(code);
  });

  it('knows about forty currencies, all three upper-case letters', () => {
    const codes = knownCurrencies();
    expect(codes.length).toBeGreaterThanOrEqual(40);
    for (const code of codes) expect(code).toMatch(/^[A-Z]{3}$/);
  });

  it.each(['usd', 'XXX', '', 'US', 'USDD', 'toString', '__proto__'])('rejects %j as UNKNOWN_CURRENCY', (code) => {
    expect(isCurrencyCode(code)).toBe(false);
    expect(() => minorUnits(code)).toThrow(UnknownCurrency);
    let caught: unknown;
    try {
      assertCurrency(code);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DomainError);
    expect((caught as DomainError).reasonCode).toBe('UNKNOWN_CURRENCY');
  });
});
