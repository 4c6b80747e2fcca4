import { Big } from '@billing/money';
import type * as wire from '@billing/schemas';
import { ContractTermsUnreadable, contractEventFromWire, symbolOf, usageLinesOf, wordOf } from './index';

const usd = (amount: string): wire.Money => ({ amount: new Big(amount), currency: 'USD' });

function usageLine(overrides: Partial<wire.ContractUsageLine> = {}): wire.ContractTerms['priceLines'][number] {
  return {
    'billing.contracts.ContractUsageLine': {
      lineId: 'line-storage', productCode: 'storage', description: 'Storage', discounts: [], meterCode: 'storage-gb', aggregation: 'Last',
      pricing: { 'billing.contracts.ContractPerUnitPricing': { unitPrice: usd('0.02'), unitQuantity: new Big('1') } },
      includedUnitsPerMonth: new Big('100'), commit: { scope: 'PooledQuarterly', trueUp: true, minimumSpendPerPeriod: null },
      overagePolicy: 'Block', thresholdPercents: [80], ramps: [],
      ...overrides,
    },
  };
}

function created(terms: Partial<wire.ContractTerms> = {}): wire.ContractEvent {
  return {
    eventId: 'evt-1', eventType: 'ContractCreated', occurredAt: '2026-02-01T00:00:00.000Z', recordedAt: '2026-02-01T00:00:00.000Z',
    causationId: null, correlationId: null, schemaVersion: 1, customerId: 'cust-1',
    payload: {
      'billing.contracts.ContractCreated': {
        contractId: 'ctr-1', dealId: 'd-1', crmSource: 'hubspot', dealEventId: 'crm-1', version: 1, effectiveDate: '2026-02-01', endDate: '2027-02-01',
        terms: {
          customer: {
            customerId: 'cust-1', legalName: 'Globex', taxJurisdiction: 'DE', taxExempt: false, taxExemptionCertificate: null, taxId: null, contacts: [],
            billingAddress: { line1: 'Hauptstr. 1', line2: null, city: 'Berlin', region: null, postalCode: '10115', countryCode: 'DE' },
          },
          sellerEntity: 'EU', currency: 'USD', startDate: '2026-02-01', termMonths: 12, billingCadence: 'Monthly', billingAlignment: 'Calendar',
          paymentTermsDays: 30, purchaseOrderNumber: null, priceLines: [usageLine()], prepaidCredits: [], featureFlags: [],
          ...terms,
        },
      },
    },
  };
}

describe('contractEventFromWire', () => {
  it('reads a version in the one vocabulary: calendar_month, latest, pooled_quarterly, block', () => {
    const change = contractEventFromWire(created());
    if (change.kind !== 'version') throw new Error('expected a version');
    expect(change).toMatchObject({ type: 'ContractCreated', customerId: 'cust-1', occurredAt: '2026-02-01T00:00:00.000Z', contractId: 'ctr-1', version: 1, previousEndDate: null });
    expect(change.terms.billingAlignment).toBe('calendar_month');
    expect(usageLinesOf(change.terms)).toEqual([
      expect.objectContaining({ aggregation: 'latest', commit: { scope: 'pooled_quarterly', trueUp: true, minimumSpendPerPeriod: null }, overagePolicy: 'block', pricingModel: { model: 'per_unit', unitPrice: new Big('0.02'), unitQuantity: new Big('1') } }),
    ]);
  });

  it('reads a termination', () => {
    const terminated: wire.ContractEvent = {
      ...created(), eventType: 'ContractTerminated',
      payload: { 'billing.contracts.ContractTerminated': { contractId: 'ctr-1', dealId: 'd-1', crmSource: 'hubspot', dealEventId: 'crm-2', effectiveDate: '2026-06-01', reason: 'churn' } },
    };
    expect(contractEventFromWire(terminated)).toEqual({
      kind: 'termination', type: 'ContractTerminated', customerId: 'cust-1', occurredAt: '2026-02-01T00:00:00.000Z', contractId: 'ctr-1', dealId: 'd-1',
      crmSource: 'hubspot', dealEventId: 'crm-2', effectiveDate: '2026-06-01', reason: 'churn',
    });
  });

  it('refuses a symbol it has no word for (the Unknown default of a newer writer) as UNKNOWN_SYMBOL', () => {
    const read = () => contractEventFromWire(created({ billingAlignment: 'Unknown' }));
    expect(read).toThrow(ContractTermsUnreadable);
    expect(read).toThrow(expect.objectContaining({ reasonCode: 'UNKNOWN_SYMBOL', details: { field: 'billingAlignment', symbol: 'Unknown' } }));
    expect(() => contractEventFromWire(created({ priceLines: [usageLine({ aggregation: 'Unknown' })] }))).toThrow(expect.objectContaining({ reasonCode: 'UNKNOWN_SYMBOL' }));
  });

  it('refuses an amount in another currency than the contract as CURRENCY_MISMATCH', () => {
    const euro = { 'billing.contracts.ContractFlatPricing': { amount: { amount: new Big('5'), currency: 'EUR' } } };
    expect(() => contractEventFromWire(created({ priceLines: [usageLine({ pricing: euro })] }))).toThrow(expect.objectContaining({ reasonCode: 'CURRENCY_MISMATCH' }));
  });

  it('writes and reads enum symbols through the same table', () => {
    expect(wordOf('aggregation', 'Last')).toBe('latest');
    expect(symbolOf('aggregation', 'latest')).toBe('Last');
    expect(symbolOf('billingAlignment', 'contract_anniversary')).toBe('Anniversary');
    expect(() => symbolOf('billingAlignment', 'calendar')).toThrow(RangeError);
  });
});
