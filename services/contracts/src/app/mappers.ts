/**
 * Wire <-> domain for the contracts service: the only place that knows both shapes.
 * - crm.deals.v1 (CrmDealEvent) -> ContractCommand
 * - ContractEvent (domain) <-> contracts.events.v1 payload
 * Shape errors a CRM can make (a null where a line kind needs a value, a price in another currency, an unknown
 * enum symbol) become the domain's typed rejections, so they reach the DLQ like any other bad deal.
 */
import { Big } from '@billing/money';
import type * as wire from '@billing/schemas';
import { ContractCommand } from '../domain/commands';
import { reject } from '../domain/errors';
import { ContractEvent } from '../domain/events';
import {
  BillingAlignment,
  BillingCadence,
  BillingTiming,
  CommitScope,
  ContactRole,
  ContractTerms,
  Discount,
  FeePeriod,
  OveragePolicy,
  PriceLine,
  PriceTier,
  PricingModel,
  UsageAggregation,
} from '../domain/terms';

type Money = { amount: Big; currency: string };

function fromSymbol<W extends string, D>(table: Readonly<Record<string, D>>, symbol: W, field: string): D {
  const value = table[symbol];
  if (value === undefined) throw reject('MISSING_FIELD', `${field}: unknown value ${JSON.stringify(symbol)}`, { field });
  return value;
}
function toSymbol<D extends string, W extends string>(table: Readonly<Record<string, D>>, value: D): W {
  const entry = Object.entries(table).find(([, domain]) => domain === value);
  if (entry === undefined) throw new RangeError(`no wire symbol for ${value}`);
  return entry[0] as W;
}
function required<T>(value: T | null, field: string): T {
  if (value === null) throw reject('MISSING_FIELD', `${field} is required for this line type`, { field });
  return value;
}

const CADENCE: Record<string, BillingCadence> = { Monthly: 'monthly', Quarterly: 'quarterly', Annual: 'annual' };
const ALIGNMENT: Record<string, BillingAlignment> = { Calendar: 'calendar', Anniversary: 'anniversary' };
const TIMING: Record<string, BillingTiming> = { InAdvance: 'in_advance', InArrears: 'in_arrears' };
const PERIOD: Record<string, FeePeriod> = { Month: 'month', Quarter: 'quarter', Year: 'year' };
const AGGREGATION: Record<string, UsageAggregation> = { Sum: 'sum', Count: 'count', Max: 'max', UniqueCount: 'unique_count', Last: 'last' };
const COMMIT: Record<string, CommitScope> = { Monthly: 'monthly', PooledQuarterly: 'pooled_quarterly', PooledAnnual: 'pooled_annual' };
const OVERAGE: Record<string, OveragePolicy> = { Bill: 'bill', Block: 'block' };
const ROLE: Record<string, ContactRole> = { Billing: 'billing', Technical: 'technical', Legal: 'legal', Primary: 'primary' };
const CATEGORY: Record<string, 'platform' | 'subscription'> = { Platform: 'platform', Subscription: 'subscription' };

// ------------------------------------------------------------------------------------------------ CRM -> command

/** Maps a decoded crm.deals.v1 record to the command of its customer's aggregate. `now` is the deal event's time. */
export function commandFromCrmDealEvent(record: wire.CrmDealEvent): ContractCommand {
  const base = { now: record.occurredAt, dealEventId: record.eventId };
  const payload = record.payload;
  if ('billing.crm.CrmDealClosedWon' in payload) {
    const event = payload['billing.crm.CrmDealClosedWon'];
    return { type: 'DealClosedWon', ...base, dealId: event.dealId, crmSource: event.crmSource, terms: termsFromCrmDeal(event.deal) };
  }
  if ('billing.crm.CrmDealAmended' in payload) {
    const event = payload['billing.crm.CrmDealAmended'];
    return { type: 'DealAmended', ...base, dealId: event.dealId, crmSource: event.crmSource, effectiveDate: event.effectiveDate, terms: termsFromCrmDeal(event.deal) };
  }
  if ('billing.crm.CrmDealRenewed' in payload) {
    const event = payload['billing.crm.CrmDealRenewed'];
    return {
      type: 'DealRenewed',
      ...base,
      dealId: event.dealId,
      crmSource: event.crmSource,
      termMonths: event.termMonths,
      terms: event.deal === null ? null : termsFromCrmDeal(event.deal),
    };
  }
  const event = payload['billing.crm.CrmDealCancelled'];
  return { type: 'DealCancelled', ...base, dealId: event.dealId, crmSource: event.crmSource, effectiveDate: event.effectiveDate, reason: event.reason };
}

