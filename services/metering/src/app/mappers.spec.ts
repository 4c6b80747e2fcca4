import { AvroCodec, CatalogSchemaRegistry, loadSchemas } from '@billing/avro';
import { Big } from '@billing/money';
import type * as wire from '@billing/schemas';
import type { MeteringCommand } from '../domain/commands';
import { meteringDecider } from '../domain/decider';
import type { MeteringEvent } from '../domain/events';
import { commandFromContractEvent, commandFromUsageEvent, meteringEventFromWire, meteringEventToWire } from './mappers';

const codec = new AvroCodec(new CatalogSchemaRegistry(loadSchemas()));
const CUSTOMER = 'cust-acme-bank';
const usd = (amount: string) => ({ amount: new Big(amount), currency: 'USD' });

function usageRecord(eventId: string, quantity: string, occurredAt: string, properties: Record<string, string> = {}): wire.UsageEvent {
  return {
    eventId,
    eventType: 'UsageRecorded',
    occurredAt,
    recordedAt: occurredAt,
    causationId: null,
    correlationId: null,
    schemaVersion: 1,
    customerId: CUSTOMER,
    payload: { 'billing.usage.UsageRecorded': { meterCode: 'tokens', quantity: new Big(quantity), properties } },
  };
}

/** Scenario A's contract as contracts.events.v1 carries it (written here: a service never imports another). */
function acmeContractCreated(): wire.ContractEvent {
  const tokens: wire.ContractUsageLine = {
    lineId: 'line-tokens',
    productCode: 'ai-tokens',
    description: 'LLM tokens',
    discounts: [{ 'billing.contracts.ContractOverageDiscount': { percent: new Big('20') } }],
    meterCode: 'tokens',
    aggregation: 'Sum',
    pricing: { 'billing.contracts.ContractPerUnitPricing': { unitPrice: usd('0.004'), unitQuantity: new Big('1000') } },
    includedUnitsPerMonth: new Big('10000000'),
    commit: { scope: 'PooledQuarterly', trueUp: true, minimumSpendPerPeriod: null },
    overagePolicy: 'Bill',
    thresholdPercents: [],
    ramps: [],
  };
  const terms: wire.ContractTerms = {
    customer: {
      customerId: CUSTOMER,
      legalName: 'Acme Bank, N.A.',
      billingAddress: { line1: '1 Liberty Plaza', line2: null, city: 'New York', region: 'NY', postalCode: '10006', countryCode: 'US' },
      taxJurisdiction: 'US-NY-NYC',
      taxExempt: false,
      taxExemptionCertificate: null,
      taxId: null,
      contacts: [],
    },
    sellerEntity: 'US',
    currency: 'USD',
    startDate: '2026-01-01',
    termMonths: 12,
    billingCadence: 'Monthly',
    billingAlignment: 'Calendar',
    paymentTermsDays: 60,
    purchaseOrderNumber: 'PO-ACME-7781',
    priceLines: [
      {
        'billing.contracts.ContractFeeLine': {
          lineId: 'line-platform', productCode: 'platform', description: 'Platform fee', discounts: [],
          category: 'Platform', amountPerPeriod: usd('50000.00'), period: 'Month', billingTiming: 'InArrears', ramps: [],
        },
      },
      { 'billing.contracts.ContractUsageLine': tokens },
      { 'billing.contracts.ContractUsageLine': { ...tokens, lineId: 'line-tokens-2', aggregation: 'Max' } },
    ],
    prepaidCredits: [],
    featureFlags: [],
  };
  return {
    eventId: 'c-1', eventType: 'ContractCreated', occurredAt: '2026-01-01T00:00:00.000Z', recordedAt: '2026-01-01T00:00:00.000Z',
    causationId: null, correlationId: null, schemaVersion: 1, customerId: CUSTOMER,
    payload: { 'billing.contracts.ContractCreated': { contractId: 'ctr-acme', dealId: 'd-1', crmSource: 'salesforce', dealEventId: 'crm-1', version: 1, effectiveDate: '2026-01-01', endDate: '2027-01-01', terms } },
  };
}

