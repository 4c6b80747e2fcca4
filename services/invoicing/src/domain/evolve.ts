import { UnknownEvent } from '@billing/eventsourcing';
import { Big } from '@billing/money';
import { nextBillingDateAfter } from './billing-cycle';
import type { BillingDatePassed, ContractVersionNoted, CreditNoteIssued, Invoice, InvoiceFinalized, InvoiceLine, InvoicingEvent, TrueUpStatementIssued } from './events';
import { parseNumber } from './numbering';
import { newContractRecord, type AdvanceBilled, type ContractRecord, type InvoicedUsageLine, type InvoicingState } from './state';

/**
 * Pure: returns a new state and shares what did not change (never mutates the state it is given: the runtime may
 * still hold it while a transaction is open).
 */

function withContract(state: InvoicingState, record: ContractRecord): InvoicingState {
  return { ...state, contracts: new Map(state.contracts).set(record.contractId, record) };
}

function contractOf(state: InvoicingState, customerId: string, contractId: string): ContractRecord {
  return state.contracts.get(contractId) ?? newContractRecord(customerId, contractId);
}

function withNumber(state: InvoicingState, documentNumber: string): InvoicingState {
  const { series, sequence } = parseNumber(documentNumber);
  return { ...state, lastNumberBySeries: new Map(state.lastNumberBySeries).set(series, sequence) };
}

function versionNoted(state: InvoicingState, event: ContractVersionNoted): InvoicingState {
  const record = contractOf(state, event.customerId, event.contractId);
  const versions = [...record.versions, { version: event.version, effectiveDate: event.effectiveDate, endDate: event.endDate, terms: event.terms }];
  const start = versions.reduce((earliest, version) => (version.terms.startDate < earliest ? version.terms.startDate : earliest), versions[0].terms.startDate);
  const end = versions.reduce((latest, version) => (version.endDate > latest ? version.endDate : latest), versions[0].endDate);
  let cursor = record.cursor;
  if (cursor.status === 'awaiting_terms') cursor = { status: 'scheduled', nextBillingDate: start, previousBillingDate: null };
  // A renewal after the last billing date opens the cycle again.
  if (cursor.status === 'ended' && end > cursor.lastBillingDate) {
    const next = nextBillingDateAfter(cursor.lastBillingDate, event.terms.billingCadence, event.terms.billingAlignment, start, end);
    if (next !== null) cursor = { status: 'scheduled', nextBillingDate: next, previousBillingDate: cursor.lastBillingDate };
  }
  return withContract(state, { ...record, versions, cursor });
}

function billingDatePassed(state: InvoicingState, event: BillingDatePassed): InvoicingState {
  const record = contractOf(state, event.customerId, event.contractId);
  const cursor =
    event.nextBillingDate === null
      ? ({ status: 'ended', lastBillingDate: event.billingDate } as const)
      : ({ status: 'scheduled', nextBillingDate: event.nextBillingDate, previousBillingDate: event.billingDate } as const);
  return withContract(state, { ...record, cursor });
}

function invoicedUsageOf(record: ContractRecord, invoice: Invoice): ReadonlyMap<string, readonly InvoicedUsageLine[]> {
  const invoiced = new Map(record.invoicedUsage);
  for (const line of invoice.lines) {
    if (line.kind !== 'usage' || line.contractId !== record.contractId || line.usagePeriodId === null) continue;
    const usage = { invoiceNumber: invoice.invoiceNumber, lineNumber: line.lineNumber, priceLineId: line.priceLineId, amount: line.amount };
    invoiced.set(line.usagePeriodId, [...(invoiced.get(line.usagePeriodId) ?? []), usage]);
  }
  return invoiced;
}

function advanceBilledOf(record: ContractRecord, invoice: Invoice): AdvanceBilled | null {
  // Lines billed in advance are the fee and seat lines whose service period starts on the invoice date.
  const lines = invoice.lines.filter((line) => line.contractId === record.contractId && line.servicePeriodStart === invoice.issueDate);
  const advance = lines.filter((line): line is InvoiceLine & { kind: 'recurring_fee' | 'seats' } => line.kind === 'recurring_fee' || line.kind === 'seats');
  if (advance.length === 0) return null;
  const billed = advance.map((line) => ({ priceLineId: line.priceLineId, kind: line.kind, description: line.description, amount: line.amount }));
  return { start: invoice.issueDate, end: advance[0].servicePeriodEnd, lines: billed };
}

