import { addMonths } from '@billing/calendar';

export type PeriodUnit = 'month' | 'quarter' | 'year';
export type BillingAlignment = 'calendar' | 'anniversary';

export interface Period {
  readonly start: string;
  /** exclusive */
  readonly end: string;
}

export function monthsIn(unit: PeriodUnit): number {
  return unit === 'month' ? 1 : unit === 'quarter' ? 3 : 12;
}

/**
 * The allowance period holding `date`. calendar: months start on the 1st, quarters in Jan/Apr/Jul/Oct, years on
 * Jan 1. anniversary: periods counted from the contract start (`anchorDate`), always from the anchor so a start on
 * the 31st stays on month ends.
 */
export function periodContaining(date: string, unit: PeriodUnit, alignment: BillingAlignment, anchorDate: string): Period {
  const months = monthsIn(unit);
  const anchor = alignment === 'calendar' ? '2000-01-01' : anchorDate;
  const monthIndex = (text: string) => Number(text.slice(0, 4)) * 12 + Number(text.slice(5, 7)) - 1;
  let elapsedMonths = monthIndex(date) - monthIndex(anchor);
  if (addMonths(anchor, elapsedMonths) > date) elapsedMonths -= 1;
  const index = Math.floor(elapsedMonths / months);
  return { start: addMonths(anchor, index * months), end: addMonths(anchor, (index + 1) * months) };
}
