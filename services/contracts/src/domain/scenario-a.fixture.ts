import { Big } from '@billing/money';
import { DealAmended, DealCancelled, DealClosedWon, DealRenewed } from './commands';
import { acmeTokensLine } from '@billing/testing';
import { ContractTerms } from './terms';

/** Scenario A of ACCEPTANCE.md: Acme Bank's deal, as the CRM connector publishes it on 2026-01-01. */
export const ACME_CUSTOMER_ID = 'cust-acme-bank';
export const ACME_DEAL_ID = '006ACME0001';
export const ACME_CRM_SOURCE = 'salesforce';
export const ACME_CONTRACT_ID = 'salesforce-006ACME0001';

export { acmeTokensLine };

export const acmeTerms: ContractTerms = {
  customer: {
    customerId: ACME_CUSTOMER_ID,
    legalName: 'Acme Bank, N.A.',
    billingAddress: {
      line1: '1 Liberty Plaza',
      line2: 'Floor 30',
      city: 'New York',
      region: 'NY',
      postalCode: '10006',
      countryCode: 'US',
    },
    taxJurisdiction: 'US-NY-NYC',
    taxExempt: false,
    taxExemptionCertificate: null,
    taxId: '13-0000001',
    contacts: [
      { name: 'Jane Ledger', email: 'ap@acmebank.example', phone: '+1 212 555 0100', role: 'billing' },
      { name: 'Raj Ops', email: 'platform@acmebank.example', phone: null, role: 'technical' },
    ],
  },
  sellerEntity: 'US',
  currency: 'USD',
  startDate: '2026-01-01',
  termMonths: 12,
  billingCadence: 'monthly',
  billingAlignment: 'calendar_month',
  paymentTermsDays: 60,
  purchaseOrderNumber: 'PO-ACME-7781',
  priceLines: [
    {
      kind: 'recurring_fee',
      lineId: 'line-platform',
      productCode: 'platform',
      description: 'Platform fee',
      category: 'platform',
      amountPerPeriod: new Big('50000.00'),
      period: 'month',
      billingTiming: 'in_arrears',
      ramps: [],
      discounts: [],
    },
    acmeTokensLine,
  ],
  prepaidCredits: [],
  featureFlags: [{ featureCode: 'sso', enabled: true }],
};

export const acmeClosedWon: DealClosedWon = {
  type: 'DealClosedWon',
  now: '2026-01-01T00:00:00.000Z',
  dealEventId: 'crm-evt-1',
  dealId: ACME_DEAL_ID,
  crmSource: ACME_CRM_SOURCE,
  terms: acmeTerms,
};

/** The February amendment: a new ramp price for tokens (0.0035 per 1,000) from 2026-02-01 to the end. */
export const acmeFebruaryRampTerms: ContractTerms = {
  ...acmeTerms,
  priceLines: acmeTerms.priceLines.map((line) =>
    line.kind === 'usage'
      ? {
          ...line,
          ramps: [
            {
              startDate: '2026-02-01',
              endDate: '2027-01-01',
              pricingModel: { model: 'per_unit', unitPrice: new Big('0.0035'), unitQuantity: new Big('1000') },
            },
          ],
        }
      : line,
  ),
};

export const acmeFebruaryAmendment: DealAmended = {
  type: 'DealAmended',
  now: '2026-01-20T09:30:00.000Z',
  dealEventId: 'crm-evt-2',
  dealId: ACME_DEAL_ID,
  crmSource: ACME_CRM_SOURCE,
  effectiveDate: '2026-02-01',
  terms: acmeFebruaryRampTerms,
};

export const acmeRenewal: DealRenewed = {
  type: 'DealRenewed',
  now: '2026-11-15T12:00:00.000Z',
  dealEventId: 'crm-evt-3',
  dealId: ACME_DEAL_ID,
  crmSource: ACME_CRM_SOURCE,
  termMonths: 12,
  terms: null,
};

export const acmeCancellation: DealCancelled = {
  type: 'DealCancelled',
  now: '2026-06-10T08:00:00.000Z',
  dealEventId: 'crm-evt-4',
  dealId: ACME_DEAL_ID,
  crmSource: ACME_CRM_SOURCE,
  effectiveDate: '2026-07-01',
  reason: 'customer insolvency',
};
