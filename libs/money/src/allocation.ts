import { DomainError } from '@billing/errors';
import { Big, ONE, ZERO, divideRounded, fractionDigits, powerOfTen } from './big';
import { minorUnits } from './currency';
import { isAtMinorUnit } from './rounding';

/** Upper bound on the parts of one allocation (ten years of daily revenue is 3,653 parts). */
export const ALLOCATION_PARTS_MAX = 100_000;

/** An allocation asked for something that cannot be split (no weights, negative weights, fractions of a cent...). */
export class InvalidAllocation extends DomainError {
  constructor(message: string) {
    super('INVALID_ALLOCATION', message);
  }
}

function assertTotalAtMinorUnit(total: Big, currency: string): void {
  if (!isAtMinorUnit(total, currency)) {
    throw new InvalidAllocation(`total ${total.toFixed()} is not at the minor unit of ${currency}; round it first`);
  }
}

function assertPartsCount(parts: number): void {
  if (!Number.isSafeInteger(parts) || parts < 1 || parts > ALLOCATION_PARTS_MAX) {
    throw new InvalidAllocation(`parts must be an integer in 1..${ALLOCATION_PARTS_MAX}, got ${parts}`);
  }
}

/**
 * Splits `total` (already at the currency's minor unit) into parts proportional to `weights`, each part at the
 * minor unit, the parts summing exactly to `total`.
 *
 * Largest-remainder method, in integer minor units: every part gets the floor of its exact share, then the
 * units still missing go one each to the parts with the largest remainders; equal remainders go to the lowest
 * index first, so the result is deterministic. Each part differs from its exact share by less than one minor
 * unit. A negative total (credit note) is split as its magnitude and then negated, so rounding is symmetric.
 */
export function allocate(total: Big, weights: readonly Big[], currency: string): Big[] {
  const places = minorUnits(currency);
  if (weights.length === 0) throw new InvalidAllocation('no weights to allocate by');
  assertPartsCount(weights.length);
  if (weights.some((weight) => weight.lt(ZERO))) throw new InvalidAllocation('weights must not be negative');
  assertTotalAtMinorUnit(total, currency);

  // Scale weights to integers so that every step below is integer arithmetic, hence exact.
  const weightScale = powerOfTen(Math.max(...weights.map(fractionDigits)));
  const weightUnits = weights.map((weight) => weight.times(weightScale));
  const weightUnitsTotal = weightUnits.reduce((acc, weight) => acc.plus(weight), ZERO);
  if (weightUnitsTotal.eq(ZERO)) throw new InvalidAllocation('weights must not all be zero');

  const totalUnits = total.abs().times(powerOfTen(places));
  const floors: Big[] = [];
  const remainders: Big[] = [];
  for (const weight of weightUnits) {
    const numerator = totalUnits.times(weight);
    const floor = divideRounded(numerator, weightUnitsTotal, 0, Big.roundDown);
    floors.push(floor);
    remainders.push(numerator.minus(floor.times(weightUnitsTotal)));
  }
  const unitsLeft = totalUnits.minus(floors.reduce((acc, floor) => acc.plus(floor), ZERO));
  // 0 <= unitsLeft < weights.length, because each remainder is below weightUnitsTotal.
  const leftCount = Number(unitsLeft.toFixed());

  const byRemainderThenIndex = remainders
    .map((remainder, index) => ({ remainder, index }))
    .sort((a, b) => b.remainder.cmp(a.remainder) || a.index - b.index);
  const parts = [...floors];
  for (const { index } of byRemainderThenIndex.slice(0, leftCount)) parts[index] = parts[index].plus(ONE);

  const unit = powerOfTen(-places);
  const negative = total.lt(ZERO);
  return parts.map((units) => {
    const part = units.times(unit);
    return negative && !part.eq(ZERO) ? part.neg() : part;
  });
}

/**
 * Splits `total` (at the minor unit) into `parts` equal amounts at the minor unit, the remainder on the LAST parts:
 * every part is the equal share rounded toward zero to the minor unit, and the minor units still missing (fewer
 * than `parts`) go one each to the last parts, so the parts sum exactly to the total, never differ from one another
 * by more than one minor unit, and each has the total's sign or is zero. 50,000.00 USD over 31 days: 21 days of
 * 1,612.90, then 10 days of 1,612.91; 0.20 over 31 days: 11 days of 0.00, then 20 days of 0.01. A negative total
 * (credit) is split as its magnitude and then negated, like allocate().
 *
 * ACCEPTANCE A ("Daily amounts are rounded, and the remainder falls on the last day, so each month sums exactly"):
 * each day is a rounded amount, the remainder lands at the end of the period (the last day always carries it when
 * it is one minor unit, the last days one unit each when it is more), and the month sums exactly. Piling the whole
 * remainder on the single last day instead lets that day stray up to (parts - 1) minor units from the others, and
 * with half-even shares even take the opposite sign (0.20 over 31 days gave 30 days of 0.01 and a last day of
 * -0.10): a revenue day reversing in a month that only earns is wrong, so the remainder is spread.
 */
export function allocateWithRemainderLast(total: Big, parts: number, currency: string): Big[] {
  const places = minorUnits(currency);
  assertPartsCount(parts);
  assertTotalAtMinorUnit(total, currency);

  // Integer minor units throughout, so every step is exact.
  const totalUnits = total.abs().times(powerOfTen(places));
  const partsCount = new Big(String(parts));
  const shareUnits = divideRounded(totalUnits, partsCount, 0, Big.roundDown);
  // 0 <= remainder < parts, so it fits a number and at most every part but one takes a unit.
  const remainderUnits = Number(totalUnits.minus(shareUnits.times(partsCount)).toFixed());
  const firstRaisedIndex = parts - remainderUnits;

  const unit = powerOfTen(-places);
  const negative = total.lt(ZERO);
  const signed = (units: Big): Big => {
    const part = units.times(unit);
    return negative && !part.eq(ZERO) ? part.neg() : part;
  };
  const share = signed(shareUnits);
  const raisedShare = signed(shareUnits.plus(ONE));
  return Array.from({ length: parts }, (_, index) => (index < firstRaisedIndex ? share : raisedShare));
}
