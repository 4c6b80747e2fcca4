import type * as wire from '@billing/schemas';
import { type AmountReader, discountsFromWire, pricingFromWire } from './decode-pricing';
import { wordOf } from './symbols';
import type { PriceLine, RecurringFeeLine, SeatLine, UsageLine } from './terms';

type WirePriceLine = wire.ContractTerms['priceLines'][number];

function feeLineFromWire(line: wire.ContractFeeLine, amount: AmountReader): RecurringFeeLine {
  const field = (name: string) => `${line.lineId}.${name}`;
  return {
    kind: 'recurring_fee',
    lineId: line.lineId,
    productCode: line.productCode,
    description: line.description,
    discounts: discountsFromWire(line.discounts, amount, line.lineId),
    category: wordOf('feeCategory', line.category, field('category')),
    amountPerPeriod: amount(line.amountPerPeriod, field('amountPerPeriod')),
    period: wordOf('feePeriod', line.period, field('period')),
    billingTiming: wordOf('billingTiming', line.billingTiming, field('billingTiming')),
    ramps: line.ramps.map((ramp) => ({ startDate: ramp.startDate, endDate: ramp.endDate, amountPerPeriod: amount(ramp.amountPerPeriod, field('ramps')) })),
  };
}

function seatLineFromWire(line: wire.ContractSeatLine, amount: AmountReader): SeatLine {
  const field = (name: string) => `${line.lineId}.${name}`;
  return {
    kind: 'seats',
    lineId: line.lineId,
    productCode: line.productCode,
    description: line.description,
    discounts: discountsFromWire(line.discounts, amount, line.lineId),
    seats: line.seats,
    unitPricePerPeriod: amount(line.unitPricePerPeriod, field('unitPricePerPeriod')),
    period: wordOf('feePeriod', line.period, field('period')),
    billingTiming: wordOf('billingTiming', line.billingTiming, field('billingTiming')),
    ramps: line.ramps.map((ramp) => ({
      startDate: ramp.startDate,
      endDate: ramp.endDate,
      unitPricePerPeriod: amount(ramp.unitPricePerPeriod, field('ramps')),
      seats: ramp.seats,
    })),
  };
}

function usageLineFromWire(line: wire.ContractUsageLine, amount: AmountReader): UsageLine {
  const field = (name: string) => `${line.lineId}.${name}`;
  const minimum = line.commit.minimumSpendPerPeriod;
  return {
    kind: 'usage',
    lineId: line.lineId,
    productCode: line.productCode,
    description: line.description,
    discounts: discountsFromWire(line.discounts, amount, line.lineId),
    meterCode: line.meterCode,
    aggregation: wordOf('aggregation', line.aggregation, field('aggregation')),
    pricingModel: pricingFromWire(line.pricing, amount, field('pricing')),
    includedUnitsPerMonth: line.includedUnitsPerMonth,
    commit: {
      scope: wordOf('commitScope', line.commit.scope, field('commit.scope')),
      trueUp: line.commit.trueUp,
      minimumSpendPerPeriod: minimum === null ? null : amount(minimum, field('commit.minimumSpendPerPeriod')),
    },
    overagePolicy: wordOf('overagePolicy', line.overagePolicy, field('overagePolicy')),
    thresholdPercents: [...line.thresholdPercents],
    ramps: line.ramps.map((ramp) => ({ startDate: ramp.startDate, endDate: ramp.endDate, pricingModel: pricingFromWire(ramp.pricing, amount, field('ramps.pricing')) })),
  };
}

export function priceLineFromWire(line: WirePriceLine, amount: AmountReader): PriceLine {
  if ('billing.contracts.ContractFeeLine' in line) return feeLineFromWire(line['billing.contracts.ContractFeeLine'], amount);
  if ('billing.contracts.ContractSeatLine' in line) return seatLineFromWire(line['billing.contracts.ContractSeatLine'], amount);
  return usageLineFromWire(line['billing.contracts.ContractUsageLine'], amount);
}
