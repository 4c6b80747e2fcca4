// Test-only fixtures for the invoicing specs (never imported by production code).
import type { ContractTerms, Customer, PriceLine, RecurringFeeLine, SeatLine, UsageLine } from '@billing/contract-terms';
import { fold } from '@billing/eventsourcing';
import { Big } from '@billing/money';
import { acmeTokensLine as scenarioATokensLine } from '@billing/testing';
import type {
  ClockTicked,
  ContractVersionReceived,
  InvoicingCommand,
  LateUsageRatedReceived,
  PeriodRatedReceived,
  TrueUpCalculatedReceived,
} from './commands';
import type { InvoicingDecider } from './decider';
import type { Invoice, InvoiceFinalized, InvoicingEvent } from './events';

export function customer(overrides: Partial<Customer> = {}): Customer {
  return {
    customerId: 'cust-acme-bank',
    legalName: 'Acme Bank, N.A.',
    billingAddress: { line1: '1 Liberty Plaza', line2: null, city: 'New York', region: 'NY', postalCode: '10006', countryCode: 'US' },
    taxJurisdiction: 'US-NY-NYC',
    taxExempt: false,
    taxExemptionCertificate: null,
    taxId: null,
    contacts: [],
    ...overrides,
  };
}

export function monthlyFee(amount: string, overrides: Partial<RecurringFeeLine> = {}): RecurringFeeLine {
  return {
    kind: 'recurring_fee',
    lineId: 'line-platform',
    productCode: 'platform',
    description: 'Platform fee',
    category: 'platform',
    amountPerPeriod: new Big(amount),
    period: 'month',
    billingTiming: 'in_arrears',
    ramps: [],
    discounts: [],
    ...overrides,
  };
}

export function seats(count: number, unitPrice: string, overrides: Partial<SeatLine> = {}): SeatLine {
  return {
    kind: 'seats',
    lineId: 'line-seats',
    productCode: 'seats',
    description: 'Seats',
    seats: count,
    unitPricePerPeriod: new Big(unitPrice),
    period: 'month',
    billingTiming: 'in_arrears',
    ramps: [],
    discounts: [],
    ...overrides,
  };
}

/** Scenario A's tokens line (libs/testing), named on invoices as its overage. */
export const acmeTokensLine: UsageLine = { ...scenarioATokensLine, description: 'LLM tokens overage' };

export function terms(priceLines: readonly PriceLine[], overrides: Partial<ContractTerms> = {}): ContractTerms {
  return {
    customer: customer(),
    sellerEntity: 'US',
    currency: 'USD',
    startDate: '2026-01-01',
    termMonths: 12,
    billingCadence: 'monthly',
    billingAlignment: 'calendar_month',
    paymentTermsDays: 60,
    purchaseOrderNumber: 'PO-ACME-7781',
    priceLines,
    prepaidCredits: [],
    featureFlags: [],
    ...overrides,
  };
}

/** Scenario A: Acme Bank, US entity, USD, monthly in arrears, Net 60, PO-ACME-7781, US-NY-NYC. */
export const acmeTerms: ContractTerms = terms([monthlyFee('50000.00'), acmeTokensLine]);

export const ACME_CONTRACT_ID = 'salesforce-006ACME0001';

export function versionReceived(contractTerms: ContractTerms, overrides: Partial<ContractVersionReceived> = {}): ContractVersionReceived {
  return {
    type: 'ContractVersionReceived',
    now: '2026-01-01T00:00:00.000Z',
    customerId: contractTerms.customer.customerId,
    contractId: ACME_CONTRACT_ID,
    version: 1,
    effectiveDate: contractTerms.startDate,
    endDate: '2027-01-01',
    terms: contractTerms,
    ...overrides,
  };
}

export function tick(now: string): ClockTicked {
  return { type: 'ClockTicked', now };
}

const MONTH_END: Record<string, string> = { '2026-01': '2026-02-01', '2026-02': '2026-03-01', '2026-03': '2026-04-01' };

