import type { Big } from '@billing/money';
import type { ContractTerms } from '@billing/contract-terms';
import type { RatedUsageLine, TrueUpLine } from './commands';
import type { Invoice } from './events';
import { builtInTaxProvider, type TaxProvider } from './tax';

export const DAY_MS = 86_400_000;

/** Limits on everything that grows; input that would pass one is rejected (LIMIT_EXCEEDED), never silently dropped. */
export const CONTRACTS_MAX = 100;
export const TERMS_VERSIONS_MAX = 100;
export const PRICE_LINES_MAX = 200;
export const INVOICE_LINES_MAX = 1_000;
export const INVOICES_MAX = 10_000;
export const CREDIT_NOTES_PER_INVOICE_MAX = 100;
export const PENDING_LATE_USAGE_MAX = 10_000;
export const RATED_PERIODS_MAX = 400;
export const PENDING_TRUE_UPS_MAX = 100;
/** Billing dates one tick may pass (a clock that jumps a year ahead passes twelve monthly dates). */
export const BILLING_DATES_PER_TICK_MAX = 1_200;

export interface InvoicingConfig {
  /** How long after a billing date invoicing waits (rating's grace plus its own) before the draft becomes final. */
  readonly graceMs: number;
  /** The port behind which tax is computed; the built-in table by default. Must be pure: a replay asks it again. */
  readonly taxProvider: TaxProvider;
}

export const defaultInvoicingConfig: InvoicingConfig = { graceMs: 60 * 60_000, taxProvider: builtInTaxProvider };

export interface NotedVersion {
  readonly version: number;
  readonly effectiveDate: string;
  readonly endDate: string;
  readonly terms: ContractTerms;
}

export interface NotedLateUsage {
  readonly priceLineId: string;
  readonly meterCode: string;
  readonly periodId: string;
  readonly quantity: Big;
  readonly amount: Big;
}

/** Where a contract's billing cycle stands: not started, between billing dates, or past its last one. */
export type BillingCursor =
  | { readonly status: 'awaiting_terms' }
  | { readonly status: 'scheduled'; readonly nextBillingDate: string; readonly previousBillingDate: string | null }
  | { readonly status: 'ended'; readonly lastBillingDate: string };

export interface ContractRecord {
  readonly contractId: string;
  readonly customerId: string;
  readonly versions: readonly NotedVersion[];
  /** Termination's first day without the contract, else null. */
  readonly terminationDate: string | null;
  readonly cursor: BillingCursor;
  readonly ratedPeriods: ReadonlyMap<string, readonly RatedUsageLine[]>;
  /** Late usage not yet on an invoice. */
  readonly pendingLateUsage: readonly NotedLateUsage[];
  /** True-ups noted, not yet settled (their periods' invoices are not all final). */
  readonly pendingTrueUps: readonly PendingTrueUp[];
  /** Positive true-ups settled, to be charged on the next invoice. */
  readonly pendingTrueUpCharges: readonly PendingTrueUp[];
  /** The fee and seat lines last billed in advance, as invoiced: re-computed at the period's end, the difference is billed. */
  readonly advanceBilled: AdvanceBilled | null;
  /** Usage lines on final invoices by rating period id: what a true-up credit references. */
  readonly invoicedUsage: ReadonlyMap<string, readonly InvoicedUsageLine[]>;
}

export interface AdvanceBilled {
  /** [start, end) ISO dates: the period billed in advance. */
  readonly start: string;
  readonly end: string;
  readonly lines: readonly { readonly priceLineId: string; readonly kind: 'recurring_fee' | 'seats'; readonly description: string; readonly amount: Big }[];
}

export interface InvoicedUsageLine {
  readonly invoiceNumber: string;
  readonly lineNumber: number;
  readonly priceLineId: string;
  readonly amount: Big;
}

export function newContractRecord(customerId: string, contractId: string): ContractRecord {
  return {
    contractId,
    customerId,
    versions: [],
    terminationDate: null,
    cursor: { status: 'awaiting_terms' },
    ratedPeriods: new Map(),
    pendingLateUsage: [],
    pendingTrueUps: [],
    pendingTrueUpCharges: [],
    advanceBilled: null,
    invoicedUsage: new Map(),
  };
}

export interface PendingTrueUp {
  readonly poolId: string;
  readonly poolStart: string;
  readonly poolEnd: string;
  readonly periodIds: readonly string[];
  readonly lines: readonly TrueUpLine[];
}

/** A final invoice is immutable; credit notes only add to what was credited, and a full one voids it. */
interface InvoiceRecordBase {
  readonly invoice: Invoice;
  readonly creditedByLine: ReadonlyMap<number, Big>;
  readonly creditedTax: Big;
  readonly creditNotes: number;
}
export type InvoiceRecord = (InvoiceRecordBase & { readonly status: 'final' }) | (InvoiceRecordBase & { readonly status: 'void' });

export interface InvoicingState {
  readonly contracts: ReadonlyMap<string, ContractRecord>;
  readonly invoices: ReadonlyMap<string, InvoiceRecord>;
  /** Last number used per series ('US' invoices, 'US-CN' credit notes): gap-free, identical on replay. */
  readonly lastNumberBySeries: ReadonlyMap<string, number>;
}

export function initialInvoicingState(): InvoicingState {
  return { contracts: new Map(), invoices: new Map(), lastNumberBySeries: new Map() };
}
