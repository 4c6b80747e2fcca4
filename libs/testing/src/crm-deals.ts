import { Big } from '@billing/money';
import type * as wire from '@billing/schemas';

/**
 * Deal events as a CRM connector (Salesforce) publishes them onto crm.deals.v1: the wire shape, written here
 * (integration tests and the demo drive the services only through their topics). Pure data: no jest, no I/O.
 */
export const ACME = { customerId: 'cust-acme-bank', dealId: '006ACME0001', crmSource: 'salesforce', contractId: 'salesforce-006ACME0001' } as const;

const usd = (amount: string, currency = 'USD'): wire.Money => ({ amount: new Big(amount), currency });

const NO_LINE_FIELDS = {
  feeCategory: null, amountPerPeriod: null, period: null, seats: null, unitPricePerPeriod: null, meterCode: null, aggregation: null,
  pricing: null, includedUnitsPerMonth: null, commitScope: null, trueUp: false, minimumSpendPerPeriod: null, overagePolicy: 'Bill' as const,
  thresholdPercents: [], discounts: [], ramps: [],
};

export function perUnitPricing(unitPrice: string, unitQuantity: string, currency = 'USD'): wire.CrmPricing {
  return {
    model: 'PerUnit', amount: null, unitPrice: usd(unitPrice, currency), unitQuantity: new Big(unitQuantity), tiers: [],
    packagePrice: null, packageSize: null, percent: null, fixedFeePerUnit: null,
  };
}

/** Scenario A: Acme Bank, US entity, USD, 12 months from 2026-01-01, monthly in arrears, Net 60, PO-ACME-7781. */
export function acmeCrmDeal(overrides: { customerId?: string; currency?: string } = {}): wire.CrmDeal {
  const currency = overrides.currency ?? 'USD';
  return {
    dealName: 'Acme Bank - AI Platform 2026',
    account: {
      accountId: overrides.customerId ?? ACME.customerId,
      name: 'Acme Bank, N.A.',
      billingAddress: { line1: '1 Liberty Plaza', line2: 'Floor 30', city: 'New York', region: 'NY', postalCode: '10006', countryCode: 'US' },
      taxJurisdiction: 'US-NY-NYC',
      taxExempt: false,
      taxExemptionCertificate: null,
      taxId: '13-0000001',
      contacts: [{ name: 'Jane Ledger', email: 'ap@acmebank.example', phone: '+1 212 555 0100', role: 'Billing' }],
    },
    sellerEntity: 'US',
    currency,
    startDate: '2026-01-01',
    termMonths: 12,
    billingCadence: 'Monthly',
    billingAlignment: 'Calendar',
    paymentTermsDays: 60,
    purchaseOrderNumber: 'PO-ACME-7781',
    ownerEmail: 'ae@seller.example',
    lineItems: [
      { ...NO_LINE_FIELDS, lineId: 'line-platform', productCode: 'platform', description: 'Platform fee', lineType: 'RecurringFee', feeCategory: 'platform',
        amountPerPeriod: usd('50000.00', currency), period: 'Month', billingTiming: 'InArrears' },
      { ...NO_LINE_FIELDS, lineId: 'line-tokens', productCode: 'ai-tokens', description: 'LLM tokens', lineType: 'Usage', billingTiming: 'InArrears',
        meterCode: 'tokens', aggregation: 'Sum', pricing: perUnitPricing('0.004', '1000', currency),
        includedUnitsPerMonth: new Big('10000000'), commitScope: 'PooledQuarterly', trueUp: true,
        discounts: [{ kind: 'OverageAfterCommit', percent: new Big('20'), amountPerPeriod: null }] },
    ],
    prepaidCredits: [],
    featureFlags: [{ featureCode: 'sso', enabled: true }],
  };
}

/** The deal with its tokens line changed (ramps, pricing...). */
export function withTokensLine(deal: wire.CrmDeal, change: (line: wire.CrmDealLineItem) => wire.CrmDealLineItem): wire.CrmDeal {
  return { ...deal, lineItems: deal.lineItems.map((line) => (line.lineType === 'Usage' ? change(line) : line)) };
}
export function withPlatformLine(deal: wire.CrmDeal, change: (line: wire.CrmDealLineItem) => wire.CrmDealLineItem): wire.CrmDeal {
  return { ...deal, lineItems: deal.lineItems.map((line) => (line.lineType === 'RecurringFee' ? change(line) : line)) };
}

/** The February amendment of scenario A: a ramp from 2026-02-01 to the end at 0.0035 per 1,000 tokens. */
export function acmeFebruaryRampDeal(): wire.CrmDeal {
  return withTokensLine(acmeCrmDeal(), (line) => ({
    ...line,
    ramps: [{ startDate: '2026-02-01', endDate: '2027-01-01', amountPerPeriod: null, unitPricePerPeriod: null, seats: null, pricing: perUnitPricing('0.0035', '1000') }],
  }));
}

interface EnvelopeFields {
  readonly eventId: string;
  readonly customerId: string;
  readonly occurredAt: string;
}

export function closedWon(fields: EnvelopeFields & { dealId: string; crmSource?: string; deal: wire.CrmDeal }): wire.CrmDealEvent {
  return envelope(fields, 'CrmDealClosedWon', {
    'billing.crm.CrmDealClosedWon': { dealId: fields.dealId, crmSource: fields.crmSource ?? ACME.crmSource, closedAt: fields.occurredAt, deal: fields.deal },
  });
}

export function amended(fields: EnvelopeFields & { dealId: string; crmSource?: string; effectiveDate: string; deal: wire.CrmDeal }): wire.CrmDealEvent {
  return envelope(fields, 'CrmDealAmended', {
    'billing.crm.CrmDealAmended': { dealId: fields.dealId, crmSource: fields.crmSource ?? ACME.crmSource, effectiveDate: fields.effectiveDate, deal: fields.deal },
  });
}

function envelope(fields: EnvelopeFields, eventType: wire.CrmDealEventType, payload: wire.CrmDealEvent['payload']): wire.CrmDealEvent {
  return {
    eventId: fields.eventId, eventType, occurredAt: fields.occurredAt, recordedAt: fields.occurredAt, causationId: null, correlationId: null,
    schemaVersion: 1, customerId: fields.customerId, payload,
  };
}