/**
 * The customer (aggregate key) a deal event belongs to: its envelope's customerId, which is also the record key and
 * so decides the partition. A deal whose account is another customer would land in the wrong aggregate: refused.
 */
export function routeCrmDealEvent(record: wire.CrmDealEvent): { aggregateKey: string; command: ContractCommand } {
  const command = commandFromCrmDealEvent(record);
  if ('terms' in command && command.terms !== null && command.terms.customer.customerId !== record.customerId) {
    throw reject('CUSTOMER_MISMATCH', `deal event for ${record.customerId} carries account ${command.terms.customer.customerId}`, {
      customerId: record.customerId,
    });
  }
  return { aggregateKey: record.customerId, command };
}

export function termsFromCrmDeal(deal: wire.CrmDeal): ContractTerms {
  const price = (money: Money, field: string): Big => {
    if (money.currency !== deal.currency) {
      throw reject('CURRENCY_MISMATCH', `${field} is in ${money.currency}, the deal in ${deal.currency}`, { field, currency: money.currency });
    }
    return money.amount;
  };
  const pricing = (crm: wire.CrmPricing, field: string): PricingModel => {
    const tiers = (): PriceTier[] =>
      crm.tiers.map((tier, index) => ({
        upToUnits: tier.upToUnits,
        unitPrice: price(tier.unitPrice, `${field}.tiers[${index}].unitPrice`),
        unitQuantity: tier.unitQuantity,
        flatFee: price(tier.flatFee, `${field}.tiers[${index}].flatFee`),
      }));
    switch (crm.model) {
      case 'Flat':
        return { model: 'flat', amount: price(required(crm.amount, `${field}.amount`), `${field}.amount`) };
      case 'PerUnit':
        return { model: 'per_unit', unitPrice: price(required(crm.unitPrice, `${field}.unitPrice`), `${field}.unitPrice`), unitQuantity: crm.unitQuantity ?? new Big('1') };
      case 'Graduated':
        return { model: 'graduated', tiers: tiers() };
      case 'Volume':
        return { model: 'volume', tiers: tiers() };
      case 'Package':
        return {
          model: 'package',
          packagePrice: price(required(crm.packagePrice, `${field}.packagePrice`), `${field}.packagePrice`),
          packageSize: required(crm.packageSize, `${field}.packageSize`),
        };
      case 'Percentage':
        return {
          model: 'percentage',
          percent: required(crm.percent, `${field}.percent`),
          fixedFeePerUnit: crm.fixedFeePerUnit === null ? new Big('0') : price(crm.fixedFeePerUnit, `${field}.fixedFeePerUnit`),
        };
      default:
        throw reject('MISSING_FIELD', `${field}: unknown pricing model ${crm.model}`);
    }
  };
  const discounts = (line: wire.CrmDealLineItem): Discount[] =>
    line.discounts.map((discount, index) => {
      const field = `${line.lineId}.discounts[${index}]`;
      switch (discount.kind) {
        case 'Percentage':
          return { kind: 'percentage', percent: required(discount.percent, `${field}.percent`) };
        case 'OverageAfterCommit':
          return { kind: 'overage_after_commit', percent: required(discount.percent, `${field}.percent`) };
        case 'Fixed':
          return { kind: 'fixed', amountPerPeriod: price(required(discount.amountPerPeriod, `${field}.amountPerPeriod`), field) };
        default:
          throw reject('MISSING_FIELD', `${field}: unknown discount kind ${discount.kind}`);
      }
    });
  const line = (item: wire.CrmDealLineItem): PriceLine => {
    const common = { lineId: item.lineId, productCode: item.productCode, description: item.description, discounts: discounts(item) };
    const field = (name: string) => `${item.lineId}.${name}`;
    switch (item.lineType) {
      case 'RecurringFee':
        return {
          kind: 'recurring_fee',
          ...common,
          category: fromSymbol(CATEGORY, required(item.feeCategory, field('feeCategory')).replace(/^./, (c) => c.toUpperCase()), field('feeCategory')),
          amountPerPeriod: price(required(item.amountPerPeriod, field('amountPerPeriod')), field('amountPerPeriod')),
          period: fromSymbol(PERIOD, required(item.period, field('period')), field('period')),
          billingTiming: fromSymbol(TIMING, item.billingTiming, field('billingTiming')),
          ramps: item.ramps.map((ramp) => ({
            startDate: ramp.startDate,
            endDate: ramp.endDate,
            amountPerPeriod: price(required(ramp.amountPerPeriod, field('ramps.amountPerPeriod')), field('ramps')),
          })),
        };
      case 'Seats':
        return {
          kind: 'seats',
          ...common,
          seats: required(item.seats, field('seats')),
          unitPricePerPeriod: price(required(item.unitPricePerPeriod, field('unitPricePerPeriod')), field('unitPricePerPeriod')),
          period: fromSymbol(PERIOD, required(item.period, field('period')), field('period')),
          billingTiming: fromSymbol(TIMING, item.billingTiming, field('billingTiming')),
          ramps: item.ramps.map((ramp) => ({
            startDate: ramp.startDate,
            endDate: ramp.endDate,
            unitPricePerPeriod: price(required(ramp.unitPricePerPeriod, field('ramps.unitPricePerPeriod')), field('ramps')),
            seats: required(ramp.seats, field('ramps.seats')),
          })),
        };
      case 'Usage':
        return {
          kind: 'usage',
          ...common,
          meterCode: required(item.meterCode, field('meterCode')),
          aggregation: fromSymbol(AGGREGATION, required(item.aggregation, field('aggregation')), field('aggregation')),
          pricingModel: pricing(required(item.pricing, field('pricing')), field('pricing')),
          includedUnitsPerMonth: item.includedUnitsPerMonth ?? new Big('0'),
          commit: {
            scope: fromSymbol(COMMIT, item.commitScope ?? 'Monthly', field('commitScope')),
            trueUp: item.trueUp,
            minimumSpendPerPeriod: item.minimumSpendPerPeriod === null ? null : price(item.minimumSpendPerPeriod, field('minimumSpendPerPeriod')),
          },
          overagePolicy: fromSymbol(OVERAGE, item.overagePolicy, field('overagePolicy')),
          thresholdPercents: item.thresholdPercents,
          ramps: item.ramps.map((ramp) => ({ startDate: ramp.startDate, endDate: ramp.endDate, pricingModel: pricing(required(ramp.pricing, field('ramps.pricing')), field('ramps.pricing')) })),
        };
      default:
        throw reject('MISSING_FIELD', `${item.lineId}: unknown line type ${item.lineType}`);
    }
  };
  const account = deal.account;
  return {
    customer: {
      customerId: account.accountId,
      legalName: account.name,
      billingAddress: { ...account.billingAddress },
      taxJurisdiction: account.taxJurisdiction,
      taxExempt: account.taxExempt,
      taxExemptionCertificate: account.taxExemptionCertificate,
      taxId: account.taxId,
      contacts: account.contacts.map((contact) => ({ name: contact.name, email: contact.email, phone: contact.phone, role: fromSymbol(ROLE, contact.role, 'contact.role') })),
    },
    sellerEntity: deal.sellerEntity,
    currency: deal.currency,
    startDate: deal.startDate,
    termMonths: deal.termMonths,
    billingCadence: fromSymbol(CADENCE, deal.billingCadence, 'billingCadence'),
    billingAlignment: fromSymbol(ALIGNMENT, deal.billingAlignment, 'billingAlignment'),
    paymentTermsDays: deal.paymentTermsDays,
    purchaseOrderNumber: deal.purchaseOrderNumber,
    priceLines: deal.lineItems.map(line),
    prepaidCredits: deal.prepaidCredits.map((credit) => ({
      creditId: credit.creditId,
      meterCode: credit.meterCode,
      units: credit.units,
      pricePaid: price(credit.pricePaid, `${credit.creditId}.pricePaid`),
      validFrom: credit.validFrom,
      expiresOn: credit.expiresOn,
      priority: credit.priority,
      lowBalanceUnits: credit.lowBalanceUnits,
    })),
    featureFlags: deal.featureFlags.map((flag) => ({ featureCode: flag.featureCode, enabled: flag.enabled })),
  };
}

