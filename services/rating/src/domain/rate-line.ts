import { Big, toWireScale } from '@billing/money';
import type { UsagePriceLine } from './commands';
import { invariant } from '@billing/eventsourcing';
import { rampKeyAt, rampOfKey, type UsageSegment } from './line-usage';
import { chargeForUnitRange, perEventCharge, periodFixedCharge, type PricingModel } from './pricing';

export interface LineRatingInput {
  readonly line: UsagePriceLine;
  /** In ramp order; tiers and the allowance count from the first segment's first unit. */
  readonly segments: readonly UsageSegment[];
  /** Start of the (first) period rated: the flat amount uses the pricing in effect then. */
  readonly periodStartMs: number;
  /** Billing periods rated together: 1 for a period, 3 or 12 for a pooled true-up (scales allowance and limits). */
  readonly periodsCount: number;
  /** Prepaid credit units available to this line, drawn after the included units. */
  readonly creditUnitsAvailable: Big;
  /** The minimum applies to a final rating only; real-time accruals show what usage has earned so far. */
  readonly applyMinimum: boolean;
}

export interface LineRating {
  readonly units: Big;
  readonly includedUnits: Big;
  readonly creditUnitsApplied: Big;
  readonly billableUnits: Big;
  /** Charge of the billable units (and usage events) before the overage discount. */
  readonly overageAmount: Big;
  readonly overageDiscountAmount: Big;
  /** Flat amount of the period. */
  readonly fixedAmount: Big;
  readonly discountAmount: Big;
  readonly fixedDiscountAmount: Big;
  readonly minimumTopUpAmount: Big;
  readonly maximumReductionAmount: Big;
  readonly amount: Big;
}

function pricingFor(line: UsagePriceLine, segmentKey: string): PricingModel {
  const rampFrom = rampOfKey(segmentKey);
  if (rampFrom === null) return line.pricing;
  const ramp = line.ramps.find((candidate) => candidate.effectiveFrom === rampFrom);
  invariant(ramp !== undefined, `price line ${line.priceLineId} has no ramp from ${rampFrom}`);
  return ramp.pricing;
}

const ZERO = new Big('0');
const ONE = new Big('1');
const maxOf = (a: Big, b: Big): Big => (a.gt(b) ? a : b);
const minOf = (a: Big, b: Big): Big => (a.lt(b) ? a : b);

/**
 * Rates one price line over a period (or a pool of periods), exactly: the included units drawn down first, then
 * prepaid credit units, then each ramp segment's billable units priced by its pricing at its position in the
 * period (tiers count billable units); the overage discount, the flat amount, the line discount and the fixed
 * discount; then the maximum and the minimum. Never rounds.
 */
export function rateLine(input: LineRatingInput): LineRating {
  const { line, segments, periodsCount } = input;
  const includedUnits = line.includedUnits.times(periodsCount);
  const units = segments.reduce((total, segment) => total.plus(segment.units), ZERO);
  const creditUnitsApplied = minOf(input.creditUnitsAvailable, maxOf(units.minus(includedUnits), ZERO));
  const allowanceUnits = includedUnits.plus(creditUnitsApplied);
  const billableUnits = maxOf(units.minus(allowanceUnits), ZERO);
  let overageAmount = ZERO;
  let position = ZERO;
  for (const segment of segments) {
    const pricing = pricingFor(line, segment.rampKey);
    const from = maxOf(position.minus(allowanceUnits), ZERO);
    position = position.plus(segment.units);
    const to = maxOf(position.minus(allowanceUnits), ZERO);
    overageAmount = overageAmount.plus(chargeForUnitRange(pricing, from, to, billableUnits)).plus(perEventCharge(pricing, segment.events));
  }
  const overageDiscountAmount = overageAmount.times(line.overageDiscountRate);
  const fixedAmount = periodFixedCharge(pricingFor(line, rampKeyAt(line, input.periodStartMs))).times(periodsCount);
  const beforeDiscounts = overageAmount.minus(overageDiscountAmount).plus(fixedAmount);
  const discountAmount = beforeDiscounts.times(line.discountRate);
  let amount = beforeDiscounts.times(ONE.minus(line.discountRate));
  const fixedDiscountAmount = minOf(line.fixedDiscountAmount.times(periodsCount), amount);
  amount = amount.minus(fixedDiscountAmount);
  let minimumTopUpAmount = ZERO;
  let maximumReductionAmount = ZERO;
  if (line.maximumAmount !== null) {
    const maximum = line.maximumAmount.times(periodsCount);
    if (amount.gt(maximum)) {
      maximumReductionAmount = amount.minus(maximum);
      amount = maximum;
    }
  }
  if (input.applyMinimum && line.minimumAmount !== null) {
    const minimum = line.minimumAmount.times(periodsCount);
    if (amount.lt(minimum)) {
      minimumTopUpAmount = minimum.minus(amount);
      amount = minimum;
    }
  }
  return {
    units,
    includedUnits,
    creditUnitsApplied,
    billableUnits,
    overageAmount,
    overageDiscountAmount,
    fixedAmount,
    discountAmount,
    fixedDiscountAmount,
    minimumTopUpAmount,
    maximumReductionAmount,
    amount,
  };
}

/**
 * A line's rating as the wire carries it: every amount rounded half-even to 12 decimals (toWireScale), each from its
 * exact figure (rateLine stays exact). Units are sums of wire quantities, already at most 12 decimals. A rating is
 * always recomputed from the period's (or pool's) aggregated usage, so a rounding never carries into the next one.
 */
export function lineRatingOnWire(rating: LineRating): LineRating {
  return {
    ...rating,
    overageAmount: toWireScale(rating.overageAmount),
    overageDiscountAmount: toWireScale(rating.overageDiscountAmount),
    fixedAmount: toWireScale(rating.fixedAmount),
    discountAmount: toWireScale(rating.discountAmount),
    fixedDiscountAmount: toWireScale(rating.fixedDiscountAmount),
    minimumTopUpAmount: toWireScale(rating.minimumTopUpAmount),
    maximumReductionAmount: toWireScale(rating.maximumReductionAmount),
    amount: toWireScale(rating.amount),
  };
}
