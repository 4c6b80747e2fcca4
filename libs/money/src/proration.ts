import { DomainError } from '@billing/errors';
import { Big, divideExact } from './big';

/** Upper bound on a period's length in days (a ten-year prepaid term). */
export const DAYS_IN_PERIOD_MAX = 3_660;

export class InvalidProration extends DomainError {
  constructor(message: string) {
    super('INVALID_PRORATION', message);
  }
}

/**
 * amount x daysUsed / daysInPeriod, NOT rounded to a minor unit: the result stays exact (to EXACT_DIVISION_DP = 40
 * decimal places, with its own precision, never the global Big.DP) until invoicing rounds the final amount once
 * with roundToMinorUnit. 50,000.00 for 10 of 31 days is 16,129.0322580645161290322580645161290322580645...
 */
export function prorateByDays(amount: Big, daysUsed: number, daysInPeriod: number): Big {
  if (!Number.isSafeInteger(daysInPeriod) || daysInPeriod < 1 || daysInPeriod > DAYS_IN_PERIOD_MAX) {
    throw new InvalidProration(`daysInPeriod must be an integer in 1..${DAYS_IN_PERIOD_MAX}, got ${daysInPeriod}`);
  }
  if (!Number.isSafeInteger(daysUsed) || daysUsed < 0 || daysUsed > daysInPeriod) {
    throw new InvalidProration(`daysUsed must be an integer in 0..${daysInPeriod}, got ${daysUsed}`);
  }
  if (daysUsed === daysInPeriod) return new Big(amount);
  return divideExact(amount.times(new Big(String(daysUsed))), new Big(String(daysInPeriod)));
}
