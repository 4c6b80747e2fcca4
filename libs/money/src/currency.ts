import { DomainError } from '@billing/errors';

/** An ISO 4217 code this platform knows the minor unit of. Obtain one with assertCurrency(). */
export type CurrencyCode = string & { readonly __brand: 'CurrencyCode' };

/** ISO 4217 minor units (digits after the decimal point) for the currencies we bill in. */
const MINOR_UNITS: ReadonlyMap<string, number> = new Map([
  // 2 decimals
  ['USD', 2], ['EUR', 2], ['GBP', 2], ['CHF', 2], ['CAD', 2], ['AUD', 2], ['NZD', 2],
  ['SEK', 2], ['NOK', 2], ['DKK', 2], ['PLN', 2], ['CZK', 2], ['HUF', 2], ['RON', 2],
  ['INR', 2], ['CNY', 2], ['HKD', 2], ['SGD', 2], ['TWD', 2], ['THB', 2], ['MYR', 2],
  ['IDR', 2], ['PHP', 2], ['ILS', 2], ['AED', 2], ['SAR', 2], ['TRY', 2], ['EGP', 2],
  ['NGN', 2], ['KES', 2], ['ZAR', 2], ['BRL', 2], ['MXN', 2], ['COP', 2], ['PEN', 2], ['ARS', 2],
  // 0 decimals
  ['JPY', 0], ['KRW', 0], ['CLP', 0], ['ISK', 0], ['VND', 0], ['UGX', 0], ['PYG', 0],
  ['XAF', 0], ['XOF', 0],
  // 3 decimals
  ['BHD', 3], ['KWD', 3], ['OMR', 3], ['JOD', 3], ['TND', 3], ['IQD', 3], ['LYD', 3],
]);

/** A currency code outside the ISO 4217 table above (expected failure: goes to the dead-letter topic). */
export class UnknownCurrency extends DomainError {
  constructor(readonly code: string) {
    super('UNKNOWN_CURRENCY', `unknown currency code ${JSON.stringify(code)}`, { currency: code });
  }
}

/** True for an upper-case ISO 4217 code in the table ('usd' is not a code). */
export function isCurrencyCode(code: string): code is CurrencyCode {
  return MINOR_UNITS.has(code);
}

export function assertCurrency(code: string): CurrencyCode {
  if (!isCurrencyCode(code)) throw new UnknownCurrency(code);
  return code;
}

/** ISO 4217 minor units: USD 2, JPY 0, KWD 3. Throws UnknownCurrency for codes outside the table. */
export function minorUnits(currency: string): number {
  const units = MINOR_UNITS.get(currency);
  if (units === undefined) throw new UnknownCurrency(currency);
  return units;
}

/** Every currency code in the table, sorted (for tests, validation messages and dashboards). */
export function knownCurrencies(): CurrencyCode[] {
  return [...MINOR_UNITS.keys()].sort() as CurrencyCode[];
}
