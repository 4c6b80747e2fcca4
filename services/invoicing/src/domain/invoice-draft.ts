import { addDays } from '@billing/calendar';
import { invariant } from '@billing/eventsourcing';
import { Big, isAtMinorUnit, roundToMinorUnit } from '@billing/money';
import { alignedPeriodOf, daysIn, nextBillingDateAfter, ratingPeriodIdsIn } from './billing-cycle';
import { contractEndOf, contractStartOf, hasUsageLines, termsAt } from './contract-versions';
import { LimitExceeded } from './errors';
import type { Invoice, InvoiceLine } from './events';
import { invoiceSeries, nextNumber } from './numbering';
import { recurringLines, type DraftLine } from './recurring-lines';
import { INVOICE_LINES_MAX, INVOICES_MAX, type ContractRecord, type InvoicingConfig, type InvoicingState } from './state';
import { taxOf } from './tax';
import { lateUsageLines, trueUpChargeLines, usageLines } from './usage-lines';

/** The contracts of one customer, seller entity and currency whose billing date is the same: one invoice. */
export interface BillingGroup {
  readonly customerId: string;
  readonly sellerEntity: string;
  readonly currency: string;
  readonly billingDate: string;
  readonly contracts: readonly ContractRecord[];
}

/** The contract's next billing date after `billingDate` (null: it was the contract's end). */
export function billingDateAfter(record: ContractRecord, billingDate: string): string | null {
  const terms = termsAt(record, billingDate);
  return nextBillingDateAfter(billingDate, terms.billingCadence, terms.billingAlignment, contractStartOf(record), contractEndOf(record));
}

/** A draft may become final once rating's period-final ratings of every usage period it bills in arrears are in. */
export function isReadyToFinalize(record: ContractRecord, billingDate: string): boolean {
  if (record.cursor.status !== 'scheduled' || record.cursor.previousBillingDate === null || !hasUsageLines(record)) return true;
  const terms = termsAt(record, record.cursor.previousBillingDate);
  const range = { start: record.cursor.previousBillingDate, end: billingDate };
  return ratingPeriodIdsIn(range, terms.billingAlignment, contractStartOf(record)).every((periodId) => record.ratedPeriods.has(periodId));
}

/**
 * Fees and seats billed in advance are billed again at the period's end with the versions now known (an amendment,
 * a seat change or a cancellation inside the period), and the difference to what was invoiced becomes a line: the
 * adjustment is what the period costs now minus what it was charged, rounded once (negative is a credit).
 */
export function advanceAdjustmentLines(record: ContractRecord, daysInPeriod: number): DraftLine[] {
  const billed = record.advanceBilled;
  if (billed === null) return [];
  const range = { start: billed.start, end: billed.end };
  const now = recurringLines(record, range, 'in_advance', daysInPeriod);
  const lineIds = [...new Set([...billed.lines.map((line) => line.priceLineId), ...now.map((line) => line.priceLineId)])];
  return lineIds.flatMap((priceLineId) => {
    const invoiced = billed.lines.find((line) => line.priceLineId === priceLineId);
    const recomputed = now.find((line) => line.priceLineId === priceLineId);
    const difference = (recomputed === undefined ? new Big(0) : roundToMinorUnit(recomputed.amountExact, termsAt(record, billed.start).currency)).minus(invoiced?.amount ?? 0);
    if (difference.eq(0)) return [];
    const kind = recomputed?.kind ?? invoiced?.kind ?? 'recurring_fee';
    const description = `${recomputed?.description ?? invoiced?.description ?? priceLineId} adjustment`;
    return [{ kind, contractId: record.contractId, priceLineId, description, servicePeriodStart: range.start, servicePeriodEnd: range.end, usagePeriodId: null, quantity: recomputed?.quantity ?? null, usage: null, amountExact: difference }];
  });
}

