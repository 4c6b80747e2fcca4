import { termsAt } from './contract-versions';
import type { BillingDatePassed, InvoicingEvent } from './events';
import { evolveInvoicing } from './evolve';
import { billingDateAfter, draftInvoice, isReadyToFinalize, type BillingGroup } from './invoice-draft';
import { BILLING_DATES_PER_TICK_MAX, type InvoicingConfig, type InvoicingState } from './state';

/** Contracts whose next billing date (plus the grace) is at or before `now`, grouped by customer, entity, currency and date. */
export function dueBillingGroups(state: InvoicingState, now: string, config: InvoicingConfig): BillingGroup[] {
  const nowMs = Date.parse(now);
  const groups = new Map<string, BillingGroup>();
  for (const record of state.contracts.values()) {
    if (record.cursor.status !== 'scheduled') continue;
    const billingDate = record.cursor.nextBillingDate;
    if (Date.parse(`${billingDate}T00:00:00Z`) + config.graceMs > nowMs) continue;
    const terms = termsAt(record, billingDate);
    const key = `${billingDate}|${record.customerId}|${terms.sellerEntity}|${terms.currency}`;
    const group = groups.get(key) ?? { customerId: record.customerId, sellerEntity: terms.sellerEntity, currency: terms.currency, billingDate, contracts: [] };
    groups.set(key, { ...group, contracts: [...group.contracts, record] });
  }
  return [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, group]) => group);
}

function passBillingDate(state: InvoicingState, group: BillingGroup, now: string, config: InvoicingConfig): InvoicingEvent[] {
  const invoice = draftInvoice(state, group, config);
  const passed: BillingDatePassed[] = group.contracts.map((record) => ({
    type: 'BillingDatePassed',
    customerId: record.customerId,
    contractId: record.contractId,
    billingDate: group.billingDate,
    nextBillingDate: billingDateAfter(record, group.billingDate),
    passedAt: now,
  }));
  return invoice === null ? passed : [{ type: 'InvoiceFinalized', invoice, finalizedAt: now }, ...passed];
}

/**
 * Passes every due billing date whose drafts are ready, earliest first, each on the state the previous one left
 * (so invoice numbers follow one another). A group still waiting for rating's period-final figures waits; at most
 * BILLING_DATES_PER_TICK_MAX dates pass per tick, the rest on the next.
 */
export function closeBillingDates(state: InvoicingState, now: string, config: InvoicingConfig): { events: InvoicingEvent[]; state: InvoicingState } {
  const events: InvoicingEvent[] = [];
  let current = state;
  for (let passes = 0; passes < BILLING_DATES_PER_TICK_MAX; passes += 1) {
    const group = dueBillingGroups(current, now, config).find((candidate) =>
      candidate.contracts.every((record) => isReadyToFinalize(record, candidate.billingDate)),
    );
    if (group === undefined) break;
    const decided = passBillingDate(current, group, now, config);
    events.push(...decided);
    current = decided.reduce(evolveInvoicing, current);
  }
  return { events, state: current };
}