/** Rating's PeriodRated for Acme's tokens line: `units` used, the month's 10,000,000 included, `amount` for the rest. */
export function tokensRated(periodId: string, units: string, amount: string): PeriodRatedReceived {
  const billable = new Big(units).minus('10000000');
  return {
    type: 'PeriodRatedReceived',
    now: `${MONTH_END[periodId]}T01:00:00.000Z`,
    customerId: 'cust-acme-bank',
    contractId: ACME_CONTRACT_ID,
    currency: 'USD',
    periodId,
    periodStart: `${periodId}-01T00:00:00.000Z`,
    periodEnd: `${MONTH_END[periodId]}T00:00:00.000Z`,
    lines: [
      {
        priceLineId: 'line-tokens',
        meterCode: 'tokens',
        units: new Big(units),
        includedUnits: new Big('10000000'),
        creditUnitsApplied: new Big(0),
        billableUnits: billable.lt(0) ? new Big(0) : billable,
        discountAmount: new Big(0),
        minimumTopUpAmount: new Big(0),
        amount: new Big(amount),
      },
    ],
  };
}

export function lateTokens(usageEventId: string, quantity: string, amount: string, now: string): LateUsageRatedReceived {
  return {
    type: 'LateUsageRatedReceived',
    now,
    customerId: 'cust-acme-bank',
    contractId: ACME_CONTRACT_ID,
    currency: 'USD',
    priceLineId: 'line-tokens',
    meterCode: 'tokens',
    periodId: '2026-01',
    usageEventId,
    quantity: new Big(quantity),
    amount: new Big(amount),
  };
}

/** Scenario A's Q1 true-up as rating computes it: 33,000,000 pooled against 30,000,000, 9.60 owed, 16.00 charged. */
export const acmeQ1TrueUp: TrueUpCalculatedReceived = {
  type: 'TrueUpCalculatedReceived',
  now: '2026-04-01T01:00:00.000Z',
  customerId: 'cust-acme-bank',
  contractId: ACME_CONTRACT_ID,
  currency: 'USD',
  poolId: '2026-01..2026-03',
  poolStart: '2026-01-01T00:00:00.000Z',
  poolEnd: '2026-04-01T00:00:00.000Z',
  periodIds: ['2026-01', '2026-02', '2026-03'],
  lines: [
    {
      priceLineId: 'line-tokens',
      meterCode: 'tokens',
      pooledUnits: new Big('33000000'),
      pooledIncludedUnits: new Big('30000000'),
      pooledAmount: new Big('9.6'),
      chargedAmount: new Big('16'),
      previouslyTruedUpAmount: new Big(0),
      amount: new Big('-6.4'),
    },
  ],
};

/** Decides each command on the state the previous ones left: the events a run of the service would write. */
export function run(decider: InvoicingDecider, commands: readonly InvoicingCommand[], history: readonly InvoicingEvent[] = []): InvoicingEvent[] {
  const events = [...history];
  for (const command of commands) events.push(...decider.decide(command, fold(decider, events)));
  return events;
}

export function invoicesIn(events: readonly InvoicingEvent[]): Invoice[] {
  return events.filter((event): event is InvoiceFinalized => event.type === 'InvoiceFinalized').map((event) => event.invoice);
}

/** An invoice's figures as text, for specs that read like the acceptance scenario. */
export function figures(invoice: Invoice): Record<string, unknown> {
  return {
    number: invoice.invoiceNumber,
    issueDate: invoice.issueDate,
    dueDate: invoice.dueDate,
    purchaseOrders: invoice.purchaseOrderNumbers,
    lines: invoice.lines.map((line) => [line.description, line.amount.toFixed(2)]),
    subtotal: invoice.subtotal.toFixed(2),
    tax: invoice.tax.amount.toFixed(2),
    total: invoice.total.toFixed(2),
  };
}
