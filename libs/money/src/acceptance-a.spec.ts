// ACCEPTANCE A (Acme Bank, USD, US-NY-NYC 8.875%): the money figures this library must reproduce.
import { allocateWithRemainderLast } from './allocation';
import { parseDecimal, sum } from './decimal';
import { roundToMinorUnit } from './rounding';

const TAX_RATE_NYC = parseDecimal('0.08875');

function salesTax(subtotal: string): string {
  return roundToMinorUnit(parseDecimal(subtotal).times(TAX_RATE_NYC), 'USD').toFixed(2);
}

describe('ACCEPTANCE A figures', () => {
  it('January tax: 50,009.60 x 8.875% = 4,438.352 -> 4,438.35', () => {
    expect(parseDecimal('50009.60').times(TAX_RATE_NYC).toFixed()).toBe('4438.352');
    expect(salesTax('50009.60')).toBe('4438.35');
  });

  it('March tax: 50,006.40 x 8.875% = 4,438.068 -> 4,438.07', () => {
    expect(salesTax('50006.40')).toBe('4438.07');
  });

  it('usage-only tax: 6.40 x 8.875% = 0.568 -> 0.57', () => {
    expect(salesTax('6.40')).toBe('0.57');
  });

  it('January invoice total: 50,009.60 + 4,438.35 = 54,447.95', () => {
    expect(sum([parseDecimal('50009.60'), parseDecimal(salesTax('50009.60'))]).toFixed(2)).toBe('54447.95');
  });

  it('50,000.00 recognised over 31 days of January sums exactly, the remainder on the last days', () => {
    const daily = allocateWithRemainderLast(parseDecimal('50000.00'), 31, 'USD');
    expect(daily).toHaveLength(31);
    expect(sum(daily).toFixed(2)).toBe('50000.00');
    // 50,000.00 / 31 = 1,612.903...: 1,612.90 a day leaves 0.10, one cent on each of the last 10 days.
    for (const day of daily.slice(0, 21)) expect(day.toFixed(2)).toBe('1612.90');
    for (const day of daily.slice(21)) expect(day.toFixed(2)).toBe('1612.91');
  });

  it('February (28 days) and March (31 days) sum exactly too', () => {
    for (const [monthTotal, days] of [['50000.00', 28], ['50006.40', 31]] as const) {
      expect(sum(allocateWithRemainderLast(parseDecimal(monthTotal), days, 'USD')).eq(parseDecimal(monthTotal))).toBe(true);
    }
  });
});
