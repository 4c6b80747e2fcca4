import { DomainError } from '@billing/eventsourcing';

export const INVOICING_REASON_CODES = [
  'CREDIT_EXCEEDS_INVOICE',
  'CURRENCY_MISMATCH',
  'INVALID_TERMS',
  'INVOICE_VOID',
  'LIMIT_EXCEEDED',
  'UNKNOWN_CONTRACT',
  'UNKNOWN_INVOICE',
  'UNKNOWN_INVOICE_LINE',
  'UNKNOWN_TAX_JURISDICTION',
] as const;
export type InvoicingReasonCode = (typeof INVOICING_REASON_CODES)[number];

export class InvoicingRejection extends DomainError {
  constructor(override readonly reasonCode: InvoicingReasonCode, message: string, details: Readonly<Record<string, string>> = {}) {
    super(reasonCode, message, details);
  }
}

export class InvalidTerms extends InvoicingRejection {
  constructor(contractId: string, problems: readonly string[]) {
    super('INVALID_TERMS', `contract ${contractId}: ${problems.slice(0, 5).join('; ')}`, { contractId });
  }
}

export class UnknownContract extends InvoicingRejection {
  constructor(contractId: string) {
    super('UNKNOWN_CONTRACT', `no terms noted for contract ${contractId}`, { contractId });
  }
}

export class UnknownTaxJurisdiction extends InvoicingRejection {
  constructor(jurisdiction: string, date: string) {
    super('UNKNOWN_TAX_JURISDICTION', `no tax rate for ${jurisdiction} on ${date}`, { jurisdiction, date });
  }
}

export class LimitExceeded extends InvoicingRejection {
  constructor(limit: string, limitValue: number, what: string) {
    super('LIMIT_EXCEEDED', `${what} would pass ${limit} (${limitValue})`, { limit, limitValue: String(limitValue) });
  }
}
