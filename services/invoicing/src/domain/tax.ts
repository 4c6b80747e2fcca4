import { Big, roundToMinorUnit } from '@billing/money';
import { UnknownTaxJurisdiction } from './errors';
import type { InvoiceTax } from './events';

/** What a tax provider is asked for one invoice (tax is per invoice, on its taxable subtotal). */
export interface TaxRequest {
  readonly customerId: string;
  readonly sellerEntity: string;
  readonly jurisdiction: string;
  readonly taxExempt: boolean;
  readonly exemptionCertificate: string | null;
  readonly currency: string;
  readonly invoiceDate: string;
  readonly taxableSubtotal: Big;
}

export interface TaxRate {
  readonly jurisdiction: string;
  /** 0.08875 for 8.875%; 0 when exempt. */
  readonly rate: Big;
  readonly exempt: boolean;
  readonly exemptionCertificate: string | null;
}

/**
 * The tax port. The decider receives it through its configuration and calls it while deciding, so it must be pure
 * (a replay asks it again and must get the same rate): an external provider's adapter answers from rates it recorded.
 * It returns a rate, never an amount: invoicing rounds the tax once, itself.
 */
export interface TaxProvider {
  readonly name: string;
  rateFor(request: TaxRequest): TaxRate;
}

export interface TaxTableEntry {
  readonly jurisdiction: string;
  readonly rate: Big;
  /** [effectiveFrom, effectiveUntil), ISO dates; null: open-ended. */
  readonly effectiveFrom: string;
  readonly effectiveUntil: string | null;
}

/** A customer's exemption the table holds itself (besides the terms' taxExempt flag), with its certificate. */
export interface TaxExemption {
  readonly customerId: string;
  readonly certificate: string;
  /** null: every jurisdiction. */
  readonly jurisdiction: string | null;
  readonly effectiveFrom: string;
  readonly effectiveUntil: string | null;
}

export const TAX_TABLE_ENTRIES_MAX = 10_000;

function inEffect(entry: { effectiveFrom: string; effectiveUntil: string | null }, date: string): boolean {
  return entry.effectiveFrom <= date && (entry.effectiveUntil === null || date < entry.effectiveUntil);
}

/** The built-in default: New York City sales tax, German and a few other VAT rates. */
export const BUILT_IN_TAX_TABLE: readonly TaxTableEntry[] = [
  { jurisdiction: 'US-NY-NYC', rate: new Big('0.08875'), effectiveFrom: '2009-08-01', effectiveUntil: null },
  { jurisdiction: 'US-CA-SF', rate: new Big('0.08625'), effectiveFrom: '2020-10-01', effectiveUntil: null },
  { jurisdiction: 'DE', rate: new Big('0.19'), effectiveFrom: '2021-01-01', effectiveUntil: null },
  { jurisdiction: 'FR', rate: new Big('0.20'), effectiveFrom: '2014-01-01', effectiveUntil: null },
  { jurisdiction: 'GB', rate: new Big('0.20'), effectiveFrom: '2011-01-04', effectiveUntil: null },
];

/**
 * A table provider: the rate in effect on the invoice date for the customer's jurisdiction. Exempt customers pay
 * none: exempt by their terms (whose certificate the terms checks require) or by an exemption the table holds.
 */
export function taxTableProvider(table: readonly TaxTableEntry[], exemptions: readonly TaxExemption[] = [], name = 'table'): TaxProvider {
  if (table.length + exemptions.length > TAX_TABLE_ENTRIES_MAX) throw new RangeError(`tax table has more than ${TAX_TABLE_ENTRIES_MAX} entries`);
  return {
    name,
    rateFor(request: TaxRequest): TaxRate {
      const exemption = exemptions.find(
        (candidate) => candidate.customerId === request.customerId && (candidate.jurisdiction ?? request.jurisdiction) === request.jurisdiction && inEffect(candidate, request.invoiceDate),
      );
      const certificate = request.taxExempt ? request.exemptionCertificate : (exemption?.certificate ?? null);
      if (certificate !== null) return { jurisdiction: request.jurisdiction, rate: new Big(0), exempt: true, exemptionCertificate: certificate };
      const entry = table.find((candidate) => candidate.jurisdiction === request.jurisdiction && inEffect(candidate, request.invoiceDate));
      if (entry === undefined) throw new UnknownTaxJurisdiction(request.jurisdiction, request.invoiceDate);
      return { jurisdiction: entry.jurisdiction, rate: entry.rate, exempt: false, exemptionCertificate: null };
    },
  };
}

export const builtInTaxProvider: TaxProvider = taxTableProvider(BUILT_IN_TAX_TABLE);

/** The invoice's tax: the rate on the exact taxable subtotal, rounded once (ACCEPTANCE: per invoice, on the subtotal). */
export function taxOf(provider: TaxProvider, request: TaxRequest): InvoiceTax {
  const rate = provider.rateFor(request);
  const amountExact = request.taxableSubtotal.times(rate.rate);
  return {
    jurisdiction: rate.jurisdiction,
    rate: rate.rate,
    exempt: rate.exempt,
    exemptionCertificate: rate.exemptionCertificate,
    taxableSubtotal: request.taxableSubtotal,
    amountExact,
    amount: roundToMinorUnit(amountExact, request.currency),
    source: provider.name,
  };
}
