/**
 * Wire <-> domain for the rating service: the only place that knows both shapes.
 * - contracts.events.v1 (ContractEvent) -> ContractTermsReceived (usage price lines, prepaid credits)
 * - metering.usage.v1 (MeteringEvent) -> UsageAccepted | LateUsageAccepted (other metering events are not inputs)
 * - RatingEvent (domain) <-> rating.events.v1 payload; amounts travel as billing.platform.Money in the event's currency
 */
import { fromSymbol, toSymbol, dayStart } from '@billing/avro';
import * as contract from '@billing/contract-terms';
import { Big } from '@billing/money';
import type * as wire from '@billing/schemas';
import type {
  Aggregation,
  CommitScope,
  ContractTerminationReceived,
  ContractTermsReceived,
  LateUsageAccepted,
  PrepaidCredit,
  PriceRamp,
  UsageAccepted,
  UsagePriceLine,
} from '../domain/commands';
import type { PriceLineRating, PriceLineTrueUp, RatedUsageFields, RatingEvent } from '../domain/events';
import type { BillingPeriodAlignment } from '@billing/calendar';
import type { PriceTier, PricingModel } from '../domain/pricing';

const ZERO = new Big('0');
const ONE = new Big('1');
const HUNDRED = new Big('100');

const AGGREGATION: Record<string, Aggregation> = { Sum: 'sum', Count: 'count', Max: 'max', UniqueCount: 'unique_count', Latest: 'latest' };
const ALIGNMENT: Record<string, BillingPeriodAlignment> = { CalendarMonth: 'calendar_month', ContractAnniversary: 'contract_anniversary' };
const COMMIT: Record<string, CommitScope> = { Monthly: 'monthly', PooledQuarterly: 'pooled_quarterly', PooledAnnual: 'pooled_annual' };
const ROUNDING: Record<string, 'up' | 'down'> = { Up: 'up', Down: 'down' };

/** A percent (20 = 20%) as a rate (0.2): dividing by 100 only moves the decimal point, so it is exact. */
function rateOfPercent(percent: Big): Big {
  return percent.div(HUNDRED);
}

// ------------------------------------------------------------------------------------- contract terms -> command

function tierOf(tier: contract.PriceTier): PriceTier {
  return { upToUnits: tier.upToUnits, unitPrice: tier.unitPrice, unitsPerPrice: tier.unitQuantity, flatAmount: tier.flatFee };
}

/** A contract pricing model in rating's terms: a percent becomes a rate, a package is charged per started package. */
export function pricingOf(model: contract.PricingModel): PricingModel {
  switch (model.model) {
    case 'flat':
      return { model: 'flat', amount: model.amount };
    case 'per_unit':
      return { model: 'per_unit', unitPrice: model.unitPrice, unitsPerPrice: model.unitQuantity };
    case 'graduated':
      return { model: 'graduated', tiers: model.tiers.map(tierOf) };
    case 'volume':
      return { model: 'volume', tiers: model.tiers.map(tierOf) };
    case 'package':
      return { model: 'package', packageSize: model.packageSize, packagePrice: model.packagePrice, rounding: 'up' };
    case 'percentage':
      return { model: 'percentage', rate: rateOfPercent(model.percent), fixedAmountPerEvent: model.fixedFeePerUnit };
  }
}

/**
 * A contract usage line as rating's price line. Percentage discounts compound (1 - (1-a)(1-b)); fixed discounts
 * add up; a pooled commit without true-up rates month by month only.
 */
