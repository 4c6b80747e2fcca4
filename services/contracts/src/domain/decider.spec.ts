import { specFor } from '@billing/testing';
import { Big } from '@billing/money';
import { fold } from '@billing/eventsourcing';
import { ContractCreated, ContractAmended, ContractEvent } from './events';
import { contractsDecider } from './decider';
import { CONTRACT_REJECTIONS, ContractRejection } from './errors';
import { ContractTerms, PriceLine, UsageLine } from './terms';
import {
  ACME_CONTRACT_ID,
  ACME_CUSTOMER_ID,
  acmeCancellation,
  acmeClosedWon,
  acmeFebruaryAmendment,
  acmeFebruaryRampTerms,
  acmeRenewal,
  acmeTerms,
  acmeTokensLine,
} from './scenario-a.fixture';

const given = specFor(contractsDecider);

const created: ContractCreated = {
  type: 'ContractCreated',
  contractId: ACME_CONTRACT_ID,
  dealId: '006ACME0001',
  crmSource: 'salesforce',
  dealEventId: 'crm-evt-1',
  customerId: ACME_CUSTOMER_ID,
  occurredAt: '2026-01-01T00:00:00.000Z',
  version: 1,
  effectiveDate: '2026-01-01',
  endDate: '2027-01-01',
  terms: acmeTerms,
};

const amended: ContractAmended = {
  type: 'ContractAmended',
  contractId: ACME_CONTRACT_ID,
  dealId: '006ACME0001',
  crmSource: 'salesforce',
  dealEventId: 'crm-evt-2',
  customerId: ACME_CUSTOMER_ID,
  occurredAt: '2026-01-20T09:30:00.000Z',
  version: 2,
  effectiveDate: '2026-02-01',
  endDate: '2027-01-01',
  terms: acmeFebruaryRampTerms,
};

const withLine = (terms: ContractTerms, change: (line: PriceLine) => PriceLine): ContractTerms => ({
  ...terms,
  priceLines: terms.priceLines.map(change),
});
const withTokens = (change: Partial<UsageLine>): ContractTerms =>
  withLine(acmeTerms, (line) => (line.kind === 'usage' ? { ...line, ...change } : line));
const closedWon = (terms: ContractTerms) => ({ ...acmeClosedWon, terms });

