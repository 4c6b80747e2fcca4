import type { InvoicingState } from './state';

/** Invoice numbers per seller entity ('US-000001'), credit notes in their own series ('US-CN-000001'). */
export const NUMBER_DIGITS = 6;

export function invoiceSeries(sellerEntity: string): string {
  return sellerEntity;
}

export function creditNoteSeries(sellerEntity: string): string {
  return `${sellerEntity}-CN`;
}

/**
 * The next number of a series: the counter is in state and moves only when an InvoiceFinalized / CreditNoteIssued
 * is evolved, so numbers are gap-free and a replay gives every document the same number.
 */
export function nextNumber(state: InvoicingState, series: string): string {
  const next = (state.lastNumberBySeries.get(series) ?? 0) + 1;
  return `${series}-${String(next).padStart(NUMBER_DIGITS, '0')}`;
}

/** The series a document number belongs to, and its position in it. */
export function parseNumber(documentNumber: string): { series: string; sequence: number } {
  const at = documentNumber.lastIndexOf('-');
  return { series: documentNumber.slice(0, at), sequence: Number(documentNumber.slice(at + 1)) };
}
