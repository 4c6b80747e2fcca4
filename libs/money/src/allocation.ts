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
 * Splits `total` (at the minor unit) into `parts` equal amounts rounded half-even to the minor unit, with the
 * remainder on the LAST part, so the parts sum exactly to the total (ACCEPTANCE A: "Daily amounts are rounded,
 * and the remainder falls on the last day, so each month sums exactly"). 50,000.00 USD over 31 days: 30 days of
 * 1,612.90 and a 31st day of 1,613.00.
 *
 * The last part absorbs up to (parts - 1) half minor units, so for a total of a few cents over many parts it can
 * even take the opposite sign (0.09 over 6 parts: five of 0.02 and -0.01). Use allocate() with equal weights when
 * parts must each stay within one minor unit of the exact share.
 */
export function allocateWithRemainderLast(total: Big, parts: number, currency: string): Big[] {
  const places = minorUnits(currency);
  assertPartsCount(parts);
  assertTotalAtMinorUnit(total, currency);

  const share = divideRounded(total, new Big(String(parts)), places, Big.roundHalfEven);
  const last = total.minus(share.times(new Big(String(parts - 1))));
  const result: Big[] = [];
  for (let index = 0; index < parts - 1; index++) result.push(share);
  result.push(last);
  return result;
}