// ------------------------------------------------------------------------------ contract events <-> wire payload

export function contractTermsToWire(terms: ContractTerms): wire.ContractTerms {
  const money = (amount: Big): Money => ({ amount, currency: terms.currency });
  const pricing = (model: PricingModel): wire.ContractUsageRamp['pricing'] => {
    const tiers = (list: readonly PriceTier[]) =>
      list.map((tier) => ({ upToUnits: tier.upToUnits, unitPrice: money(tier.unitPrice), unitQuantity: tier.unitQuantity, flatFee: money(tier.flatFee) }));
    switch (model.model) {
      case 'flat':
        return { 'billing.contracts.ContractFlatPricing': { amount: money(model.amount) } };
      case 'per_unit':
        return { 'billing.contracts.ContractPerUnitPricing': { unitPrice: money(model.unitPrice), unitQuantity: model.unitQuantity } };
      case 'graduated':
        return { 'billing.contracts.ContractGraduatedPricing': { tiers: tiers(model.tiers) } };
      case 'volume':
        return { 'billing.contracts.ContractVolumePricing': { tiers: tiers(model.tiers) } };
      case 'package':
        return { 'billing.contracts.ContractPackagePricing': { packagePrice: money(model.packagePrice), packageSize: model.packageSize } };
      case 'percentage':
        return { 'billing.contracts.ContractPercentagePricing': { percent: model.percent, fixedFeePerUnit: money(model.fixedFeePerUnit) } };
    }
  };
  const discounts = (list: readonly Discount[]): wire.ContractFeeLine['discounts'] =>
    list.map((discount) => {
      switch (discount.kind) {
        case 'percentage':
          return { 'billing.contracts.ContractPercentageDiscount': { percent: discount.percent } };
        case 'overage_after_commit':
          return { 'billing.contracts.ContractOverageDiscount': { percent: discount.percent } };
        case 'fixed':
          return { 'billing.contracts.ContractFixedDiscount': { amountPerPeriod: money(discount.amountPerPeriod) } };
      }
    });
  const line = (priceLine: PriceLine): wire.ContractTerms['priceLines'][number] => {
    const common = { lineId: priceLine.lineId, productCode: priceLine.productCode, description: priceLine.description, discounts: discounts(priceLine.discounts) };
    switch (priceLine.kind) {
      case 'recurring_fee':
        return {
          'billing.contracts.ContractFeeLine': {
            ...common,
            category: toSymbol(CATEGORY, priceLine.category),
            amountPerPeriod: money(priceLine.amountPerPeriod),
            period: toSymbol(PERIOD, priceLine.period),
            billingTiming: toSymbol(TIMING, priceLine.billingTiming),
            ramps: priceLine.ramps.map((ramp) => ({ startDate: ramp.startDate, endDate: ramp.endDate, amountPerPeriod: money(ramp.amountPerPeriod) })),
          },
        };
      case 'seats':
        return {
          'billing.contracts.ContractSeatLine': {
            ...common,
            seats: priceLine.seats,
            unitPricePerPeriod: money(priceLine.unitPricePerPeriod),
            period: toSymbol(PERIOD, priceLine.period),
            billingTiming: toSymbol(TIMING, priceLine.billingTiming),
            ramps: priceLine.ramps.map((ramp) => ({ startDate: ramp.startDate, endDate: ramp.endDate, unitPricePerPeriod: money(ramp.unitPricePerPeriod), seats: ramp.seats })),
          },
        };
      case 'usage':
        return {
          'billing.contracts.ContractUsageLine': {
            ...common,
            meterCode: priceLine.meterCode,
            aggregation: toSymbol(AGGREGATION, priceLine.aggregation),
            pricing: pricing(priceLine.pricingModel),
            includedUnitsPerMonth: priceLine.includedUnitsPerMonth,
            commit: {
              scope: toSymbol(COMMIT, priceLine.commit.scope),
              trueUp: priceLine.commit.trueUp,
              minimumSpendPerPeriod: priceLine.commit.minimumSpendPerPeriod === null ? null : money(priceLine.commit.minimumSpendPerPeriod),
            },
            overagePolicy: toSymbol(OVERAGE, priceLine.overagePolicy),
            thresholdPercents: [...priceLine.thresholdPercents],
            ramps: priceLine.ramps.map((ramp) => ({ startDate: ramp.startDate, endDate: ramp.endDate, pricing: pricing(ramp.pricingModel) })),
          },
        };
    }
  };
  return {
    customer: {
      ...terms.customer,
      billingAddress: { ...terms.customer.billingAddress },
      contacts: terms.customer.contacts.map((contact) => ({ ...contact, role: toSymbol(ROLE, contact.role) })),
    },
    sellerEntity: terms.sellerEntity,
    currency: terms.currency,
    startDate: terms.startDate,
    termMonths: terms.termMonths,
    billingCadence: toSymbol(CADENCE, terms.billingCadence),
    billingAlignment: toSymbol(ALIGNMENT, terms.billingAlignment),
    paymentTermsDays: terms.paymentTermsDays,
    purchaseOrderNumber: terms.purchaseOrderNumber,
    priceLines: terms.priceLines.map(line),
    prepaidCredits: terms.prepaidCredits.map((credit) => ({ ...credit, pricePaid: money(credit.pricePaid) })),
    featureFlags: terms.featureFlags.map((flag) => ({ ...flag })),
  };
}

