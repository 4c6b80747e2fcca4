import { dateOf } from '@billing/calendar';
import { invariant } from '@billing/eventsourcing';
import { Big, allocate, isAtMinorUnit, roundToMinorUnit } from '@billing/money';
import type { IssueCreditNote } from './commands';
import { InvoicingRejection } from './errors';
import type { CreditNote, CreditNoteLine } from './events';
import { creditNoteSeries, nextNumber } from './numbering';
import { CREDIT_NOTES_PER_INVOICE_MAX, type InvoiceRecord, type InvoicingState } from './state';

const ZERO = new Big(0);

export interface CreditNoteInput {
  readonly customerId: string;
  readonly sellerEntity: string;
  readonly currency: string;
  readonly issueDate: string;
  readonly reason: string;
  readonly lines: readonly Omit<CreditNoteLine, 'lineNumber'>[];
  readonly taxRate: Big;
  readonly voidsInvoice: boolean;
  /** A full credit credits exactly the tax left on the invoice instead of recomputing it. */
  readonly taxOverride: Big | null;
  readonly poolId: string | null;
  readonly contractId: string | null;
}

function taxByInvoice(lines: readonly Omit<CreditNoteLine, 'lineNumber'>[], tax: Big, currency: string): { invoiceNumber: string; amount: Big }[] {
  const byInvoice = new Map<string, Big>();
  for (const reference of lines.flatMap((line) => line.references)) {
    byInvoice.set(reference.invoiceNumber, (byInvoice.get(reference.invoiceNumber) ?? ZERO).plus(reference.amount));
  }
  if (byInvoice.size === 0 || tax.eq(0)) return [...byInvoice.keys()].map((invoiceNumber) => ({ invoiceNumber, amount: ZERO }));
  const parts = allocate(tax, [...byInvoice.values()], currency);
  return [...byInvoice.keys()].map((invoiceNumber, index) => ({ invoiceNumber, amount: parts[index] }));
}

/** A credit note, numbered in its entity's credit-note series; tax on its subtotal, rounded once; totals asserted. */
export function buildCreditNote(state: InvoicingState, input: CreditNoteInput): CreditNote {
  const lines = input.lines.map((line, index) => ({ lineNumber: index + 1, ...line }));
  const subtotal = lines.reduce((sum, line) => sum.plus(line.amount), ZERO);
  const tax = input.taxOverride ?? roundToMinorUnit(subtotal.times(input.taxRate), input.currency);
  const creditNote: CreditNote = {
    creditNoteNumber: nextNumber(state, creditNoteSeries(input.sellerEntity)),
    customerId: input.customerId,
    sellerEntity: input.sellerEntity,
    currency: input.currency,
    issueDate: input.issueDate,
    reason: input.reason,
    invoiceNumbers: [...new Set(lines.flatMap((line) => line.references.map((reference) => reference.invoiceNumber)))],
    voidsInvoice: input.voidsInvoice,
    lines,
    subtotal,
    taxRate: input.taxRate,
    tax,
    taxByInvoice: taxByInvoice(lines, tax, input.currency),
    total: subtotal.plus(tax),
    poolId: input.poolId,
    contractId: input.contractId,
  };
  invariant(lines.every((line) => isAtMinorUnit(line.amount, input.currency) && line.amount.gt(0)), `credit note ${creditNote.creditNoteNumber}: a line is not a positive amount at the minor unit`);
  invariant(creditNote.total.eq(subtotal.plus(tax)), `credit note ${creditNote.creditNoteNumber}: total is not lines + tax`);
  return creditNote;
}

function remainingOf(record: InvoiceRecord, lineNumber: number): Big {
  const line = record.invoice.lines.find((candidate) => candidate.lineNumber === lineNumber);
  if (line === undefined) throw new InvoicingRejection('UNKNOWN_INVOICE_LINE', `invoice ${record.invoice.invoiceNumber} has no line ${lineNumber}`);
  return line.amount.minus(record.creditedByLine.get(lineNumber) ?? ZERO);
}

function creditedLines(record: InvoiceRecord, command: IssueCreditNote): Omit<CreditNoteLine, 'lineNumber'>[] {
  const wanted =
    command.credit.kind === 'full'
      ? record.invoice.lines.map((line) => ({ lineNumber: line.lineNumber, amount: remainingOf(record, line.lineNumber) })).filter((line) => line.amount.gt(0))
      : command.credit.lines;
  return wanted.map(({ lineNumber, amount }) => {
    const remaining = remainingOf(record, lineNumber);
    if (!amount.gt(0) || !isAtMinorUnit(amount, record.invoice.currency) || amount.gt(remaining)) {
      throw new InvoicingRejection('CREDIT_EXCEEDS_INVOICE', `line ${lineNumber} of ${record.invoice.invoiceNumber}: ${amount} is not a positive amount up to ${remaining}`);
    }
    const description = record.invoice.lines[lineNumber - 1].description;
    return { description, references: [{ invoiceNumber: record.invoice.invoiceNumber, lineNumber, amount }], amount };
  });
}

/** A correction of a final invoice: only by credit note; a full one credits what is left, tax included, and voids it. */
export function creditNoteFor(state: InvoicingState, command: IssueCreditNote): CreditNote {
  const record = state.invoices.get(command.invoiceNumber);
  if (record === undefined) throw new InvoicingRejection('UNKNOWN_INVOICE', `no invoice ${command.invoiceNumber}`);
  if (record.status === 'void') throw new InvoicingRejection('INVOICE_VOID', `invoice ${command.invoiceNumber} is void`);
  if (record.creditNotes >= CREDIT_NOTES_PER_INVOICE_MAX) {
    throw new InvoicingRejection('LIMIT_EXCEEDED', `invoice ${command.invoiceNumber} has ${CREDIT_NOTES_PER_INVOICE_MAX} credit notes`, { limit: 'CREDIT_NOTES_PER_INVOICE_MAX' });
  }
  const lines = creditedLines(record, command);
  if (lines.length === 0) throw new InvoicingRejection('CREDIT_EXCEEDS_INVOICE', `invoice ${command.invoiceNumber} has nothing left to credit`);
  const full = command.credit.kind === 'full';
  const taxLeft = record.invoice.tax.amount.minus(record.creditedTax);
  const partialTax = roundToMinorUnit(lines.reduce((sum, line) => sum.plus(line.amount), ZERO).times(record.invoice.tax.rate), record.invoice.currency);
  return buildCreditNote(state, {
    customerId: record.invoice.customerId,
    sellerEntity: record.invoice.sellerEntity,
    currency: record.invoice.currency,
    issueDate: dateOf(command.now),
    reason: command.reason,
    lines,
    taxRate: record.invoice.tax.rate,
    voidsInvoice: full,
    taxOverride: full ? taxLeft : partialTax.gt(taxLeft) ? taxLeft : null,
    poolId: null,
    contractId: null,
  });
}

