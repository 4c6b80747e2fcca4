import { addDays } from '@billing/calendar';
import type { BillingCadence, BillingTiming, Discount, RecurringFeeLine, SeatLine } from '@billing/contract-terms';
import { Big, divideExact } from '@billing/money';
import { cadenceMonths, daysIn, feePeriodMonths, type DateRange } from './billing-cycle';
import { versionOn } from './contract-versions';
import type { InvoiceLine } from './events';
import { proratedExact, runsOf } from './proration';
import type { ContractRecord } from './state';

/** An invoice line before numbering and rounding. */
export type DraftLine = Omit<InvoiceLine, 'lineNumber' | 'amount'>;

type PeriodicLine = RecurringFeeLine | SeatLine;

const HUNDRED = new Big(100);

function withDiscounts(amount: Big, discounts: readonly Discount[], scale: Big): Big {
  let discounted = amount;
  for (const discount of discounts) {
    if (discount.kind === 'percentage') discounted = divideExact(discounted.times(HUNDRED.minus(discount.percent)), HUNDRED);
    // A fixed discount is per fee period, scaled like the fee; overage discounts belong to usage (rating applies them).
    if (discount.kind === 'fixed') discounted = discounted.minus(discount.amountPerPeriod.times(scale));
  }
  return discounted.lt(0) ? new Big(0) : discounted;
}

/** The line's amount for a whole billing period on `day` (ramps override the base price on their dates), and its seats. */
export function fullPeriodAmountOn(line: PeriodicLine, day: string, cadence: BillingCadence): { amount: Big; seats: number | null } {
  const scale = divideExact(new Big(cadenceMonths(cadence)), new Big(feePeriodMonths(line.period)));
  if (line.kind === 'recurring_fee') {
    const ramp = line.ramps.find((candidate) => candidate.startDate <= day && day < candidate.endDate);
    const perFeePeriod = ramp?.amountPerPeriod ?? line.amountPerPeriod;
    return { amount: withDiscounts(perFeePeriod.times(scale), line.discounts, scale), seats: null };
  }
  const ramp = line.ramps.find((candidate) => candidate.startDate <= day && day < candidate.endDate);
  const seats = ramp?.seats ?? line.seats;
  const unitPrice = ramp?.unitPricePerPeriod ?? line.unitPricePerPeriod;
  return { amount: withDiscounts(unitPrice.times(seats).times(scale), line.discounts, scale), seats };
}

interface LineDays {
  readonly line: PeriodicLine;
  readonly daily: (Big | null)[];
  seats: number | null;
}

/** Each fee / seat line's amount day by day over `range` (null on days the line is not in the contract). */
function dailyAmounts(record: ContractRecord, range: DateRange, timing: BillingTiming): Map<string, LineDays> {
  const byLine = new Map<string, LineDays>();
  const days = daysIn(range);
  for (let index = 0, day = range.start; index < days; index += 1, day = addDays(day, 1)) {
    const version = versionOn(record, day);
    if (version === null) continue;
    for (const line of version.terms.priceLines) {
      if (line.kind === 'usage' || line.billingTiming !== timing) continue;
      const entry = byLine.get(line.lineId) ?? { line, daily: new Array<Big | null>(days).fill(null), seats: null };
      const { amount, seats } = fullPeriodAmountOn(line, day, version.terms.billingCadence);
      entry.daily[index] = amount;
      byLine.set(line.lineId, { line, daily: entry.daily, seats: seats ?? entry.seats });
    }
  }
  return byLine;
}

/**
 * The fee and seat lines of `timing` for the part `range` of a billing period whose full aligned period has
 * `daysInPeriod` days: each line prorated by day over the versions and ramps in effect, exact until the invoice rounds it.
 */
export function recurringLines(record: ContractRecord, range: DateRange, timing: BillingTiming, daysInPeriod: number): DraftLine[] {
  const lines: DraftLine[] = [];
  for (const [lineId, { line, daily, seats }] of dailyAmounts(record, range, timing)) {
    lines.push({
      kind: line.kind === 'seats' ? 'seats' : 'recurring_fee',
      contractId: record.contractId,
      priceLineId: lineId,
      description: line.description,
      servicePeriodStart: range.start,
      servicePeriodEnd: range.end,
      usagePeriodId: null,
      quantity: seats === null ? null : new Big(seats),
      usage: null,
      amountExact: proratedExact(runsOf(daily), daysInPeriod),
    });
  }
  return lines;
}