/** What one contract puts on the invoice of `billingDate`: the period that ended in arrears, the one starting in advance. */
export function contractDraftLines(record: ContractRecord, billingDate: string): DraftLine[] {
  invariant(record.cursor.status === 'scheduled', `contract ${record.contractId} is not scheduled for billing`);
  const terms = termsAt(record, billingDate);
  const start = contractStartOf(record);
  const fullDays = (date: string) => daysIn(alignedPeriodOf(date, terms.billingCadence, terms.billingAlignment, start));
  const lines: DraftLine[] = [];
  const previous = record.cursor.previousBillingDate;
  if (previous !== null) {
    const arrears = { start: previous, end: billingDate };
    lines.push(...recurringLines(record, arrears, 'in_arrears', fullDays(previous)), ...usageLines(record, arrears));
    if (record.advanceBilled?.start === previous) lines.push(...advanceAdjustmentLines(record, fullDays(previous)));
  }
  const next = billingDateAfter(record, billingDate);
  if (next !== null) lines.push(...recurringLines(record, { start: billingDate, end: next }, 'in_advance', fullDays(billingDate)));
  return [...lines, ...lateUsageLines(record), ...trueUpChargeLines(record)];
}

/** Every amount on an invoice at the minor unit, subtotal = sum of the lines, total = subtotal + tax: else the books are wrong. */
export function assertInvoiceTotals(invoice: Invoice): void {
  const linesSum = invoice.lines.reduce((sum, line) => sum.plus(line.amount), new Big(0));
  invariant(invoice.lines.every((line) => isAtMinorUnit(line.amount, invoice.currency)), `invoice ${invoice.invoiceNumber}: a line is not at the minor unit`);
  invariant(isAtMinorUnit(invoice.tax.amount, invoice.currency), `invoice ${invoice.invoiceNumber}: tax is not at the minor unit`);
  invariant(invoice.subtotal.eq(linesSum), `invoice ${invoice.invoiceNumber}: subtotal ${invoice.subtotal} is not the sum of its lines ${linesSum}`);
  invariant(invoice.total.eq(linesSum.plus(invoice.tax.amount)), `invoice ${invoice.invoiceNumber}: total ${invoice.total} is not lines ${linesSum} + tax ${invoice.tax.amount}`);
}

function numbered(drafts: readonly DraftLine[], currency: string): InvoiceLine[] {
  if (drafts.length > INVOICE_LINES_MAX) throw new LimitExceeded('INVOICE_LINES_MAX', INVOICE_LINES_MAX, `an invoice of ${drafts.length} lines`);
  return drafts.map((draft, index) => ({ lineNumber: index + 1, ...draft, amount: roundToMinorUnit(draft.amountExact, currency) }));
}

/** The invoice of a billing group, final and numbered; null when the group has nothing to bill. */
export function draftInvoice(state: InvoicingState, group: BillingGroup, config: InvoicingConfig): Invoice | null {
  const lines = numbered(group.contracts.flatMap((record) => contractDraftLines(record, group.billingDate)), group.currency);
  if (lines.length === 0) return null;
  if (state.invoices.size >= INVOICES_MAX) throw new LimitExceeded('INVOICES_MAX', INVOICES_MAX, `invoice ${group.billingDate} of ${group.customerId}`);
  const termsByContract = group.contracts.map((record) => termsAt(record, group.billingDate));
  const customer = termsByContract[0].customer;
  const paymentTermsDays = Math.min(...termsByContract.map((terms) => terms.paymentTermsDays));
  const subtotal = lines.reduce((sum, line) => sum.plus(line.amount), new Big(0));
  const tax = taxOf(config.taxProvider, {
    customerId: group.customerId,
    sellerEntity: group.sellerEntity,
    jurisdiction: customer.taxJurisdiction,
    taxExempt: customer.taxExempt,
    exemptionCertificate: customer.taxExemptionCertificate,
    currency: group.currency,
    invoiceDate: group.billingDate,
    taxableSubtotal: subtotal,
  });
  const invoice: Invoice = {
    invoiceId: `${group.customerId}/${group.sellerEntity}/${group.currency}/${group.billingDate}`,
    invoiceNumber: nextNumber(state, invoiceSeries(group.sellerEntity)),
    customerId: group.customerId,
    sellerEntity: group.sellerEntity,
    currency: group.currency,
    issueDate: group.billingDate,
    dueDate: addDays(group.billingDate, paymentTermsDays),
    paymentTermsDays,
    purchaseOrderNumbers: [...new Set(termsByContract.flatMap((terms) => (terms.purchaseOrderNumber === null ? [] : [terms.purchaseOrderNumber])))],
    contractIds: group.contracts.map((record) => record.contractId),
    lines,
    subtotal,
    tax,
    total: subtotal.plus(tax.amount),
  };
  assertInvoiceTotals(invoice);
  return invoice;
}