describe('contracts decider: events', () => {
  it('turns a closed-won deal into ContractCreated, version 1, ending 12 months later (exclusive)', () =>
    given([]).when(acmeClosedWon).then([created]));

  it('records an amendment as a new terms version with its effective date', () =>
    given([created]).when(acmeFebruaryAmendment).then([amended]));

  it('renews for 12 more months from the current end, carrying the last day\'s prices over without ramps', () => {
    const { events } = given([created, amended]).when(acmeRenewal).result();
    expect(events).toHaveLength(1);
    const renewed = events[0];
    if (renewed.type !== 'ContractRenewed') throw new Error(`expected ContractRenewed, got ${renewed.type}`);
    expect(renewed).toMatchObject({ version: 3, effectiveDate: '2027-01-01', previousEndDate: '2027-01-01', endDate: '2028-01-01' });
    expect(renewed.terms.startDate).toBe('2027-01-01');
    const tokens = renewed.terms.priceLines.find((line) => line.kind === 'usage');
    // the February ramp price (0.0035 per 1,000) was in force on 2026-12-31, so it becomes the base price
    expect(tokens).toMatchObject({ ramps: [], pricingModel: { model: 'per_unit', unitPrice: new Big('0.0035') } });
  });

  it('renews with the CRM\'s own renewal terms when the deal event carries them', () => {
    const renewalTerms = { ...acmeTerms, startDate: '2027-01-01', termMonths: 24, purchaseOrderNumber: 'PO-ACME-9000' };
    const { events } = given([created]).when({ ...acmeRenewal, termMonths: 24, terms: renewalTerms }).result();
    expect(events).toEqual([
      expect.objectContaining({ type: 'ContractRenewed', version: 2, effectiveDate: '2027-01-01', endDate: '2029-01-01', terms: renewalTerms }),
    ]);
  });

  it('terminates a contract on cancellation from its effective date', () =>
    given([created]).when(acmeCancellation).then([
      {
        type: 'ContractTerminated',
        contractId: ACME_CONTRACT_ID,
        dealId: '006ACME0001',
        crmSource: 'salesforce',
        dealEventId: 'crm-evt-4',
        customerId: ACME_CUSTOMER_ID,
        occurredAt: '2026-06-10T08:00:00.000Z',
        effectiveDate: '2026-07-01',
        reason: 'customer insolvency',
      },
    ]));

  it('accepts every pricing model and discount kind a demanding deal carries', () => {
    const tiers = [
      { upToUnits: new Big('1000'), unitPrice: new Big('0.01'), unitQuantity: new Big('1'), flatFee: new Big('0') },
      { upToUnits: null, unitPrice: new Big('0.008'), unitQuantity: new Big('1'), flatFee: new Big('5') },
    ];
    const usage = (lineId: string, meterCode: string, pricingModel: UsageLine['pricingModel']): UsageLine => ({
      ...acmeTokensLine,
      lineId,
      meterCode,
      pricingModel,
      discounts: [{ kind: 'percentage', percent: new Big('10') }, { kind: 'fixed', amountPerPeriod: new Big('100') }],
    });
    const terms: ContractTerms = {
      ...acmeTerms,
      priceLines: [
        ...acmeTerms.priceLines,
        { kind: 'seats', lineId: 'seats', productCode: 'seat', description: 'Analyst seats', seats: 25,
          unitPricePerPeriod: new Big('40'), period: 'month', billingTiming: 'in_advance', discounts: [],
          ramps: [{ startDate: '2026-07-01', endDate: '2027-01-01', unitPricePerPeriod: new Big('45'), seats: 40 }] },
        usage('flat', 'support-tickets', { model: 'flat', amount: new Big('250') }),
        usage('graduated', 'api-calls', { model: 'graduated', tiers }),
        usage('volume', 'compute-minutes', { model: 'volume', tiers }),
        usage('package', 'sms', { model: 'package', packagePrice: new Big('20'), packageSize: new Big('1000') }),
        usage('percentage', 'payment-volume', { model: 'percentage', percent: new Big('2.9'), fixedFeePerUnit: new Big('0.30') }),
      ],
      prepaidCredits: [{ creditId: 'credit-1', meterCode: 'api-calls', units: new Big('500000'), pricePaid: new Big('400'),
        validFrom: '2026-01-01', expiresOn: '2026-07-01', priority: 1, lowBalanceUnits: new Big('50000') }],
    };
    const { events, state } = given([]).when(closedWon(terms)).result();
    expect(events[0]).toMatchObject({ type: 'ContractCreated', terms });
    expect(state.contracts[ACME_CONTRACT_ID].versions).toHaveLength(1);
  });
});

