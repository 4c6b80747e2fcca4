import { Big } from '@billing/money';
import { AvroCodec, CatalogSchemaRegistry, loadSchemas } from '@billing/avro';
import { fold } from '@billing/eventsourcing';
import type * as wire from '@billing/schemas';
import { balancesOf } from '../domain/balances';
import { entitlementsDecider } from '../domain/decider';
import { EntitlementCommand } from '../domain/commands';
import { EntitlementEvent } from '../domain/events';
import { acmeGrants, acmeTermsReceived, tick, usage } from '../domain/scenario-a.fixture';
import { balanceToWire, commandFromContractEvent, commandFromMeteringEvent, entitlementEventFromWire, entitlementEventToWire } from './mappers';

const codec = new AvroCodec(new CatalogSchemaRegistry(loadSchemas()));

describe('entitlements mappers', () => {
  it('reads scenario A\'s ContractCreated off contracts.events.v1 as the grants the domain fixture holds', async () => {
    const record: wire.ContractEvent = {
      eventId: 'e-1', eventType: 'ContractCreated', occurredAt: '2026-01-01T00:00:00.000Z', recordedAt: '2026-01-01T00:00:00.000Z',
      causationId: null, correlationId: null, schemaVersion: 1, customerId: 'cust-acme-bank',
      payload: { 'billing.contracts.ContractCreated': { contractId: 'salesforce-006ACME0001', dealId: '006ACME0001', crmSource: 'salesforce', dealEventId: 'crm-evt-1', version: 1, effectiveDate: '2026-01-01', endDate: '2027-01-01', terms: acmeWireTerms() } },
    };
    const decoded = await codec.decode<wire.ContractEvent>(await codec.encode('contracts.events.v1-value', record), 'contracts.events.v1-value');
    expect(commandFromContractEvent(decoded.value)).toEqual(acmeTermsReceived);
    expect(acmeTermsReceived.grants).toBe(acmeGrants);
  });

  it('round-trips entitlement events and balances through their topics\' bytes', async () => {
    const commands: EntitlementCommand[] = [
      // held before the terms (released on them: one counted, one rejected as an unknown feature)
      usage('u-0', '5.25', '2026-01-01T10:00:00Z'),
      usage('u-gpu', '2', '2026-01-01T11:00:00Z', 'gpu-seconds'),
      { ...acmeTermsReceived, grants: { ...acmeGrants, seats: [{ featureCode: 'seats', seats: 3 }], credits: [{ creditId: 'c-1', meterCode: 'tokens', units: new Big('100'), validFrom: '2026-01-01', expiresOn: '2026-02-01', priority: 1, lowBalanceUnits: new Big('50') }] } },
      usage('u-1', '9999999.5', '2026-01-20T00:00:00Z'),
      usage('u-2', '60.5', '2026-01-21T00:00:00Z'),
      usage('u-late', '1', '2026-01-31T23:00:00Z'),
      tick('2026-02-01T00:00:00.000Z'),
    ];
    let state = entitlementsDecider.initialState();
    const events: EntitlementEvent[] = [];
    for (const command of commands) {
      const decided = entitlementsDecider.decide(command, state);
      state = fold(entitlementsDecider, decided, state);
      events.push(...decided);
    }
    expect(new Set(events.map((event) => event.type)).size).toBeGreaterThanOrEqual(13);
    expect(events.map((event) => event.type)).toEqual(expect.arrayContaining(['UsageHeldUntilTerms', 'HeldUsageRejected']));
    for (const event of events) {
      const { eventType, payload } = entitlementEventToWire(event);
      const record: wire.EntitlementEvent = {
        eventId: 'e', eventType, occurredAt: '2026-01-01T00:00:00.000Z', recordedAt: '2026-01-01T00:00:00.000Z', causationId: null,
        correlationId: null, schemaVersion: 1, customerId: 'cust-acme-bank', payload,
      };
      const decoded = await codec.decode<wire.EntitlementEvent>(await codec.encode('entitlements.events.v1-value', record), 'entitlements.events.v1-value');
      expect(entitlementEventFromWire(decoded.value)).toEqual(normalise(event));
    }
    for (const balance of balancesOf(state)) {
      const value = balanceToWire('cust-acme-bank', balance, '2026-02-01T00:00:00.000Z');
      const decoded = await codec.decode<wire.EntitlementBalance>(await codec.encode('entitlements.balances.v1-value', value), 'entitlements.balances.v1-value');
      expect(decoded.value).toEqual(value);
    }
  });
});