/** contracts.events.v1 terms -> domain terms (money currencies are the contract's, checked). */
export function contractTermsFromWire(terms: wire.ContractTerms): ContractTerms {
  const amount = (money: Money): Big => {
    if (money.currency !== terms.currency) throw reject('CURRENCY_MISMATCH', `${money.currency} in a ${terms.currency} contract`);
    return money.amount;
  };
  const pricing = (union: wire.ContractUsageRamp['pricing']): PricingModel => {
    const tiers = (list: wire.ContractPriceTier[]): PriceTier[] =>
      list.map((tier) => ({ upToUnits: tier.upToUnits, unitPrice: amount(tier.unitPrice), unitQuantity: tier.unitQuantity, flatFee: amount(tier.flatFee) }));
    if ('billing.contracts.ContractFlatPricing' in union) return { model: 'flat', amount: amount(union['billing.contracts.ContractFlatPricing'].amount) };
    if ('billing.contracts.ContractPerUnitPricing' in union) {
      const value = union['billing.contracts.ContractPerUnitPricing'];
      return { model: 'per_unit', unitPrice: amount(value.unitPrice), unitQuantity: value.unitQuantity };
    }
    if ('billing.contracts.ContractGraduatedPricing' in union) return { model: 'graduated', tiers: tiers(union['billing.contracts.ContractGraduatedPricing'].tiers) };
    if ('billing.contracts.ContractVolumePricing' in union) return { model: 'volume', tiers: tiers(union['billing.contracts.ContractVolumePricing'].tiers) };
    if ('billing.contracts.ContractPackagePricing' in union) {
      const value = union['billing.contracts.ContractPackagePricing'];
      return { model: 'package', packagePrice: amount(value.packagePrice), packageSize: value.packageSize };
    }
    const value = union['billing.contracts.ContractPercentagePricing'];
    return { model: 'percentage', percent: value.percent, fixedFeePerUnit: amount(value.fixedFeePerUnit) };
  };
  const discounts = (list: wire.ContractFeeLine['discounts']): Discount[] =>
    list.map((union): Discount => {
      if ('billing.contracts.ContractPercentageDiscount' in union) return { kind: 'percentage', percent: union['billing.contracts.ContractPercentageDiscount'].percent };
      if ('billing.contracts.ContractOverageDiscount' in union) return { kind: 'overage_after_commit', percent: union['billing.contracts.ContractOverageDiscount'].percent };
      return { kind: 'fixed', amountPerPeriod: amount(union['billing.contracts.ContractFixedDiscount'].amountPerPeriod) };
    });
  const line = (union: wire.ContractTerms['priceLines'][number]): PriceLine => {
    if ('billing.contracts.ContractFeeLine' in union) {
      const value = union['billing.contracts.ContractFeeLine'];
      return {
        kind: 'recurring_fee', lineId: value.lineId, productCode: value.productCode, description: value.description, discounts: discounts(value.discounts),
        category: fromSymbol(CATEGORY, value.category, 'category'), amountPerPeriod: amount(value.amountPerPeriod),
        period: fromSymbol(PERIOD, value.period, 'period'), billingTiming: fromSymbol(TIMING, value.billingTiming, 'billingTiming'),
        ramps: value.ramps.map((ramp) => ({ startDate: ramp.startDate, endDate: ramp.endDate, amountPerPeriod: amount(ramp.amountPerPeriod) })),
      };
    }
    if ('billing.contracts.ContractSeatLine' in union) {
      const value = union['billing.contracts.ContractSeatLine'];
      return {
        kind: 'seats', lineId: value.lineId, productCode: value.productCode, description: value.description, discounts: discounts(value.discounts),
        seats: value.seats, unitPricePerPeriod: amount(value.unitPricePerPeriod), period: fromSymbol(PERIOD, value.period, 'period'),
        billingTiming: fromSymbol(TIMING, value.billingTiming, 'billingTiming'),
        ramps: value.ramps.map((ramp) => ({ startDate: ramp.startDate, endDate: ramp.endDate, unitPricePerPeriod: amount(ramp.unitPricePerPeriod), seats: ramp.seats })),
      };
    }
    const value = union['billing.contracts.ContractUsageLine'];
    return {
      kind: 'usage', lineId: value.lineId, productCode: value.productCode, description: value.description, discounts: discounts(value.discounts),
      meterCode: value.meterCode, aggregation: fromSymbol(AGGREGATION, value.aggregation, 'aggregation'), pricingModel: pricing(value.pricing),
      includedUnitsPerMonth: value.includedUnitsPerMonth,
      commit: {
        scope: fromSymbol(COMMIT, value.commit.scope, 'commit.scope'),
        trueUp: value.commit.trueUp,
        minimumSpendPerPeriod: value.commit.minimumSpendPerPeriod === null ? null : amount(value.commit.minimumSpendPerPeriod),
      },
      overagePolicy: fromSymbol(OVERAGE, value.overagePolicy, 'overagePolicy'),
      thresholdPercents: value.thresholdPercents,
      ramps: value.ramps.map((ramp) => ({ startDate: ramp.startDate, endDate: ramp.endDate, pricingModel: pricing(ramp.pricing) })),
    };
  };
  return {
    customer: {
      ...terms.customer,
      billingAddress: { ...terms.customer.billingAddress },
      contacts: terms.customer.contacts.map((contact) => ({ ...contact, role: fromSymbol(ROLE, contact.role, 'contact.role') })),
    },
    sellerEntity: terms.sellerEntity,
    currency: terms.currency,
    startDate: terms.startDate,
    termMonths: terms.termMonths,
    billingCadence: fromSymbol(CADENCE, terms.billingCadence, 'billingCadence'),
    billingAlignment: fromSymbol(ALIGNMENT, terms.billingAlignment, 'billingAlignment'),
    paymentTermsDays: terms.paymentTermsDays,
    purchaseOrderNumber: terms.purchaseOrderNumber,
    priceLines: terms.priceLines.map(line),
    prepaidCredits: terms.prepaidCredits.map((credit) => ({ ...credit, pricePaid: amount(credit.pricePaid) })),
    featureFlags: terms.featureFlags.map((flag) => ({ ...flag })),
  };
}

