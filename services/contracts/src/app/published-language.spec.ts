import * as fs from 'node:fs';
import * as path from 'node:path';
import { AvroCodec, CatalogSchemaRegistry, loadSchemas } from '@billing/avro';
import { CONTRACT_SYMBOLS, contractEventFromWire, type ContractChange, type ContractSymbolTable } from '@billing/contract-terms';
import { fold } from '@billing/eventsourcing';
import { Big } from '@billing/money';
import type * as wire from '@billing/schemas';
import type { ContractCommand } from '../domain/commands';
import { contractsDecider } from '../domain/decider';
import type { ContractEvent } from '../domain/events';
import { acmeCancellation, acmeClosedWon, acmeTerms } from '../domain/scenario-a.fixture';
import type { ContractTerms, PriceTier, UsageLine } from '../domain/terms';
import { contractEventToWire } from './mappers';

/**
 * The published language, end to end: what the contracts service writes (its own mapper, the real Avro codec) is
 * what @billing/contract-terms reads, for every event type, every line kind, pricing model, discount and enum word.
 */
const codec = new AvroCodec(new CatalogSchemaRegistry(loadSchemas()));
const big = (value: string) => new Big(value);
const tier = (upTo: string | null, price: string): PriceTier => ({ upToUnits: upTo === null ? null : big(upTo), unitPrice: big(price), unitQuantity: big('1'), flatFee: big('0.5') });

function usageLine(lineId: string, overrides: Partial<UsageLine>): UsageLine {
  return { ...(acmeTerms.priceLines[1] as UsageLine), lineId, meterCode: lineId, ...overrides };
}

/** Anniversary-aligned terms using every word of the vocabulary somewhere. */
const everyTerm: ContractTerms = {
  ...acmeTerms,
  startDate: '2026-02-01',
  billingCadence: 'quarterly',
  billingAlignment: 'contract_anniversary',
  customer: {
    ...acmeTerms.customer,
    contacts: (['billing', 'technical', 'legal', 'primary'] as const).map((role) => ({ name: role, email: `${role}@acme.example`, phone: null, role })),
  },
  priceLines: [
    {
      kind: 'recurring_fee', lineId: 'platform', productCode: 'platform', description: 'Platform fee', category: 'platform', amountPerPeriod: big('50000'),
      period: 'quarter', billingTiming: 'in_advance', discounts: [{ kind: 'fixed', amountPerPeriod: big('100') }],
      ramps: [{ startDate: '2026-08-01', endDate: '2027-02-01', amountPerPeriod: big('60000') }],
    },
    {
      kind: 'recurring_fee', lineId: 'support', productCode: 'support', description: 'Support', category: 'subscription', amountPerPeriod: big('1200'),
      period: 'year', billingTiming: 'in_arrears', discounts: [{ kind: 'percentage', percent: big('5') }], ramps: [],
    },
    {
      kind: 'seats', lineId: 'seats', productCode: 'studio-seats', description: 'Studio seats', seats: 25, unitPricePerPeriod: big('30'), period: 'month',
      billingTiming: 'in_advance', discounts: [], ramps: [{ startDate: '2026-05-01', endDate: '2027-02-01', unitPricePerPeriod: big('28'), seats: 40 }],
    },
    usageLine('tokens', { aggregation: 'sum', commit: { scope: 'pooled_quarterly', trueUp: true, minimumSpendPerPeriod: big('10') } }),
    usageLine('calls', { aggregation: 'count', pricingModel: { model: 'graduated', tiers: [tier('100', '0.05'), tier(null, '0.01')] }, commit: { scope: 'pooled_annual', trueUp: false, minimumSpendPerPeriod: null } }),
    usageLine('gpus', { aggregation: 'max', pricingModel: { model: 'volume', tiers: [tier('10', '2'), tier(null, '1.5')] }, overagePolicy: 'block', thresholdPercents: [75, 90] }),
    usageLine('users', { aggregation: 'unique_count', pricingModel: { model: 'package', packagePrice: big('3'), packageSize: big('100') }, commit: { scope: 'monthly', trueUp: false, minimumSpendPerPeriod: null } }),
    usageLine('storage', { aggregation: 'latest', pricingModel: { model: 'flat', amount: big('99') }, discounts: [{ kind: 'percentage', percent: big('10') }, { kind: 'overage_after_commit', percent: big('20') }] }),
    usageLine('payments', {
      aggregation: 'sum', pricingModel: { model: 'percentage', percent: big('2.9'), fixedFeePerUnit: big('0.30') },
      ramps: [{ startDate: '2026-08-01', endDate: '2027-02-01', pricingModel: { model: 'percentage', percent: big('2.5'), fixedFeePerUnit: big('0.25') } }],
    }),
  ],
  prepaidCredits: [
    { creditId: 'cr-1', meterCode: 'tokens', units: big('5000000'), pricePaid: big('15'), validFrom: '2026-02-01', expiresOn: '2027-02-01', priority: 1, lowBalanceUnits: big('500000') },
  ],
  featureFlags: [{ featureCode: 'sso', enabled: true }, { featureCode: 'beta', enabled: false }],
};

