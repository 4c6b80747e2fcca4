import { Big } from '@billing/money';
import { AvroCodec, CatalogSchemaRegistry, loadSchemas } from '@billing/avro';
import type * as wire from '@billing/schemas';
import { contractsDecider } from '../domain/decider';
import { ContractEvent } from '../domain/events';
import { acmeClosedWon, acmeFebruaryAmendment, acmeTerms } from '../domain/scenario-a.fixture';
import { fold } from '@billing/eventsourcing';
import { commandFromCrmDealEvent, contractEventFromWire, contractEventToWire, routeCrmDealEvent } from './mappers';

const codec = new AvroCodec(new CatalogSchemaRegistry(loadSchemas()));
const usd = (amount: string) => ({ amount: new Big(amount), currency: 'USD' });

/** Scenario A's deal as a Salesforce connector would publish it. */
function acmeCrmDeal(): wire.CrmDeal {
  const noLine = {
    feeCategory: null, amountPerPeriod: null, period: null, seats: null, unitPricePerPeriod: null, meterCode: null, aggregation: null,
    pricing: null, includedUnitsPerMonth: null, commitScope: null, trueUp: false, minimumSpendPerPeriod: null, overagePolicy: 'Bill' as const,
    thresholdPercents: [], discounts: [], ramps: [],
  };
  return {
    dealName: 'Acme Bank - AI Platform 2026',
    account: {
      accountId: 'cust-acme-bank',
      name: 'Acme Bank, N.A.',
      billingAddress: { line1: '1 Liberty Plaza', line2: 'Floor 30', city: 'New York', region: 'NY', postalCode: '10006', countryCode: 'US' },
      taxJurisdiction: 'US-NY-NYC',
      taxExempt: false,
      taxExemptionCertificate: null,
      taxId: '13-0000001',
      contacts: [
        { name: 'Jane Ledger', email: 'ap@acmebank.example', phone: '+1 212 555 0100', role: 'Billing' },
        { name: 'Raj Ops', email: 'platform@acmebank.example', phone: null, role: 'Technical' },
      ],
    },
    sellerEntity: 'US',
    currency: 'USD',
    startDate: '2026-01-01',
    termMonths: 12,
    billingCadence: 'Monthly',
    billingAlignment: 'Calendar',
    paymentTermsDays: 60,
    purchaseOrderNumber: 'PO-ACME-7781',
    ownerEmail: 'ae@seller.example',
    lineItems: [
      { ...noLine, lineId: 'line-platform', productCode: 'platform', description: 'Platform fee', lineType: 'RecurringFee', feeCategory: 'platform',
        amountPerPeriod: usd('50000.00'), period: 'Month', billingTiming: 'InArrears' },
      { ...noLine, lineId: 'line-tokens', productCode: 'ai-tokens', description: 'LLM tokens', lineType: 'Usage', billingTiming: 'InArrears',
        meterCode: 'tokens', aggregation: 'Sum',
        pricing: { model: 'PerUnit', amount: null, unitPrice: usd('0.004'), unitQuantity: new Big('1000'), tiers: [], packagePrice: null, packageSize: null, percent: null, fixedFeePerUnit: null },
        includedUnitsPerMonth: new Big('10000000'), commitScope: 'PooledQuarterly', trueUp: true,
        discounts: [{ kind: 'OverageAfterCommit', percent: new Big('20'), amountPerPeriod: null }] },
    ],
    prepaidCredits: [],
    featureFlags: [{ featureCode: 'sso', enabled: true }],
  };
}

function crmRecord(eventId: string, payload: wire.CrmDealEvent['payload'], eventType: wire.CrmDealEventType): wire.CrmDealEvent {
  return {
    eventId, eventType, occurredAt: '2026-01-01T00:00:00.000Z', recordedAt: '2026-01-01T00:00:00.000Z', causationId: null, correlationId: null,
    schemaVersion: 1, customerId: 'cust-acme-bank', payload,
  };
}

