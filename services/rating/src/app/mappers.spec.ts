import { AvroCodec, CatalogSchemaRegistry, loadSchemas } from '@billing/avro';
import { Big } from '@billing/money';
import type * as wire from '@billing/schemas';
import type { RatingCommand } from '../domain/commands';
import { ratingDecider } from '../domain/decider';
import type { RatingEvent } from '../domain/events';
import { commandFromContractEvent, commandFromMeteringEvent, ratingEventFromWire, ratingEventToWire } from './mappers';

const codec = new AvroCodec(new CatalogSchemaRegistry(loadSchemas()));
const CUSTOMER = 'cust-acme-bank';
const usd = (amount: string) => ({ amount: new Big(amount), currency: 'USD' });

function envelope<P>(eventType: string, at: string, payload: P) {
  return { eventId: `e-${eventType}-${at}`, eventType, occurredAt: at, recordedAt: at, causationId: null, correlationId: null, schemaVersion: 1, customerId: CUSTOMER, payload };
}

/** Scenario A's contract as contracts.events.v1 carries it, plus a graduated line with a ramp and a prepaid credit. */
function acmeContractCreated(): wire.ContractEvent {
  const tokens: wire.ContractUsageLine = {
    lineId: 'line-tokens', productCode: 'ai-tokens', description: 'LLM tokens',
    discounts: [{ 'billing.contracts.ContractOverageDiscount': { percent: new Big('20') } }],
    meterCode: 'tokens', aggregation: 'Sum',
    pricing: { 'billing.contracts.ContractPerUnitPricing': { unitPrice: usd('0.004'), unitQuantity: new Big('1000') } },
    includedUnitsPerMonth: new Big('10000000'), commit: { scope: 'PooledQuarterly', trueUp: true, minimumSpendPerPeriod: null },
    overagePolicy: 'Bill', thresholdPercents: [], ramps: [],
  };
  const tier = (upTo: string | null, price: string): wire.ContractPriceTier => ({ upToUnits: upTo === null ? null : new Big(upTo), unitPrice: usd(price), unitQuantity: new Big('1'), flatFee: usd('0') });
  const images: wire.ContractUsageLine = {
    ...tokens, lineId: 'line-images', meterCode: 'images', aggregation: 'Count',
    discounts: [{ 'billing.contracts.ContractPercentageDiscount': { percent: new Big('10') } }, { 'billing.contracts.ContractFixedDiscount': { amountPerPeriod: usd('1') } }],
    pricing: { 'billing.contracts.ContractGraduatedPricing': { tiers: [tier('100', '0.05'), tier(null, '0.01')] } },
    includedUnitsPerMonth: new Big('0'), commit: { scope: 'Monthly', trueUp: false, minimumSpendPerPeriod: usd('2') },
    ramps: [{ startDate: '2026-07-01', endDate: '2027-01-01', pricing: { 'billing.contracts.ContractPackagePricing': { packagePrice: usd('3'), packageSize: new Big('100') } } }],
  };
  const terms: wire.ContractTerms = {
    customer: {
      customerId: CUSTOMER, legalName: 'Acme Bank, N.A.',
      billingAddress: { line1: '1 Liberty Plaza', line2: null, city: 'New York', region: 'NY', postalCode: '10006', countryCode: 'US' },
      taxJurisdiction: 'US-NY-NYC', taxExempt: false, taxExemptionCertificate: null, taxId: null, contacts: [],
    },
    sellerEntity: 'US', currency: 'USD', startDate: '2026-01-01', termMonths: 12, billingCadence: 'Monthly', billingAlignment: 'Calendar',
    paymentTermsDays: 60, purchaseOrderNumber: 'PO-ACME-7781',
    priceLines: [
      { 'billing.contracts.ContractFeeLine': { lineId: 'line-platform', productCode: 'platform', description: 'Platform fee', discounts: [], category: 'Platform', amountPerPeriod: usd('50000.00'), period: 'Month', billingTiming: 'InArrears', ramps: [] } },
      { 'billing.contracts.ContractUsageLine': tokens },
      { 'billing.contracts.ContractUsageLine': images },
    ],
    prepaidCredits: [{ creditId: 'cr-images', meterCode: 'images', units: new Big('50'), pricePaid: usd('1'), validFrom: '2026-01-01', expiresOn: '2027-01-01', priority: 1, lowBalanceUnits: new Big('5') }],
    featureFlags: [],
  };
  return envelope('ContractCreated', '2026-01-01T00:00:00.000Z', {
    'billing.contracts.ContractCreated': { contractId: 'ctr-acme', dealId: 'd-1', crmSource: 'salesforce', dealEventId: 'crm-1', version: 1, effectiveDate: '2026-01-01', endDate: '2027-01-01', terms },
  });
}

