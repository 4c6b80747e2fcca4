/**
 * Billing periods. Calendar months (UTC) by default; `contract_anniversary` anchors each period on the contract
 * start's day of month (clamped to the month's last day: a 31st anchor gives Feb 28/29).
 * Period ids: 'YYYY-MM' for calendar months, 'YYYY-MM-DD' (the period's start) for anniversary periods.
 */
export type BillingPeriodAlignment = 'calendar_month' | 'contract_anniversary';

export interface BillingPeriod {
  readonly periodId: string;
  /** Inclusive, ISO-8601 UTC. */
  readonly periodStart: string;
  /** Exclusive, ISO-8601 UTC. */
  readonly periodEnd: string;
}

function daysInMonth(year: number, monthIndex: number): number {
  return new Date(Date.UTC(year, monthIndex + 1, 0)).getUTCDate();
}

function anchoredStartMs(year: number, monthIndex: number, anchorDay: number): number {
  const normalized = new Date(Date.UTC(year, monthIndex, 1));
  const y = normalized.getUTCFullYear();
  const m = normalized.getUTCMonth();
  return Date.UTC(y, m, Math.min(anchorDay, daysInMonth(y, m)));
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

export function billingPeriodOf(instantMs: number, alignment: BillingPeriodAlignment, contractStart: string): BillingPeriod {
  const at = new Date(instantMs);
  const year = at.getUTCFullYear();
  const month = at.getUTCMonth();
  if (alignment === 'calendar_month') {
    const startMs = Date.UTC(year, month, 1);
    return {
      periodId: `${pad(year, 4)}-${pad(month + 1, 2)}`,
      periodStart: new Date(startMs).toISOString(),
      periodEnd: new Date(Date.UTC(year, month + 1, 1)).toISOString(),
    };
  }
  const anchorDay = new Date(Date.parse(contractStart)).getUTCDate();
  let startMs = anchoredStartMs(year, month, anchorDay);
  let endMs = anchoredStartMs(year, month + 1, anchorDay);
  if (instantMs < startMs) {
    endMs = startMs;
    startMs = anchoredStartMs(year, month - 1, anchorDay);
  }
  const start = new Date(startMs);
  return {
    periodId: `${pad(start.getUTCFullYear(), 4)}-${pad(start.getUTCMonth() + 1, 2)}-${pad(start.getUTCDate(), 2)}`,
    periodStart: start.toISOString(),
    periodEnd: new Date(endMs).toISOString(),
  };
}

/** The period right after `period`. */
export function nextBillingPeriod(period: BillingPeriod, alignment: BillingPeriodAlignment, contractStart: string): BillingPeriod {
  return billingPeriodOf(Date.parse(period.periodEnd), alignment, contractStart);
}

/** Parses an ISO-8601 instant; NaN when it is not one. */
export function instantMs(text: string): number {
  return typeof text === 'string' && text.length <= 40 ? Date.parse(text) : Number.NaN;
}