function invoiceFinalized(state: InvoicingState, { invoice }: InvoiceFinalized): InvoicingState {
  let next = withNumber(state, invoice.invoiceNumber);
  next = { ...next, invoices: new Map(next.invoices).set(invoice.invoiceNumber, { status: 'final', invoice, creditedByLine: new Map(), creditedTax: new Big(0), creditNotes: 0 }) };
  for (const contractId of invoice.contractIds) {
    const record = next.contracts.get(contractId);
    if (record === undefined) continue;
    // The invoice carried every pending late-usage line and true-up charge of its contracts.
    next = withContract(next, {
      ...record,
      pendingLateUsage: [],
      pendingTrueUpCharges: [],
      advanceBilled: advanceBilledOf(record, invoice),
      invoicedUsage: invoicedUsageOf(record, invoice),
    });
  }
  return next;
}

function creditNoteIssued(state: InvoicingState, { creditNote }: CreditNoteIssued): InvoicingState {
  const invoices = new Map(state.invoices);
  for (const invoiceNumber of creditNote.invoiceNumbers) {
    const record = invoices.get(invoiceNumber);
    if (record === undefined) continue;
    const creditedByLine = new Map(record.creditedByLine);
    for (const reference of creditNote.lines.flatMap((line) => line.references).filter((candidate) => candidate.invoiceNumber === invoiceNumber)) {
      creditedByLine.set(reference.lineNumber, (creditedByLine.get(reference.lineNumber) ?? new Big(0)).plus(reference.amount));
    }
    const taxCredited = creditNote.taxByInvoice.find((part) => part.invoiceNumber === invoiceNumber)?.amount ?? new Big(0);
    const status = creditNote.voidsInvoice ? 'void' : record.status;
    invoices.set(invoiceNumber, { ...record, status, creditedByLine, creditedTax: record.creditedTax.plus(taxCredited), creditNotes: record.creditNotes + 1 });
  }
  return { ...withNumber(state, creditNote.creditNoteNumber), invoices };
}

function statementIssued(state: InvoicingState, event: TrueUpStatementIssued): InvoicingState {
  const record = state.contracts.get(event.contractId);
  if (record === undefined) return state;
  const settled = record.pendingTrueUps.find((trueUp) => trueUp.poolId === event.poolId);
  const charge = settled === undefined ? [] : [{ ...settled, lines: settled.lines.filter((line) => line.amount.gt(0)) }].filter((trueUp) => trueUp.lines.length > 0);
  return withContract(state, {
    ...record,
    pendingTrueUps: record.pendingTrueUps.filter((trueUp) => trueUp.poolId !== event.poolId),
    pendingTrueUpCharges: [...record.pendingTrueUpCharges, ...charge],
  });
}

export function evolveInvoicing(state: InvoicingState, event: InvoicingEvent): InvoicingState {
  switch (event.type) {
    case 'ContractVersionNoted':
      return versionNoted(state, event);
    case 'ContractTerminationNoted': {
      const record = contractOf(state, event.customerId, event.contractId);
      const cursor =
        record.cursor.status === 'scheduled' && event.effectiveDate < record.cursor.nextBillingDate && (record.cursor.previousBillingDate ?? '') < event.effectiveDate
          ? { ...record.cursor, nextBillingDate: event.effectiveDate }
          : record.cursor;
      return withContract(state, { ...record, terminationDate: event.effectiveDate, cursor });
    }
    case 'UsagePeriodNoted': {
      const record = contractOf(state, event.customerId, event.contractId);
      return withContract(state, { ...record, ratedPeriods: new Map(record.ratedPeriods).set(event.periodId, event.lines) });
    }
    case 'LateUsageNoted': {
      const record = contractOf(state, event.customerId, event.contractId);
      const late = { priceLineId: event.priceLineId, meterCode: event.meterCode, periodId: event.periodId, quantity: event.quantity, amount: event.amount };
      return withContract(state, { ...record, pendingLateUsage: [...record.pendingLateUsage, late] });
    }
    case 'TrueUpNoted': {
      const record = contractOf(state, event.customerId, event.contractId);
      const trueUp = { poolId: event.poolId, poolStart: event.poolStart, poolEnd: event.poolEnd, periodIds: event.periodIds, lines: event.lines };
      return withContract(state, { ...record, pendingTrueUps: [...record.pendingTrueUps, trueUp] });
    }
    case 'BillingDatePassed':
      return billingDatePassed(state, event);
    case 'InvoiceFinalized':
      return invoiceFinalized(state, event);
    case 'CreditNoteIssued':
      return creditNoteIssued(state, event);
    case 'TrueUpStatementIssued':
      return statementIssued(state, event);
    default: {
      const unknown: never = event;
      throw new UnknownEvent(unknown);
    }
  }
}