describe('contracts mappers', () => {
  it('maps scenario A\'s CRM deal, through Avro bytes, to the same command as the domain fixture', async () => {
    const record = crmRecord('crm-evt-1', { 'billing.crm.CrmDealClosedWon': { dealId: '006ACME0001', crmSource: 'salesforce', closedAt: '2025-12-20T17:00:00.000Z', deal: acmeCrmDeal() } }, 'CrmDealClosedWon');
    const bytes = await codec.encode('crm.deals.v1-value', record);
    const decoded = await codec.decode<wire.CrmDealEvent>(bytes, 'crm.deals.v1-value');
    const command = commandFromCrmDealEvent(decoded.value);
    expect(command).toEqual(acmeClosedWon);
    expect(command.type === 'DealClosedWon' && command.terms).toEqual(acmeTerms);
  });

  it('rejects a CRM price in another currency than the deal as CURRENCY_MISMATCH', () => {
    const deal = acmeCrmDeal();
    const lineItems = deal.lineItems.map((line) => (line.lineType === 'RecurringFee' ? { ...line, amountPerPeriod: { amount: new Big('1'), currency: 'EUR' } } : line));
    const record = crmRecord('crm-evt-9', { 'billing.crm.CrmDealClosedWon': { dealId: 'd', crmSource: 'salesforce', closedAt: '2025-12-20T17:00:00.000Z', deal: { ...deal, lineItems } } }, 'CrmDealClosedWon');
    expect(() => commandFromCrmDealEvent(record)).toThrow(expect.objectContaining({ reasonCode: 'CURRENCY_MISMATCH' }));
  });

  it('routes a deal event to the customer its envelope names, and refuses a deal for another account as CUSTOMER_MISMATCH', () => {
    const payload = { 'billing.crm.CrmDealClosedWon': { dealId: '006ACME0001', crmSource: 'salesforce', closedAt: '2025-12-20T17:00:00.000Z', deal: acmeCrmDeal() } };
    expect(routeCrmDealEvent(crmRecord('crm-evt-1', payload, 'CrmDealClosedWon'))).toEqual({ aggregateKey: 'cust-acme-bank', command: acmeClosedWon });
    const misrouted = { ...crmRecord('crm-evt-1', payload, 'CrmDealClosedWon'), customerId: 'cust-other' };
    expect(() => routeCrmDealEvent(misrouted)).toThrow(expect.objectContaining({ reasonCode: 'CUSTOMER_MISMATCH' }));
  });

  it('round-trips every contract event through contracts.events.v1 bytes unchanged', async () => {
    let state = contractsDecider.initialState();
    const events: ContractEvent[] = [];
    for (const command of [acmeClosedWon, acmeFebruaryAmendment, { ...acmeFebruaryAmendment, type: 'DealRenewed' as const, dealEventId: 'crm-evt-3', termMonths: 12, terms: null }, { ...acmeFebruaryAmendment, type: 'DealCancelled' as const, dealEventId: 'crm-evt-4', effectiveDate: '2027-06-01', reason: 'merger' }]) {
      const decided = contractsDecider.decide(command, state);
      state = fold(contractsDecider, decided, state);
      events.push(...decided);
    }
    expect(events.map((event) => event.type)).toEqual(['ContractCreated', 'ContractAmended', 'ContractRenewed', 'ContractTerminated']);
    for (const event of events) {
      const { envelope, eventType, payload } = contractEventToWire(event);
      const record: wire.ContractEvent = {
        eventId: `evt-${event.dealEventId}`, eventType, occurredAt: envelope.occurredAt, recordedAt: envelope.occurredAt,
        causationId: event.dealEventId, correlationId: null, schemaVersion: 1, customerId: envelope.customerId, payload,
      };
      const decoded = await codec.decode<wire.ContractEvent>(await codec.encode('contracts.events.v1-value', record), 'contracts.events.v1-value');
      expect(contractEventFromWire(decoded.value)).toEqual(event);
    }
  });
});
