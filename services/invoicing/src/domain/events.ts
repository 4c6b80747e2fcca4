import type { Big } from '@billing/money';
import type { ContractTerms } from '@billing/contract-terms';
import type { RatedUsageLine, TrueUpLine } from './commands';

/** Amounts named `amountExact` keep full precision; every other invoice amount is rounded once, half-even, to the minor unit. */

export interface ContractVersionNoted {
  readonly type: 'ContractVersionNoted';
  readonly customerId: string;
  readonly contractId: string;
  readonly version: number;
  readonly effectiveDate: string;
  readonly endDate: string;
  readonly terms: ContractTerms;
  readonly notedAt: string;
}

export interface ContractTerminationNoted {
  readonly type: 'ContractTerminationNoted';
  readonly customerId: string;
  readonly contractId: string;
  /** The first day without the contract. */
  readonly effectiveDate: string;
  readonly notedAt: string;
}

export interface UsagePeriodNoted {
  readonly type: 'UsagePeriodNoted';
  readonly customerId: string;
  readonly contractId: string;
  readonly periodId: string;
  readonly periodStart: string;
  readonly periodEnd: string;
  readonly lines: readonly RatedUsageLine[];
  readonly notedAt: string;
}

export interface LateUsageNoted {
  readonly type: 'LateUsageNoted';
  readonly customerId: string;
  readonly contractId: string;
  readonly priceLineId: string;
  readonly meterCode: string;
  readonly periodId: string;
  readonly usageEventId: string;
  readonly quantity: Big;
  readonly amount: Big;
  readonly notedAt: string;
}

export interface TrueUpNoted {
  readonly type: 'TrueUpNoted';
  readonly customerId: string;
  readonly contractId: string;
  readonly poolId: string;
  readonly poolStart: string;
  readonly poolEnd: string;
  readonly periodIds: readonly string[];
  readonly lines: readonly TrueUpLine[];
  readonly notedAt: string;
}

/** A contract's billing date passed (invoiced or, with nothing to bill, not): the next one is `nextBillingDate` (null: none). */
export interface BillingDatePassed {
  readonly type: 'BillingDatePassed';
  readonly customerId: string;
  readonly contractId: string;
  readonly billingDate: string;
  readonly nextBillingDate: string | null;
  readonly passedAt: string;
}

export type InvoiceLineKind = 'recurring_fee' | 'seats' | 'usage' | 'late_usage' | 'true_up';

export interface InvoiceLine {
  /** 1-based; credit notes reference lines by it. */
  readonly lineNumber: number;
  readonly kind: InvoiceLineKind;
  readonly contractId: string;
  readonly priceLineId: string;
  readonly description: string;
  /** The service period the line bills: [start, end), ISO dates. */
  readonly servicePeriodStart: string;
  readonly servicePeriodEnd: string;
  /** Rating's period id for usage lines ('usage for YYYY-MM' on late lines), else null. */
  readonly usagePeriodId: string | null;
  /** Billable units for usage, seats for seat lines, null for fees. */
  readonly quantity: Big | null;
  /** How rating arrived at a usage line (included units, prepaid credits drawn, discount, minimum), else null. */
  readonly usage: UsageDetail | null;
  readonly amountExact: Big;
  readonly amount: Big;
}

export interface UsageDetail {
  readonly meterCode: string;
  readonly units: Big;
  readonly includedUnits: Big;
  readonly creditUnitsApplied: Big;
  readonly discountAmount: Big;
  readonly minimumTopUpAmount: Big;
}

export interface InvoiceTax {
  readonly jurisdiction: string;
  /** 0.08875 for 8.875%. */
  readonly rate: Big;
  readonly exempt: boolean;
  readonly exemptionCertificate: string | null;
  readonly taxableSubtotal: Big;
  readonly amountExact: Big;
  readonly amount: Big;
  /** 'table' (built-in) or the configured provider's name. */
  readonly source: string;
}

export interface Invoice {
  /** customerId/sellerEntity/currency/issueDate: one invoice per customer, seller entity, currency and billing date. */
  readonly invoiceId: string;
  readonly invoiceNumber: string;
  readonly customerId: string;
  readonly sellerEntity: string;
  readonly currency: string;
  readonly issueDate: string;
  readonly dueDate: string;
  readonly paymentTermsDays: number;
  readonly purchaseOrderNumbers: readonly string[];
  readonly contractIds: readonly string[];
  readonly lines: readonly InvoiceLine[];
  readonly subtotal: Big;
  readonly tax: InvoiceTax;
  /** subtotal + tax.amount, asserted. */
  readonly total: Big;
}

/** A draft became final: immutable from here on, corrected only by credit notes. */
export interface InvoiceFinalized {
  readonly type: 'InvoiceFinalized';
  readonly invoice: Invoice;
  readonly finalizedAt: string;
}

/** The part of one invoice line a credit note line credits. */
export interface CreditReference {
  readonly invoiceNumber: string;
  readonly lineNumber: number;
  readonly amount: Big;
}

export interface CreditNoteLine {
  readonly lineNumber: number;
  readonly description: string;
  /** The invoice lines this credit corrects. */
  readonly references: readonly CreditReference[];
  /** Positive: the amount credited. */
  readonly amount: Big;
}

export interface CreditNote {
  readonly creditNoteNumber: string;
  readonly customerId: string;
  readonly sellerEntity: string;
  readonly currency: string;
  readonly issueDate: string;
  readonly reason: string;
  readonly invoiceNumbers: readonly string[];
  /** A full credit note voids its one invoice. */
  readonly voidsInvoice: boolean;
  readonly lines: readonly CreditNoteLine[];
  readonly subtotal: Big;
  readonly taxRate: Big;
  readonly tax: Big;
  /** The tax credited, per invoice (sums to `tax`). */
  readonly taxByInvoice: readonly { readonly invoiceNumber: string; readonly amount: Big }[];
  readonly total: Big;
  /** The true-up pool it settles, else null. */
  readonly poolId: string | null;
  readonly contractId: string | null;
}

export interface CreditNoteIssued {
  readonly type: 'CreditNoteIssued';
  readonly creditNote: CreditNote;
  readonly issuedAt: string;
}

/** The quarterly (annual) statement of actuals against commit, issued with the true-up's settlement. */
export interface TrueUpStatementIssued {
  readonly type: 'TrueUpStatementIssued';
  readonly customerId: string;
  readonly contractId: string;
  readonly poolId: string;
  readonly poolStart: string;
  readonly poolEnd: string;
  readonly lines: readonly TrueUpLine[];
  /** Rounded once: negative is credited (creditNoteNumber), positive is charged on the next invoice. */
  readonly amount: Big;
  readonly creditNoteNumber: string | null;
  readonly issueDate: string;
}

export type InvoicingEvent =
  | ContractVersionNoted
  | ContractTerminationNoted
  | UsagePeriodNoted
  | LateUsageNoted
  | TrueUpNoted
  | BillingDatePassed
  | InvoiceFinalized
  | CreditNoteIssued
  | TrueUpStatementIssued;
