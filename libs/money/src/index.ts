export { Big, type BigSource, EXACT_DIVISION_DP, divideExact, divideRounded } from './big';
export { type CurrencyCode, UnknownCurrency, assertCurrency, isCurrencyCode, knownCurrencies, minorUnits } from './currency';
export { isAtMinorUnit, minorUnit, roundToMinorUnit } from './rounding';
export { ALLOCATION_PARTS_MAX, InvalidAllocation, allocate, allocateWithRemainderLast } from './allocation';
export { DAYS_IN_PERIOD_MAX, InvalidProration, prorateByDays } from './proration';
export { DECIMAL_TEXT_LENGTH_MAX, DecimalOverflow, InvalidDecimal, assertDecimalFits, parseDecimal, sum } from './decimal';
export { CurrencyMismatch, Money, add, equals, isZero, money, negate, subtract } from './money';
export { WIRE_PRECISION, WIRE_SCALE, fitsWire, toWireScale } from './wire';