describe('entitlements mappers: metering.usage.v1', () => {
  const usage: wire.UsageAccepted = {
    usageEventId: 'acme-u-100', contractId: 'salesforce-006ACME0001', meterCode: 'tokens', quantity: new Big('25000.5'), eventTime: '2026-01-23T22:49:00.000Z',
    receivedAt: '2026-01-23T22:49:02.000Z', periodId: '2026-01', periodStart: '2026-01-01T00:00:00.000Z', periodEnd: '2026-02-01T00:00:00.000Z', properties: {},
  };
  const record = (payload: wire.MeteringEvent['payload'], eventType: string): wire.MeteringEvent => ({
    eventId: 'm-1', eventType, occurredAt: usage.eventTime, recordedAt: usage.receivedAt, causationId: null, correlationId: null, schemaVersion: 1,
    customerId: 'cust-acme-bank', payload,
  });
  const expected = { type: 'UsageAccepted', now: usage.receivedAt, customerId: 'cust-acme-bank', usageEventId: 'acme-u-100', meterCode: 'tokens', quantity: new Big('25000.5'), eventTime: usage.eventTime };

  it('reads accepted and late-accepted usage, through Avro bytes, as the usage command (metering\'s receivedAt is `now`)', async () => {
    for (const [payload, eventType] of [[{ 'billing.metering.UsageAccepted': usage }, 'UsageAccepted'], [{ 'billing.metering.LateUsageAccepted': usage }, 'LateUsageAccepted']] as const) {
      const decoded = await codec.decode<wire.MeteringEvent>(await codec.encode('metering.usage.v1-value', record(payload, eventType)), 'metering.usage.v1-value');
      expect(commandFromMeteringEvent(decoded.value)).toEqual(expected);
    }
  });

  it('ignores metering\'s other events', () => {
    const closed = record({ 'billing.metering.MeteringContractEndNoted': { contractId: 'c', endDate: '2027-01-01T00:00:00.000Z', notedAt: usage.receivedAt } }, 'MeteringContractEndNoted');
    expect(commandFromMeteringEvent(closed)).toBeNull();
  });
});

const usd = (amount: string) => ({ amount: new Big(amount), currency: 'USD' });

/** Scenario A's terms as contracts.events.v1 carries them (written here: a service never imports another). */
function acmeWireTerms(): wire.ContractTerms {
  return {
    customer: {
      customerId: 'cust-acme-bank', legalName: 'Acme Bank, N.A.',
      billingAddress: { line1: '1 Liberty Plaza', line2: null, city: 'New York', region: 'NY', postalCode: '10006', countryCode: 'US' },
      taxJurisdiction: 'US-NY-NYC', taxExempt: false, taxExemptionCertificate: null, taxId: null, contacts: [],
    },
    sellerEntity: 'US', currency: 'USD', startDate: '2026-01-01', termMonths: 12, billingCadence: 'Monthly', billingAlignment: 'Calendar',
    paymentTermsDays: 60, purchaseOrderNumber: 'PO-ACME-7781',
    priceLines: [
      { 'billing.contracts.ContractFeeLine': { lineId: 'line-platform', productCode: 'platform', description: 'Platform fee', discounts: [],
        category: 'Platform', amountPerPeriod: usd('50000.00'), period: 'Month', billingTiming: 'InArrears', ramps: [] } },
      { 'billing.contracts.ContractUsageLine': { lineId: 'line-tokens', productCode: 'ai-tokens', description: 'LLM tokens',
        discounts: [{ 'billing.contracts.ContractOverageDiscount': { percent: new Big('20') } }], meterCode: 'tokens', aggregation: 'Sum',
        pricing: { 'billing.contracts.ContractPerUnitPricing': { unitPrice: usd('0.004'), unitQuantity: new Big('1000') } },
        includedUnitsPerMonth: new Big('10000000'), commit: { scope: 'PooledQuarterly', trueUp: true, minimumSpendPerPeriod: null },
        overagePolicy: 'Bill', thresholdPercents: [], ramps: [] } },
    ],
    prepaidCredits: [],
    featureFlags: [{ featureCode: 'sso', enabled: true }],
  };
}

/** Timestamps come back as YYYY-MM-DDTHH:mm:ss.sssZ. */
function normalise(event: EntitlementEvent): EntitlementEvent {
  const out: Record<string, unknown> = { ...event };
  for (const key of ['at', 'eventTime']) if (typeof out[key] === 'string') out[key] = new Date(out[key] as string).toISOString();
  return out as unknown as EntitlementEvent;
}