export function usagePriceLineOf(line: contract.UsageLine): UsagePriceLine {
  let keptShare = ONE;
  let overageKeptShare = ONE;
  let fixedDiscountAmount = ZERO;
  for (const discount of line.discounts) {
    if (discount.kind === 'percentage') keptShare = keptShare.times(ONE.minus(rateOfPercent(discount.percent)));
    else if (discount.kind === 'overage_after_commit') overageKeptShare = overageKeptShare.times(ONE.minus(rateOfPercent(discount.percent)));
    else fixedDiscountAmount = fixedDiscountAmount.plus(discount.amountPerPeriod);
  }
  const ramps: PriceRamp[] = [...line.ramps]
    .sort((a, b) => (a.startDate < b.startDate ? -1 : a.startDate > b.startDate ? 1 : 0))
    .map((ramp) => ({ effectiveFrom: dayStart(ramp.startDate), effectiveUntil: dayStart(ramp.endDate), pricing: pricingOf(ramp.pricingModel) }));
  return {
    priceLineId: line.lineId,
    meterCode: line.meterCode,
    aggregation: line.aggregation,
    aggregationProperty: contract.aggregationPropertyOf(line),
    pricing: pricingOf(line.pricingModel),
    ramps,
    includedUnits: line.includedUnitsPerMonth,
    commitScope: line.commit.scope !== 'monthly' && !line.commit.trueUp ? 'monthly' : line.commit.scope,
    overageDiscountRate: ONE.minus(overageKeptShare),
    discountRate: ONE.minus(keptShare),
    fixedDiscountAmount,
    minimumAmount: line.commit.minimumSpendPerPeriod,
    maximumAmount: null,
  };
}

function termsReceivedOf(version: contract.ContractVersion): ContractTermsReceived {
  const terms = version.terms;
  return {
    type: 'ContractTermsReceived',
    now: version.occurredAt,
    customerId: version.customerId,
    contractId: version.contractId,
    termsVersion: version.version,
    effectiveFrom: dayStart(version.effectiveDate),
    startDate: dayStart(terms.startDate),
    endDate: dayStart(version.endDate),
    currency: terms.currency,
    billingPeriodAlignment: terms.billingAlignment,
    usagePriceLines: contract.usageLinesOf(terms).map(usagePriceLineOf),
    prepaidCredits: terms.prepaidCredits.map(
      (credit): PrepaidCredit => ({
        creditId: credit.creditId,
        meterCode: credit.meterCode,
        units: credit.units,
        validFrom: dayStart(credit.validFrom),
        expiresOn: dayStart(credit.expiresOn),
        priority: credit.priority,
      }),
    ),
  };
}

/** A decoded contracts.events.v1 record (read by the contract-terms library) as rating's command, `now` its occurredAt. */
export function commandFromContractEvent(record: wire.ContractEvent): ContractTermsReceived | ContractTerminationReceived {
  const change = contract.contractEventFromWire(record);
  return change.kind === 'version' ? termsReceivedOf(change) : contract.terminationReceived(change);
}

// ------------------------------------------------------------------------------------ metering usage -> command

/**
 * Accepted usage off metering.usage.v1 as rating's command; null for metering's other events. `now` is the usage's
 * receivedAt (the platform time metering accepted it; the envelope's recordedAt is the runtime's wall time), so a
 * replay or a simulated clock rates at the same times.
 */
export function commandFromMeteringEvent(record: wire.MeteringEvent): UsageAccepted | LateUsageAccepted | null {
  const payload = record.payload;
  const usage =
    'billing.metering.UsageAccepted' in payload
      ? { type: 'UsageAccepted' as const, value: payload['billing.metering.UsageAccepted'] }
      : 'billing.metering.LateUsageAccepted' in payload
        ? { type: 'LateUsageAccepted' as const, value: payload['billing.metering.LateUsageAccepted'] }
        : null;
  if (usage === null) return null;
  const { value } = usage;
  return {
    type: usage.type,
    now: value.receivedAt,
    eventId: value.usageEventId,
    customerId: record.customerId,
    contractId: value.contractId,
    meterCode: value.meterCode,
    quantity: value.quantity,
    eventTime: value.eventTime,
    periodId: value.periodId,
    properties: { ...value.properties },
  };
}

// ------------------------------------------------------------------------------------ rating events <-> wire

type WireMoney = wire.Money;
const money = (amount: Big, currency: string): WireMoney => ({ amount, currency });
function amountOf(value: WireMoney, currency: string): Big {
  if (value.currency !== currency) throw new RangeError(`amount in ${value.currency} on a ${currency} event`);
  return value.amount;
}

type WirePricing = wire.RatingUsagePriceLine['pricing'];

