import fc from 'fast-check';
import { Big } from './big';
import { DecimalOverflow, InvalidDecimal, assertDecimalFits, parseDecimal, sum } from './decimal';
import { decimalArb } from './test-arbitraries';

describe('parseDecimal', () => {
  it.each([
    ['0', '0'],
    ['-0', '0'],
    ['50009.60', '50009.6'],
    ['-4438.352', '-4438.352'],
    ['0.0032', '0.0032'],
    ['000123.4500', '123.45'],
    ['1e-7', '0.0000001'],
    ['1.5E+3', '1500'],
    ['123456789012345678901234567890.123456789012', '123456789012345678901234567890.123456789012'],
  ])('parses %j exactly', (text, plain) => {
    expect(parseDecimal(text).toFixed()).toBe(plain);
  });

  it.each(['', ' ', 'NaN', 'Infinity', '-Infinity', 'abc', '1,5', ' 1', '1 ', '+1', '.5', '5.', '0x1f', '1e', '1e1000', '--1', '1.2.3', '1_000', '١٢'])(
    'rejects %j with INVALID_DECIMAL',
    (text) => {
      expect(() => parseDecimal(text)).toThrow(InvalidDecimal);
      expect(() => parseDecimal(text)).toThrow('INVALID_DECIMAL');
    },
  );

  it('rejects text longer than DECIMAL_TEXT_LENGTH_MAX', () => {
    expect(() => parseDecimal('1'.repeat(201))).toThrow(InvalidDecimal);
  });

  it('round-trips every decimal through its plain and its big.js text', () =>
    fc.assert(
      fc.property(decimalArb(), (value) => {
        expect(parseDecimal(value.toFixed()).eq(value)).toBe(true);
        expect(parseDecimal(value.toString()).eq(value)).toBe(true);
      }),
    ));
});

describe('assertDecimalFits', () => {
  const maxWire = `${'9'.repeat(26)}.${'9'.repeat(12)}`;

  it.each(['0', maxWire, `-${maxWire}`, '0.000000000001', '50009.60'])('accepts %s in decimal(38,12)', (text) => {
    expect(() => assertDecimalFits(new Big(text))).not.toThrow();
  });

  it.each([`1${'0'.repeat(26)}`, '0.0000000000001', `-1${'0'.repeat(26)}`, '1.1234567890123'])(
    'rejects %s with DECIMAL_OVERFLOW',
    (text) => {
      expect(() => assertDecimalFits(new Big(text))).toThrow(DecimalOverflow);
      expect(() => assertDecimalFits(new Big(text))).toThrow('DECIMAL_OVERFLOW');
    },
  );

  it('counts significant digits, not trailing zeros', () => {
    expect(() => assertDecimalFits(new Big('1.50000000000000000000'))).not.toThrow();
  });

  it('honours a custom precision and scale', () => {
    expect(() => assertDecimalFits(new Big('999.99'), 5, 2)).not.toThrow();
    expect(() => assertDecimalFits(new Big('1000.00'), 5, 2)).toThrow(DecimalOverflow);
    expect(() => assertDecimalFits(new Big('1.001'), 5, 2)).toThrow(DecimalOverflow);
    expect(() => assertDecimalFits(new Big('1'), 5, 6)).toThrow(RangeError);
  });

  it('accepts exactly the values whose digits fit', () =>
    fc.assert(
      fc.property(decimalArb(14), (value) => {
        const [integerPart, fractionPart = ''] = value.abs().toFixed().split('.');
        const fits = fractionPart.length <= 12 && integerPart.replace(/^0+/, '').length <= 26;
        if (fits) expect(() => assertDecimalFits(value)).not.toThrow();
        else expect(() => assertDecimalFits(value)).toThrow(DecimalOverflow);
      }),
    ));
});

describe('sum', () => {
  it('is exact and 0 for no values', () => {
    expect(sum([]).toFixed()).toBe('0');
    expect(sum([new Big('0.1'), new Big('0.2')]).toFixed()).toBe('0.3');
  });

  it('does not depend on the order of the values', () =>
    fc.assert(
      fc.property(fc.array(decimalArb(), { maxLength: 30 }), (values) => {
        expect(sum([...values].reverse()).eq(sum(values))).toBe(true);
      }),
    ));
});