/** The envelope fields a domain event maps to (the runtime adds eventId, recordedAt, ids and schemaVersion). */
export interface ContractEventEnvelope {
  readonly customerId: string;
  readonly occurredAt: string;
}

export function contractEventToWire(event: ContractEvent): { envelope: ContractEventEnvelope; eventType: wire.ContractEventType; payload: wire.ContractEventPayload } {
  const envelope = { customerId: event.customerId, occurredAt: event.occurredAt };
  const base = { contractId: event.contractId, dealId: event.dealId, crmSource: event.crmSource, dealEventId: event.dealEventId };
  switch (event.type) {
    case 'ContractCreated':
    case 'ContractAmended': {
      const value = { ...base, version: event.version, effectiveDate: event.effectiveDate, endDate: event.endDate, terms: contractTermsToWire(event.terms) };
      return event.type === 'ContractCreated'
        ? { envelope, eventType: 'ContractCreated', payload: { 'billing.contracts.ContractCreated': value } }
        : { envelope, eventType: 'ContractAmended', payload: { 'billing.contracts.ContractAmended': value } };
    }
    case 'ContractRenewed':
      return {
        envelope,
        eventType: 'ContractRenewed',
        payload: {
          'billing.contracts.ContractRenewed': {
            ...base, version: event.version, effectiveDate: event.effectiveDate, previousEndDate: event.previousEndDate, endDate: event.endDate,
            terms: contractTermsToWire(event.terms),
          },
        },
      };
    case 'ContractTerminated':
      return {
        envelope,
        eventType: 'ContractTerminated',
        payload: { 'billing.contracts.ContractTerminated': { ...base, effectiveDate: event.effectiveDate, reason: event.reason } },
      };
  }
}

export function contractEventFromWire(record: Pick<wire.ContractEvent, 'customerId' | 'occurredAt' | 'payload'>): ContractEvent {
  const common = { customerId: record.customerId, occurredAt: record.occurredAt };
  const payload = record.payload;
  if ('billing.contracts.ContractCreated' in payload) {
    const value = payload['billing.contracts.ContractCreated'];
    return { type: 'ContractCreated', ...common, ...value, terms: contractTermsFromWire(value.terms) };
  }
  if ('billing.contracts.ContractAmended' in payload) {
    const value = payload['billing.contracts.ContractAmended'];
    return { type: 'ContractAmended', ...common, ...value, terms: contractTermsFromWire(value.terms) };
  }
  if ('billing.contracts.ContractRenewed' in payload) {
    const value = payload['billing.contracts.ContractRenewed'];
    return { type: 'ContractRenewed', ...common, ...value, terms: contractTermsFromWire(value.terms) };
  }
  return { type: 'ContractTerminated', ...common, ...payload['billing.contracts.ContractTerminated'] };
}