function tierToWire(tier: PriceTier, currency: string): wire.RatingPriceTier {
  return { upToUnits: tier.upToUnits, unitPrice: money(tier.unitPrice, currency), unitsPerPrice: tier.unitsPerPrice, flatAmount: money(tier.flatAmount, currency) };
}
function tierFromWire(tier: wire.RatingPriceTier, currency: string): PriceTier {
  return { upToUnits: tier.upToUnits, unitPrice: amountOf(tier.unitPrice, currency), unitsPerPrice: tier.unitsPerPrice, flatAmount: amountOf(tier.flatAmount, currency) };
}

function pricingToWire(pricing: PricingModel, currency: string): WirePricing {
  switch (pricing.model) {
    case 'flat':
      return { 'billing.rating.RatingFlatPricing': { amount: money(pricing.amount, currency) } };
    case 'per_unit':
      return { 'billing.rating.RatingPerUnitPricing': { unitPrice: money(pricing.unitPrice, currency), unitsPerPrice: pricing.unitsPerPrice } };
    case 'graduated':
      return { 'billing.rating.RatingGraduatedPricing': { tiers: pricing.tiers.map((tier) => tierToWire(tier, currency)) } };
    case 'volume':
      return { 'billing.rating.RatingVolumePricing': { tiers: pricing.tiers.map((tier) => tierToWire(tier, currency)) } };
    case 'package':
      return {
        'billing.rating.RatingPackagePricing': {
          packageSize: pricing.packageSize,
          packagePrice: money(pricing.packagePrice, currency),
          rounding: toSymbol(ROUNDING, pricing.rounding),
        },
      };
    case 'percentage':
      return { 'billing.rating.RatingPercentagePricing': { rate: pricing.rate, fixedAmountPerEvent: money(pricing.fixedAmountPerEvent, currency) } };
  }
}

function pricingFromWire(pricing: WirePricing, currency: string): PricingModel {
  if ('billing.rating.RatingFlatPricing' in pricing) return { model: 'flat', amount: amountOf(pricing['billing.rating.RatingFlatPricing'].amount, currency) };
  if ('billing.rating.RatingPerUnitPricing' in pricing) {
    const perUnit = pricing['billing.rating.RatingPerUnitPricing'];
    return { model: 'per_unit', unitPrice: amountOf(perUnit.unitPrice, currency), unitsPerPrice: perUnit.unitsPerPrice };
  }
  if ('billing.rating.RatingGraduatedPricing' in pricing) {
    return { model: 'graduated', tiers: pricing['billing.rating.RatingGraduatedPricing'].tiers.map((tier) => tierFromWire(tier, currency)) };
  }
  if ('billing.rating.RatingVolumePricing' in pricing) {
    return { model: 'volume', tiers: pricing['billing.rating.RatingVolumePricing'].tiers.map((tier) => tierFromWire(tier, currency)) };
  }
  if ('billing.rating.RatingPackagePricing' in pricing) {
    const packaged = pricing['billing.rating.RatingPackagePricing'];
    return {
      model: 'package',
      packageSize: packaged.packageSize,
      packagePrice: amountOf(packaged.packagePrice, currency),
      rounding: fromSymbol(ROUNDING, packaged.rounding, 'rounding'),
    };
  }
  const percentage = pricing['billing.rating.RatingPercentagePricing'];
  return { model: 'percentage', rate: percentage.rate, fixedAmountPerEvent: amountOf(percentage.fixedAmountPerEvent, currency) };
}

function lineToWire(line: UsagePriceLine, currency: string): wire.RatingUsagePriceLine {
  return {
    priceLineId: line.priceLineId,
    meterCode: line.meterCode,
    aggregation: toSymbol(AGGREGATION, line.aggregation),
    aggregationProperty: line.aggregationProperty,
    pricing: pricingToWire(line.pricing, currency),
    ramps: line.ramps.map((ramp) => ({ effectiveFrom: ramp.effectiveFrom, effectiveUntil: ramp.effectiveUntil, pricing: pricingToWire(ramp.pricing, currency) })),
    includedUnits: line.includedUnits,
    commitScope: toSymbol(COMMIT, line.commitScope),
    overageDiscountRate: line.overageDiscountRate,
    discountRate: line.discountRate,
    fixedDiscountAmount: money(line.fixedDiscountAmount, currency),
    minimumAmount: line.minimumAmount === null ? null : money(line.minimumAmount, currency),
    maximumAmount: line.maximumAmount === null ? null : money(line.maximumAmount, currency),
  };
}