let usageSequence = 0;
function accepted(meterCode: string, quantity: string, eventTime: string): wire.MeteringEvent {
  usageSequence += 1;
  const month = eventTime.slice(0, 7);
  const [year, monthNumber] = month.split('-').map(Number);
  return envelope('UsageAccepted', eventTime, {
    'billing.metering.UsageAccepted': {
      usageEventId: `u-${usageSequence}`, contractId: 'ctr-acme', meterCode, quantity: new Big(quantity), eventTime, receivedAt: eventTime, periodId: month,
      periodStart: new Date(Date.UTC(year, monthNumber - 1, 1)).toISOString(), periodEnd: new Date(Date.UTC(year, monthNumber, 1)).toISOString(), properties: {},
    },
  });
}

describe('rating mappers', () => {
  it('reads the contract off contracts.events.v1 bytes as rating terms (discounts, commits, ramps, credits)', async () => {
    const decoded = await codec.decode<wire.ContractEvent>(await codec.encode('contracts.events.v1-value', acmeContractCreated()), 'contracts.events.v1-value');
    const command = commandFromContractEvent(decoded.value);
    if (command.type !== 'ContractTermsReceived') throw new Error('expected terms');
    expect(command).toMatchObject({ contractId: 'ctr-acme', currency: 'USD', startDate: '2026-01-01T00:00:00.000Z', endDate: '2027-01-01T00:00:00.000Z', billingPeriodAlignment: 'calendar_month' });
    const [tokens, images] = command.usagePriceLines;
    expect(tokens).toMatchObject({ priceLineId: 'line-tokens', commitScope: 'pooled_quarterly', includedUnits: new Big('10000000'), pricing: { model: 'per_unit', unitPrice: new Big('0.004'), unitsPerPrice: new Big('1000') } });
    expect(tokens.overageDiscountRate.toFixed()).toBe('0.2');
    expect(images).toMatchObject({ aggregation: 'count', commitScope: 'monthly', minimumAmount: new Big('2'), fixedDiscountAmount: new Big('1') });
    expect(images.discountRate.toFixed()).toBe('0.1');
    expect(images.ramps).toEqual([{ effectiveFrom: '2026-07-01T00:00:00.000Z', effectiveUntil: '2027-01-01T00:00:00.000Z', pricing: { model: 'package', packageSize: new Big('100'), packagePrice: new Big('3'), rounding: 'up' } }]);
    expect(command.prepaidCredits).toEqual([{ creditId: 'cr-images', meterCode: 'images', units: new Big('50'), validFrom: '2026-01-01T00:00:00.000Z', expiresOn: '2027-01-01T00:00:00.000Z', priority: 1 }]);
  });

  it('scenario A through the mappers: 9.60, 0, 6.40, true-up -6.40; every event round-trips through rating.events.v1 bytes', async () => {
    const terms = commandFromContractEvent(acmeContractCreated());
    if (terms.type !== 'ContractTermsReceived') throw new Error('expected terms');
    const terminated = commandFromContractEvent(
      envelope('ContractTerminated', '2026-05-10T00:00:00.000Z', {
        'billing.contracts.ContractTerminated': { contractId: 'ctr-acme', dealId: 'd-1', crmSource: 'salesforce', dealEventId: 'crm-2', effectiveDate: '2026-06-01', reason: 'churn' },
      }),
    );
    const metering: wire.MeteringEvent[] = [
      accepted('tokens', '5000000', '2026-01-15T00:00:00.000Z'),
      accepted('tokens', '8000000', '2026-01-23T00:00:00.000Z'),
      accepted('images', '1', '2026-01-23T00:00:00.000Z'),
      accepted('tokens', '8000000', '2026-02-10T00:00:00.000Z'),
      accepted('tokens', '12000000', '2026-03-10T00:00:00.000Z'),
    ];
    const usageCommands = await Promise.all(
      metering.map(async (record) => commandFromMeteringEvent((await codec.decode<wire.MeteringEvent>(await codec.encode('metering.usage.v1-value', record), 'metering.usage.v1-value')).value)),
    );
    const tick = (now: string): RatingCommand => ({ type: 'ClockTicked', now });
    const commands: RatingCommand[] = [
      terms,
      ...usageCommands.slice(0, 3).flatMap((command) => (command === null ? [] : [command])),
      tick('2026-02-01T01:00:00.000Z'),
      ...usageCommands.slice(3, 4).flatMap((command) => (command === null ? [] : [command])),
      tick('2026-03-01T01:00:00.000Z'),
      ...usageCommands.slice(4).flatMap((command) => (command === null ? [] : [command])),
      tick('2026-04-01T01:00:00.000Z'),
      { ...(usageCommands[4] as RatingCommand & { type: 'UsageAccepted' }), type: 'LateUsageAccepted', eventId: 'late-1', now: '2026-04-02T00:00:00.000Z', eventTime: '2026-03-31T00:00:00.000Z' },
      terminated,
      tick('2026-06-01T01:00:00.000Z'),
    ];
    let state = ratingDecider.initialState();
    const events: RatingEvent[] = [];
    for (const command of commands) {
      for (const event of ratingDecider.decide(command, state)) {
        state = ratingDecider.evolve(state, event);
        events.push(event);
      }
    }
    const tokens = (event: RatingEvent) => (event.type === 'PeriodRated' ? event.lines.find((line) => line.priceLineId === 'line-tokens')?.amount.toFixed() : undefined);
    expect(events.filter((event) => event.type === 'PeriodRated').map(tokens)).toEqual(['9.6', '0', '6.4', '0', '0']);
    const trueUps = events.filter((event) => event.type === 'TrueUpCalculated');
    // The late 12M puts March 14M over (44.80, so +38.40) and the quarter 15M over (48.00): 48.00 - (9.60 + 0 + 44.80)
    // - (-6.40) = 0, so no further true-up is emitted.
    // Terminated from June: April-May form the last (short) pool, trued up when May closes.
    expect(trueUps.map((event) => event.type === 'TrueUpCalculated' && [event.poolId, event.lines[0].amount.toFixed()])).toEqual([
      ['2026-01..2026-03', '-6.4'],
      ['2026-04..2026-05', '0'],
    ]);
    const late = events.find((event) => event.type === 'LateUsageRated');
    expect(late?.type === 'LateUsageRated' && late.amount.toFixed()).toBe('38.4');
    expect(new Set(events.map((event) => event.type))).toEqual(new Set(['ContractTermsNoted', 'UsageRated', 'PeriodRated', 'TrueUpCalculated', 'LateUsageRated', 'ContractEndNoted']));
    for (const event of events) {
      const { eventType, occurredAt, payload } = ratingEventToWire(event);
      const record: wire.RatingEvent = { ...envelope(eventType, occurredAt, payload) };
      const decoded = await codec.decode<wire.RatingEvent>(await codec.encode('rating.events.v1-value', record), 'rating.events.v1-value');
      expect(ratingEventFromWire(decoded.value)).toEqual(event);
    }
  });

  it('usage before its contract: UsageHeld round-trips through rating.events.v1 bytes, and the state rebuilt from the log releases it', async () => {
    const early = [accepted('tokens', '13000000', '2026-01-20T00:00:00.000Z'), accepted('images', '1', '2026-01-21T00:00:00.000Z')];
    const usageCommands = await Promise.all(
      early.map(async (record) => commandFromMeteringEvent((await codec.decode<wire.MeteringEvent>(await codec.encode('metering.usage.v1-value', record), 'metering.usage.v1-value')).value)),
    );
    let state = ratingDecider.initialState();
    let rebuilt = ratingDecider.initialState();
    for (const command of usageCommands) {
      if (command === null) throw new Error('expected usage');
      for (const event of ratingDecider.decide(command, state)) {
        expect(event.type).toBe('UsageHeld');
        state = ratingDecider.evolve(state, event);
        const { eventType, occurredAt, payload } = ratingEventToWire(event);
        expect([eventType, occurredAt]).toEqual(['UsageHeld', command.now]);
        const decoded = await codec.decode<wire.RatingEvent>(await codec.encode('rating.events.v1-value', envelope(eventType, occurredAt, payload)), 'rating.events.v1-value');
        const fromLog = ratingEventFromWire(decoded.value);
        expect(fromLog).toEqual(event);
        rebuilt = ratingDecider.evolve(rebuilt, fromLog);
      }
    }
    const terms = commandFromContractEvent(acmeContractCreated());
    const released = ratingDecider.decide(terms, rebuilt);
    expect(released).toEqual(ratingDecider.decide(terms, state));
    // 13M tokens, 10M included, 3M at 0.004 / 1,000 with 20% off: 9.60 accrued; the image is drawn from its prepaid credit.
    expect(released.map((event) => event.type)).toEqual(['ContractTermsNoted', 'UsageRated', 'UsageRated']);
    const rated = released.filter((event): event is Extract<RatingEvent, { type: 'UsageRated' }> => event.type === 'UsageRated');
    expect(rated.map((event) => [event.priceLineId, event.accruedAmount.toFixed()])).toEqual([['line-tokens', '9.6'], ['line-images', '0']]);
  });

  it('skips metering events that are not usage', () =>
    expect(commandFromMeteringEvent(envelope('MeteringPeriodClosed', '2026-02-01T01:00:00.000Z', {
      'billing.metering.MeteringPeriodClosed': { contractId: 'c', periodId: '2026-01', periodStart: '2026-01-01T00:00:00.000Z', periodEnd: '2026-02-01T00:00:00.000Z', closedAt: '2026-02-01T01:00:00.000Z', aggregates: [] },
    }))).toBeNull());
});
