import { dateOf } from '@billing/calendar';
import { Big, allocate, roundToMinorUnit } from '@billing/money';
import { termsAt } from './contract-versions';
import { buildCreditNote } from './credit-notes';
import type { CreditNoteLine, InvoicingEvent } from './events';
import { evolveInvoicing } from './evolve';
import type { ContractRecord, InvoicingState, PendingTrueUp } from './state';
import type { TrueUpLine } from './commands';

/** A true-up settles once every period of its pool is on a final invoice (the credit note references those invoices). */
export function isSettleable(record: ContractRecord, trueUp: PendingTrueUp): boolean {
  return trueUp.periodIds.every((periodId) => record.invoicedUsage.has(periodId));
}

/** The credit of one true-up line (owed back), split over the pool's invoiced usage lines it corrects, by their amounts. */
function creditLine(record: ContractRecord, trueUp: PendingTrueUp, line: TrueUpLine, currency: string): Omit<CreditNoteLine, 'lineNumber'> | null {
  const credit = roundToMinorUnit(line.amount.neg(), currency);
  if (!credit.gt(0)) return null;
  const invoiced = trueUp.periodIds.flatMap((periodId) => record.invoicedUsage.get(periodId) ?? []).filter((usage) => usage.priceLineId === line.priceLineId && usage.amount.gt(0));
  const parts = invoiced.length === 0 ? [] : allocate(credit, invoiced.map((usage) => usage.amount), currency);
  return {
    description: `true-up ${trueUp.poolId} (${line.meterCode}): ${line.pooledUnits.toFixed()} units against ${line.pooledIncludedUnits.toFixed()} included`,
    references: invoiced.map((usage, index) => ({ invoiceNumber: usage.invoiceNumber, lineNumber: usage.lineNumber, amount: parts[index] })).filter((reference) => reference.amount.gt(0)),
    amount: credit,
  };
}

/** The events settling one true-up: a credit note for what is owed back, and the statement of actuals against commit. */
function settle(state: InvoicingState, record: ContractRecord, trueUp: PendingTrueUp, now: string): InvoicingEvent[] {
  const terms = termsAt(record, dateOf(trueUp.poolEnd));
  const lines = trueUp.lines.map((line) => creditLine(record, trueUp, line, terms.currency)).filter((line): line is Omit<CreditNoteLine, 'lineNumber'> => line !== null);
  const firstInvoice = lines.flatMap((line) => line.references)[0]?.invoiceNumber;
  const taxRate = firstInvoice === undefined ? new Big(0) : (state.invoices.get(firstInvoice)?.invoice.tax.rate ?? new Big(0));
  const creditNote =
    lines.length === 0
      ? null
      : buildCreditNote(state, {
          customerId: record.customerId,
          sellerEntity: terms.sellerEntity,
          currency: terms.currency,
          issueDate: dateOf(now),
          reason: `true-up ${trueUp.poolId}`,
          lines,
          taxRate,
          voidsInvoice: false,
          taxOverride: null,
          poolId: trueUp.poolId,
          contractId: record.contractId,
        });
  const amountExact = trueUp.lines.reduce((sum, line) => sum.plus(line.amount), new Big(0));
  const events: InvoicingEvent[] = creditNote === null ? [] : [{ type: 'CreditNoteIssued', creditNote, issuedAt: now }];
  events.push({
    type: 'TrueUpStatementIssued',
    customerId: record.customerId,
    contractId: record.contractId,
    poolId: trueUp.poolId,
    poolStart: trueUp.poolStart,
    poolEnd: trueUp.poolEnd,
    lines: trueUp.lines,
    amount: roundToMinorUnit(amountExact, terms.currency),
    creditNoteNumber: creditNote?.creditNoteNumber ?? null,
    issueDate: dateOf(now),
  });
  return events;
}

/** Settles every noted true-up whose pool is fully invoiced, each on the state the previous one left. */
export function settleTrueUps(state: InvoicingState, now: string): InvoicingEvent[] {
  const events: InvoicingEvent[] = [];
  let current = state;
  for (const contractId of [...state.contracts.keys()]) {
    for (const trueUp of state.contracts.get(contractId)?.pendingTrueUps ?? []) {
      const record = current.contracts.get(contractId);
      if (record === undefined || !isSettleable(record, trueUp)) continue;
      const decided = settle(current, record, trueUp, now);
      events.push(...decided);
      current = decided.reduce(evolveInvoicing, current);
    }
  }
  return events;
}
