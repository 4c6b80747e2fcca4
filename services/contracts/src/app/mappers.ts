/**
 * Wire <-> domain for the contracts service: the only place that knows both shapes.
 * - crm.deals.v1 (CrmDealEvent) -> ContractCommand
 * - ContractEvent (domain) <-> contracts.events.v1 payload
 * Shape errors a CRM can make (a null where a line kind needs a value, a price in another currency, an unknown
 * enum symbol) become the domain's typed rejections, so they reach the DLQ like any other bad deal.
 */
import { CONTRACT_SYMBOLS, contractEventFromWire as contractChangeFromWire, symbolOf, type ContractEventRecord, type ContractSymbolTable } from '@billing/contract-terms';
import { invariant } from '@billing/eventsourcing';
import { Big } from '@billing/money';
import type * as wire from '@billing/schemas';
import { ContractCommand } from '../domain/commands';
import { reject } from '../domain/errors';
import { ContractEvent } from '../domain/events';
import { ContractTerms, Discount, PriceLine, PriceTier, PricingModel } from '../domain/terms';

type Money = { amount: Big; currency: string };

/**
 * A CRM enum symbol as the contract vocabulary's word. The CRM's enums spell their symbols as contracts.events.v1
 * does, so the published language's tables read both; a symbol without a word is a bad deal (DLQ), not a crash.
 */
function fromSymbol<T extends ContractSymbolTable>(table: T, symbol: string, field: string): (typeof CONTRACT_SYMBOLS)[T][string] {
  const value = (CONTRACT_SYMBOLS[table] as Readonly<Record<string, (typeof CONTRACT_SYMBOLS)[T][string]>>)[symbol];
  if (value === undefined) throw reject('MISSING_FIELD', `${field}: unknown value ${JSON.stringify(symbol)}`, { field });
  return value;
}
function required<T>(value: T | null, field: string): T {
  if (value === null) throw reject('MISSING_FIELD', `${field} is required for this line type`, { field });
  return value;
}

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
          category: fromSymbol('feeCategory', required(item.feeCategory, field('feeCategory')).replace(/^./, (c) => c.toUpperCase()), field('feeCategory')),
          amountPerPeriod: price(required(item.amountPerPeriod, field('amountPerPeriod')), field('amountPerPeriod')),
          period: fromSymbol('feePeriod', required(item.period, field('period')), field('period')),
          billingTiming: fromSymbol('billingTiming', item.billingTiming, field('billingTiming')),
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
          period: fromSymbol('feePeriod', required(item.period, field('period')), field('period')),
          billingTiming: fromSymbol('billingTiming', item.billingTiming, field('billingTiming')),
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
          aggregation: fromSymbol('aggregation', required(item.aggregation, field('aggregation')), field('aggregation')),
          pricingModel: pricing(required(item.pricing, field('pricing')), field('pricing')),
          includedUnitsPerMonth: item.includedUnitsPerMonth ?? new Big('0'),
          commit: {
            scope: fromSymbol('commitScope', item.commitScope ?? 'Monthly', field('commitScope')),
            trueUp: item.trueUp,
            minimumSpendPerPeriod: item.minimumSpendPerPeriod === null ? null : price(item.minimumSpendPerPeriod, field('minimumSpendPerPeriod')),
          },
          overagePolicy: fromSymbol('overagePolicy', item.overagePolicy, field('overagePolicy')),
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
      contacts: account.contacts.map((contact) => ({ name: contact.name, email: contact.email, phone: contact.phone, role: fromSymbol('contactRole', contact.role, 'contact.role') })),
    },
    sellerEntity: deal.sellerEntity,
    currency: deal.currency,
    startDate: deal.startDate,
    termMonths: deal.termMonths,
    billingCadence: fromSymbol('billingCadence', deal.billingCadence, 'billingCadence'),
    billingAlignment: fromSymbol('billingAlignment', deal.billingAlignment, 'billingAlignment'),
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
            category: symbolOf('feeCategory', priceLine.category),
            amountPerPeriod: money(priceLine.amountPerPeriod),
            period: symbolOf('feePeriod', priceLine.period),
            billingTiming: symbolOf('billingTiming', priceLine.billingTiming),
            ramps: priceLine.ramps.map((ramp) => ({ startDate: ramp.startDate, endDate: ramp.endDate, amountPerPeriod: money(ramp.amountPerPeriod) })),
          },
        };
      case 'seats':
        return {
          'billing.contracts.ContractSeatLine': {
            ...common,
            seats: priceLine.seats,
            unitPricePerPeriod: money(priceLine.unitPricePerPeriod),
            period: symbolOf('feePeriod', priceLine.period),
            billingTiming: symbolOf('billingTiming', priceLine.billingTiming),
            ramps: priceLine.ramps.map((ramp) => ({ startDate: ramp.startDate, endDate: ramp.endDate, unitPricePerPeriod: money(ramp.unitPricePerPeriod), seats: ramp.seats })),
          },
        };
      case 'usage':
        return {
          'billing.contracts.ContractUsageLine': {
            ...common,
            meterCode: priceLine.meterCode,
            aggregation: symbolOf('aggregation', priceLine.aggregation),
            pricing: pricing(priceLine.pricingModel),
            includedUnitsPerMonth: priceLine.includedUnitsPerMonth,
            commit: {
              scope: symbolOf('commitScope', priceLine.commit.scope),
              trueUp: priceLine.commit.trueUp,
              minimumSpendPerPeriod: priceLine.commit.minimumSpendPerPeriod === null ? null : money(priceLine.commit.minimumSpendPerPeriod),
            },
            overagePolicy: symbolOf('overagePolicy', priceLine.overagePolicy),
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
      contacts: terms.customer.contacts.map((contact) => ({ ...contact, role: symbolOf('contactRole', contact.role) })),
    },
    sellerEntity: terms.sellerEntity,
    currency: terms.currency,
    startDate: terms.startDate,
    termMonths: terms.termMonths,
    billingCadence: symbolOf('billingCadence', terms.billingCadence),
    billingAlignment: symbolOf('billingAlignment', terms.billingAlignment),
    paymentTermsDays: terms.paymentTermsDays,
    purchaseOrderNumber: terms.purchaseOrderNumber,
    priceLines: terms.priceLines.map(line),
    prepaidCredits: terms.prepaidCredits.map((credit) => ({ ...credit, pricePaid: money(credit.pricePaid) })),
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

/** A contracts.events.v1 record (this service's own log, on rebuild) as the domain event, read by the published language. */
export function contractEventFromWire(record: ContractEventRecord): ContractEvent {
  const { kind: _kind, ...change } = contractChangeFromWire(record);
  if (change.type === 'ContractTerminated') return change;
  const { previousEndDate, ...version } = change;
  if (change.type === 'ContractRenewed') {
    invariant(previousEndDate !== null, `renewal of ${change.contractId} without its previous end date`);
    return { ...version, type: 'ContractRenewed', previousEndDate };
  }
  return { ...version, type: change.type };
}