describe('metering mappers', () => {
  it('reads a contract version off contracts.events.v1 as the meters of its usage lines', async () => {
    const decoded = await codec.decode<wire.ContractEvent>(await codec.encode('contracts.events.v1-value', acmeContractCreated()), 'contracts.events.v1-value');
    expect(commandFromContractEvent(decoded.value)).toEqual({
      type: 'ContractTermsReceived',
      now: '2026-01-01T00:00:00.000Z',
      customerId: CUSTOMER,
      contractId: 'ctr-acme',
      termsVersion: 1,
      startDate: '2026-01-01T00:00:00.000Z',
      endDate: '2027-01-01T00:00:00.000Z',
      billingPeriodAlignment: 'calendar_month',
      meters: [{ meterCode: 'tokens', aggregation: 'sum', aggregationProperty: null }],
    });
  });

  it('reads usage.events.v1 bytes as UsageReceived, the envelope id being the idempotency key', async () => {
    const bytes = await codec.encode('usage.events.v1-value', usageRecord('u-1', '1500.25', '2026-01-15T10:00:00.000Z', { model: 'large' }));
    const decoded = await codec.decode<wire.UsageEvent>(bytes, 'usage.events.v1-value');
    expect(commandFromUsageEvent(decoded.value, '2026-01-15T10:00:01.000Z')).toEqual({
      type: 'UsageReceived',
      now: '2026-01-15T10:00:01.000Z',
      eventId: 'u-1',
      customerId: CUSTOMER,
      meterCode: 'tokens',
      quantity: new Big('1500.25'),
      eventTime: '2026-01-15T10:00:00.000Z',
      properties: { model: 'large' },
    });
  });

  it('round-trips every metering event through metering.usage.v1 bytes', async () => {
    const contract = commandFromContractEvent(acmeContractCreated());
    const terminated = commandFromContractEvent({
      ...acmeContractCreated(),
      eventType: 'ContractTerminated',
      payload: { 'billing.contracts.ContractTerminated': { contractId: 'ctr-acme', dealId: 'd-1', crmSource: 'salesforce', dealEventId: 'crm-2', effectiveDate: '2026-06-01', reason: 'churn' } },
    });
    const commands: MeteringCommand[] = [
      contract,
      commandFromUsageEvent(usageRecord('u-1', '10', '2026-01-31T23:59:00.000Z', { model: 'large' }), '2026-02-01T00:10:00.000Z'),
      { type: 'ClockTicked', now: '2026-02-01T01:00:00.000Z' },
      commandFromUsageEvent(usageRecord('u-2', '0.000000000001', '2026-01-31T23:59:30.000Z'), '2026-02-01T02:00:00.000Z'),
      terminated,
    ];
    let state = meteringDecider.initialState();
    const events: MeteringEvent[] = [];
    for (const command of commands) {
      for (const event of meteringDecider.decide(command, state)) {
        state = meteringDecider.evolve(state, event);
        events.push(event);
      }
    }
    expect(terminated).toEqual({ type: 'ContractTerminationReceived', now: '2026-01-01T00:00:00.000Z', customerId: CUSTOMER, contractId: 'ctr-acme', effectiveDate: '2026-06-01' });
    expect(events.map((event) => event.type)).toEqual(['ContractTermsNoted', 'UsageAccepted', 'PeriodClosed', 'LateUsageAccepted', 'ContractEndNoted']);
    for (const event of events) {
      const { eventType, occurredAt, payload } = meteringEventToWire(event);
      const record: wire.MeteringEvent = {
        eventId: 'e', eventType, occurredAt, recordedAt: occurredAt, causationId: null, correlationId: null, schemaVersion: 1, customerId: CUSTOMER, payload,
      };
      const decoded = await codec.decode<wire.MeteringEvent>(await codec.encode('metering.usage.v1-value', record), 'metering.usage.v1-value');
      expect(meteringEventFromWire(decoded.value)).toEqual(event);
    }
  });
});