/** One deal's life: created, amended, renewed, terminated (every payload contracts.events.v1 has). */
function contractEvents(): ContractEvent[] {
  const created: ContractCommand = { ...acmeClosedWon, terms: everyTerm };
  const amended: ContractCommand = { ...created, type: 'DealAmended', dealEventId: 'crm-evt-2', now: '2026-03-01T00:00:00.000Z', effectiveDate: '2026-04-01', terms: { ...everyTerm, paymentTermsDays: 30 } };
  const renewed: ContractCommand = { ...created, type: 'DealRenewed', dealEventId: 'crm-evt-3', now: '2026-12-01T00:00:00.000Z', termMonths: 12, terms: null };
  const cancelled: ContractCommand = { ...acmeCancellation, effectiveDate: '2027-06-01', now: '2027-01-15T00:00:00.000Z' };
  let state = contractsDecider.initialState();
  const events: ContractEvent[] = [];
  for (const command of [created, amended, renewed, cancelled]) {
    const decided = contractsDecider.decide(command, state);
    state = fold(contractsDecider, decided, state);
    events.push(...decided);
  }
  return events;
}

async function throughTheTopic(event: ContractEvent): Promise<ContractChange> {
  const { envelope, eventType, payload } = contractEventToWire(event);
  const record: wire.ContractEvent = {
    eventId: `evt-${event.dealEventId}`, eventType, occurredAt: envelope.occurredAt, recordedAt: envelope.occurredAt,
    causationId: null, correlationId: null, schemaVersion: 1, customerId: envelope.customerId, payload,
  };
  const decoded = await codec.decode<wire.ContractEvent>(await codec.encode('contracts.events.v1-value', record), 'contracts.events.v1-value');
  return contractEventFromWire(decoded.value);
}

describe('@billing/contract-terms reads what the contracts service writes', () => {
  it('decodes every contract event type as a version or a termination, terms intact', async () => {
    const events = contractEvents();
    // A Record over the generated union: a new payload type on contracts.events.v1 fails to compile here until covered.
    const covered: Record<wire.ContractEventType, true> = { ContractCreated: true, ContractAmended: true, ContractRenewed: true, ContractTerminated: true };
    expect(events.map((event) => event.type).sort()).toEqual(Object.keys(covered).sort());
    for (const event of events) {
      const change = await throughTheTopic(event);
      expect(change.type).toBe(event.type);
      if (event.type === 'ContractTerminated') {
        expect(change).toEqual({ kind: 'termination', ...event });
        continue;
      }
      const previousEndDate = event.type === 'ContractRenewed' ? event.previousEndDate : null;
      expect(change).toEqual({ kind: 'version', ...event, previousEndDate });
    }
  });

  it('has one word for every symbol of the contracts.events.v1 enums but Unknown, and one symbol per word', () => {
    const schemaOf: Record<ContractSymbolTable, string> = {
      billingCadence: 'ContractBillingCadence', billingAlignment: 'ContractBillingAlignment', billingTiming: 'ContractBillingTiming',
      feePeriod: 'ContractFeePeriod', feeCategory: 'ContractFeeCategory', aggregation: 'ContractUsageAggregation', commitScope: 'ContractCommitScope',
      overagePolicy: 'ContractOveragePolicy', contactRole: 'ContractContactRole',
    };
    for (const [table, schema] of Object.entries(schemaOf) as [ContractSymbolTable, string][]) {
      const avsc = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../../schemas/contracts', `${schema}.avsc`), 'utf8')) as { symbols: string[] };
      expect(Object.keys(CONTRACT_SYMBOLS[table]).sort()).toEqual(avsc.symbols.filter((symbol) => symbol !== 'Unknown').sort());
      expect(new Set(Object.values(CONTRACT_SYMBOLS[table])).size).toBe(Object.keys(CONTRACT_SYMBOLS[table]).length);
    }
  });
});