describe('contracts decider: typed rejections', () => {
  const rejections: Array<[ContractRejection, () => { thenRejects(code: string): void }]> = [
    ['DUPLICATE_DEAL_EVENT', () => given([created]).when({ ...acmeClosedWon, dealId: 'another-deal' })],
    ['UNKNOWN_CURRENCY', () => given([]).when(closedWon({ ...acmeTerms, currency: 'XYZ' }))],
    ['NEGATIVE_PRICE', () => given([]).when(closedWon(withLine(acmeTerms, (line) => (line.kind === 'recurring_fee' ? { ...line, amountPerPeriod: new Big('-1') } : line))))],
    ['OVERLAPPING_RAMPS', () => given([]).when(closedWon(withTokens({ ramps: [
      { startDate: '2026-01-01', endDate: '2026-04-01', pricingModel: acmeTokensLine.pricingModel },
      { startDate: '2026-03-01', endDate: '2026-06-01', pricingModel: acmeTokensLine.pricingModel },
    ] })))],
    ['START_AFTER_END', () => given([]).when(closedWon({ ...acmeTerms, termMonths: 0 }))],
    ['UNKNOWN_DEAL', () => given([]).when(acmeFebruaryAmendment)],
    ['AMENDMENT_BEFORE_START', () => given([created]).when({ ...acmeFebruaryAmendment, effectiveDate: '2025-12-15' })],
    ['AMENDMENT_AFTER_END', () => given([created]).when({ ...acmeFebruaryAmendment, effectiveDate: '2027-01-01' })],
    ['CURRENCY_MISMATCH', () => given([created]).when({ ...acmeFebruaryAmendment, terms: { ...acmeFebruaryRampTerms, currency: 'EUR' } })],
    ['CUSTOMER_MISMATCH', () => given([created]).when({ ...acmeFebruaryAmendment, terms: { ...acmeFebruaryRampTerms, customer: { ...acmeTerms.customer, customerId: 'cust-other' } } })],
    ['CONTRACT_ALREADY_EXISTS', () => given([created]).when({ ...acmeClosedWon, dealEventId: 'crm-evt-resent' })],
    ['CONTRACT_TERMINATED', () => given([created, terminatedEvent()]).when(acmeFebruaryAmendment)],
    ['CANCELLATION_BEFORE_START', () => given([created]).when({ ...acmeCancellation, effectiveDate: '2025-12-31' })],
    ['RENEWAL_OVERLAPS_TERM', () => given([created]).when({ ...acmeRenewal, terms: { ...acmeTerms, startDate: '2026-12-01' } })],
    ['RAMP_OUTSIDE_TERM', () => given([]).when(closedWon(withTokens({ ramps: [{ startDate: '2026-06-01', endDate: '2027-06-01', pricingModel: acmeTokensLine.pricingModel }] })))],
    ['INVALID_DATE', () => given([]).when(closedWon({ ...acmeTerms, startDate: '2026-02-30' }))],
    ['INVALID_TERM', () => given([]).when(closedWon({ ...acmeTerms, termMonths: 1.5 }))],
    ['INVALID_PAYMENT_TERMS', () => given([]).when(closedWon({ ...acmeTerms, paymentTermsDays: -30 }))],
    ['INVALID_QUANTITY', () => given([]).when(closedWon(withTokens({ includedUnitsPerMonth: new Big('-1') })))],
    ['INVALID_TIERS', () => given([]).when(closedWon(withTokens({ pricingModel: { model: 'graduated', tiers: [
      { upToUnits: new Big('1000'), unitPrice: new Big('1'), unitQuantity: new Big('1'), flatFee: new Big('0') },
      { upToUnits: new Big('500'), unitPrice: new Big('1'), unitQuantity: new Big('1'), flatFee: new Big('0') },
      { upToUnits: null, unitPrice: new Big('1'), unitQuantity: new Big('1'), flatFee: new Big('0') },
    ] } })))],
    ['INVALID_DISCOUNT', () => given([]).when(closedWon(withTokens({ discounts: [{ kind: 'overage_after_commit', percent: new Big('120') }] })))],
    ['INVALID_PRICING', () => given([]).when(closedWon(withTokens({ pricingModel: { model: 'package', packagePrice: new Big('5'), packageSize: new Big('0') } })))],
    ['INVALID_THRESHOLD', () => given([]).when(closedWon(withTokens({ thresholdPercents: [50, 150] })))],
    ['DUPLICATE_LINE', () => given([]).when(closedWon({ ...acmeTerms, priceLines: [...acmeTerms.priceLines, { ...acmeTokensLine, meterCode: 'other' }] }))],
    ['DUPLICATE_METER', () => given([]).when(closedWon({ ...acmeTerms, priceLines: [...acmeTerms.priceLines, { ...acmeTokensLine, lineId: 'line-tokens-2' }] }))],
    ['NO_PRICE_LINES', () => given([]).when(closedWon({ ...acmeTerms, priceLines: [] }))],
    ['MISSING_FIELD', () => given([]).when(closedWon({ ...acmeTerms, sellerEntity: ' ' }))],
    ['LIMIT_EXCEEDED', () => given([]).when(closedWon({ ...acmeTerms, termMonths: 12, priceLines: Array.from({ length: 201 }, (_, index) => ({ ...acmeTokensLine, lineId: `l${index}`, meterCode: `m${index}` })) }))],
  ];

  it.each(rejections)('rejects with %s', (reasonCode, scenario) => scenario().thenRejects(reasonCode));

  it('covers every declared rejection reason', () => {
    expect(rejections.map(([code]) => code).sort()).toEqual([...CONTRACT_REJECTIONS].sort());
  });

  it('counts the same deal event id once: the redelivery is rejected and changes nothing', () => {
    const once = given([]).when(acmeClosedWon).result();
    given(once.events as ContractEvent[]).when(acmeClosedWon).thenRejects('DUPLICATE_DEAL_EVENT');
    expect(Object.keys(once.state.dealEventIds)).toEqual(['crm-evt-1']);
    expect(fold(contractsDecider, once.events)).toEqual(once.state);
  });
});

function terminatedEvent(): ContractEvent {
  return {
    type: 'ContractTerminated',
    contractId: ACME_CONTRACT_ID,
    dealId: '006ACME0001',
    crmSource: 'salesforce',
    dealEventId: 'crm-evt-4',
    customerId: ACME_CUSTOMER_ID,
    occurredAt: '2026-06-10T08:00:00.000Z',
    effectiveDate: '2026-07-01',
    reason: 'customer insolvency',
  };
}