function lineFromWire(line: wire.RatingUsagePriceLine, currency: string): UsagePriceLine {
  return {
    priceLineId: line.priceLineId,
    meterCode: line.meterCode,
    aggregation: fromSymbol(AGGREGATION, line.aggregation, 'aggregation'),
    aggregationProperty: line.aggregationProperty,
    pricing: pricingFromWire(line.pricing, currency),
    ramps: line.ramps.map((ramp) => ({ effectiveFrom: ramp.effectiveFrom, effectiveUntil: ramp.effectiveUntil, pricing: pricingFromWire(ramp.pricing, currency) })),
    includedUnits: line.includedUnits,
    commitScope: fromSymbol(COMMIT, line.commitScope, 'commitScope'),
    overageDiscountRate: line.overageDiscountRate,
    discountRate: line.discountRate,
    fixedDiscountAmount: amountOf(line.fixedDiscountAmount, currency),
    minimumAmount: line.minimumAmount === null ? null : amountOf(line.minimumAmount, currency),
    maximumAmount: line.maximumAmount === null ? null : amountOf(line.maximumAmount, currency),
  };
}

const LINE_MONEY = ['overageAmount', 'overageDiscountAmount', 'fixedAmount', 'discountAmount', 'fixedDiscountAmount', 'minimumTopUpAmount', 'maximumReductionAmount', 'amount'] as const;
const TRUE_UP_MONEY = ['pooledAmount', 'chargedAmount', 'previouslyTruedUpAmount', 'amount'] as const;

function withMoney(value: object, keys: readonly string[], currency: string): Record<string, unknown> {
  const out: Record<string, unknown> = { ...value };
  for (const key of keys) out[key] = money(out[key] as Big, currency);
  return out;
}
function withoutMoney(value: object, keys: readonly string[], currency: string): Record<string, unknown> {
  const out: Record<string, unknown> = { ...value };
  for (const key of keys) out[key] = amountOf(out[key] as WireMoney, currency);
  return out;
}

const NAMESPACE = 'billing.rating.';
const WIRE_NAME: Record<RatingEvent['type'], wire.RatingEventType> = {
  ContractTermsNoted: 'RatingContractTermsNoted',
  UsageRated: 'UsageRated',
  LateUsageRated: 'LateUsageRated',
  PeriodRated: 'PeriodRated',
  TrueUpCalculated: 'TrueUpCalculated',
  ContractEndNoted: 'RatingContractEndNoted',
  UsageHeld: 'UsageHeld',
};

