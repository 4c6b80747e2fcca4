import { Big } from '@billing/money';
import type { ClockTicked, ContractTermsReceived, RatingCommand, UsageAccepted, UsagePriceLine } from './commands';
import { ratingDecider, type RatingDecider } from './decider';
import type { RatingEvent } from './events';
import type { RatingState } from './state';

export const CUSTOMER = 'cust-acme';
export const CONTRACT = 'ctr-acme-2026';
export const big = (text: string | number): Big => new Big(text);

/** Acme's token line (scenario A): 10,000,000 included a month, pooled quarterly, 0.004 / 1,000 with 20% off. */
export function acmeTokens(overrides: Partial<UsagePriceLine> = {}): UsagePriceLine {
  return {
    priceLineId: 'tokens-overage',
    meterCode: 'tokens',
    aggregation: 'sum',
    aggregationProperty: null,
    pricing: { model: 'per_unit', unitPrice: big('0.004'), unitsPerPrice: big('1000') },
    ramps: [],
    includedUnits: big('10000000'),
    commitScope: 'pooled_quarterly',
    overageDiscountRate: big('0.2'),
    discountRate: big(0),
    fixedDiscountAmount: big(0),
    minimumAmount: null,
    maximumAmount: null,
    ...overrides,
  };
}

export function termsReceived(lines: UsagePriceLine[] = [acmeTokens()], overrides: Partial<ContractTermsReceived> = {}): ContractTermsReceived {
  return {
    type: 'ContractTermsReceived',
    now: '2026-01-01T00:00:00.000Z',
    customerId: CUSTOMER,
    contractId: CONTRACT,
    termsVersion: 1,
    effectiveFrom: '2026-01-01T00:00:00.000Z',
    startDate: '2026-01-01T00:00:00.000Z',
    endDate: '2027-01-01T00:00:00.000Z',
    currency: 'USD',
    billingPeriodAlignment: 'calendar_month',
    usagePriceLines: lines,
    prepaidCredits: [],
    ...overrides,
  };
}

let sequence = 0;
export function usage(quantity: string | Big, eventTime: string, overrides: Partial<UsageAccepted> = {}): UsageAccepted {
  sequence += 1;
  const at = new Date(Date.parse(eventTime)).toISOString();
  return {
    type: 'UsageAccepted',
    now: at,
    eventId: `u-${sequence}`,
    customerId: CUSTOMER,
    contractId: CONTRACT,
    meterCode: 'tokens',
    quantity: typeof quantity === 'string' ? big(quantity) : quantity,
    eventTime: at,
    periodId: at.slice(0, 7),
    properties: {},
    ...overrides,
  };
}

export const tick = (now: string): ClockTicked => ({ type: 'ClockTicked', now });

/** The tick that closes the calendar month containing `month` ('2026-01'): 1 hour (grace) after its end. */
export function closeMonth(month: string): ClockTicked {
  const [year, monthNumber] = month.split('-').map(Number);
  return tick(new Date(Date.UTC(year, monthNumber, 1, 1)).toISOString());
}

/**
 * `total` units spread over `events` usage records at evenly spaced times between `from` and `to`; each quantity at
 * most 12 decimals, as metering.usage.v1 carries them (the last takes the remainder).
 */
export function spread(total: string, events: number, from: string, to: string): UsageAccepted[] {
  const each = big(total).div(events).round(12, 0);
  const fromMs = Date.parse(from);
  const stepMs = Math.floor((Date.parse(to) - fromMs) / events);
  return Array.from({ length: events }, (_, index) =>
    usage(index === events - 1 ? big(total).minus(each.times(events - 1)) : each, new Date(fromMs + index * stepMs).toISOString()),
  );
}

/** Decides and evolves commands in order on one customer's state, collecting events and rejections. */
export function play(commands: readonly RatingCommand[], decider: RatingDecider = ratingDecider, from?: RatingState) {
  let state = from ?? decider.initialState();
  const events: RatingEvent[] = [];
  const rejections: string[] = [];
  for (const command of commands) {
    try {
      const produced = decider.decide(command, state);
      for (const event of produced) state = decider.evolve(state, event);
      events.push(...produced);
    } catch (error) {
      const reasonCode = (error as { reasonCode?: string }).reasonCode;
      if (reasonCode === undefined) throw error;
      rejections.push(reasonCode);
    }
  }
  return { events, rejections, state };
}

export function only<T extends RatingEvent['type']>(events: readonly RatingEvent[], type: T): Extract<RatingEvent, { type: T }>[] {
  return events.filter((event): event is Extract<RatingEvent, { type: T }> => event.type === type);
}