/** The envelope's eventType and occurredAt and the payload of a domain event (customerId goes on the envelope). */
export function ratingEventToWire(event: RatingEvent): { eventType: wire.RatingEventType; occurredAt: string; payload: wire.RatingEventPayload } {
  const eventType = WIRE_NAME[event.type];
  const wrap = (value: object, occurredAt: string) => ({ eventType, occurredAt, payload: { [`${NAMESPACE}${eventType}`]: value } as wire.RatingEventPayload });
  switch (event.type) {
    case 'ContractTermsNoted': {
      const { type: _type, customerId: _customerId, ...fields } = event;
      return wrap(
        {
          ...fields,
          billingPeriodAlignment: toSymbol(ALIGNMENT, event.billingPeriodAlignment),
          usagePriceLines: event.usagePriceLines.map((line) => lineToWire(line, event.currency)),
          prepaidCredits: event.prepaidCredits.map((credit) => ({ ...credit })),
        } satisfies wire.RatingContractTermsNoted,
        event.notedAt,
      );
    }
    case 'UsageRated': {
      const { type: _type, customerId: _customerId, ...fields } = event;
      return wrap(withMoney(fields, ['amount', 'accruedAmount'], event.currency), event.ratedAt);
    }
    case 'LateUsageRated': {
      const { type: _type, customerId: _customerId, ...fields } = event;
      return wrap(withMoney(fields, ['previousAmount', 'reratedAmount', 'amount'], event.currency), event.ratedAt);
    }
    case 'PeriodRated': {
      const { type: _type, customerId: _customerId, ...fields } = event;
      return wrap(
        {
          ...fields,
          lines: event.lines.map((line) => ({ ...withMoney(line, LINE_MONEY, event.currency), creditsApplied: line.creditsApplied.map((credit) => ({ ...credit })) })),
          amount: money(event.amount, event.currency),
        },
        event.ratedAt,
      );
    }
    case 'TrueUpCalculated': {
      const { type: _type, customerId: _customerId, ...fields } = event;
      return wrap(
        {
          ...fields,
          periodIds: [...event.periodIds],
          lines: event.lines.map((line) => withMoney(line, TRUE_UP_MONEY, event.currency)),
          amount: money(event.amount, event.currency),
        },
        event.calculatedAt,
      );
    }
    case 'ContractEndNoted':
      return wrap({ contractId: event.contractId, endDate: event.endDate, notedAt: event.notedAt } satisfies wire.RatingContractEndNoted, event.notedAt);
    case 'UsageHeld': {
      const { type: _type, customerId: _customerId, ...fields } = event;
      return wrap({ ...fields, properties: { ...event.properties } } satisfies wire.UsageHeld, event.heldAt);
    }
  }
}

/** A decoded rating.events.v1 record as the domain event (the runtime folds these to rebuild state). */
export function ratingEventFromWire(record: Pick<wire.RatingEvent, 'customerId' | 'payload'>): RatingEvent {
  const { customerId, payload } = record;
  if ('billing.rating.RatingContractTermsNoted' in payload) {
    const noted = payload['billing.rating.RatingContractTermsNoted'];
    return {
      type: 'ContractTermsNoted',
      customerId,
      ...noted,
      billingPeriodAlignment: fromSymbol(ALIGNMENT, noted.billingPeriodAlignment, 'billingPeriodAlignment'),
      usagePriceLines: noted.usagePriceLines.map((line) => lineFromWire(line, noted.currency)),
    };
  }
  if ('billing.rating.UsageRated' in payload) {
    const rated = payload['billing.rating.UsageRated'];
    return { type: 'UsageRated', customerId, ...(withoutMoney(rated, ['amount', 'accruedAmount'], rated.currency) as Omit<RatedUsageFields, 'customerId'> & { amount: Big; accruedAmount: Big }) };
  }
  if ('billing.rating.LateUsageRated' in payload) {
    const late = payload['billing.rating.LateUsageRated'];
    return {
      type: 'LateUsageRated',
      customerId,
      ...(withoutMoney(late, ['previousAmount', 'reratedAmount', 'amount'], late.currency) as Omit<RatedUsageFields, 'customerId'> & {
        previousAmount: Big;
        reratedAmount: Big;
        amount: Big;
      }),
    };
  }
  if ('billing.rating.PeriodRated' in payload) {
    const rated = payload['billing.rating.PeriodRated'];
    return {
      type: 'PeriodRated',
      customerId,
      ...rated,
      lines: rated.lines.map((line) => withoutMoney(line, LINE_MONEY, rated.currency) as unknown as PriceLineRating),
      amount: amountOf(rated.amount, rated.currency),
    };
  }
  if ('billing.rating.RatingContractEndNoted' in payload) return { type: 'ContractEndNoted', customerId, ...payload['billing.rating.RatingContractEndNoted'] };
  if ('billing.rating.UsageHeld' in payload) return { type: 'UsageHeld', customerId, ...payload['billing.rating.UsageHeld'] };
  const trueUp = payload['billing.rating.TrueUpCalculated'];
  return {
    type: 'TrueUpCalculated',
    customerId,
    ...trueUp,
    lines: trueUp.lines.map((line) => withoutMoney(line, TRUE_UP_MONEY, trueUp.currency) as unknown as PriceLineTrueUp),
    amount: amountOf(trueUp.amount, trueUp.currency),
  };
}
