import { Big, isCurrencyCode } from '@billing/money';
import { addMonths, isIsoDate } from '@billing/calendar';
import { reject } from './errors';
import {
  CONTRACT_TERM_MONTHS_MAX,
  PAYMENT_TERMS_DAYS_MAX,
  PREPAID_CREDITS_PER_CONTRACT_MAX,
  PRICE_LINES_PER_CONTRACT_MAX,
  RAMPS_PER_LINE_MAX,
  TIERS_PER_PRICING_MAX,
} from './state';
import { ContractTerms, Discount, PriceLine, PriceTier, PricingModel, RampBase } from './terms';

const ZERO = new Big('0');
const HUNDRED = new Big('100');
export const THRESHOLDS_PER_LINE_MAX = 10;

/** Exclusive end date of a term: start + termMonths. */
export function endDateOf(terms: Pick<ContractTerms, 'startDate' | 'termMonths'>): string {
  return addMonths(terms.startDate, terms.termMonths);
}

/**
 * Checks a deal's terms and returns their (exclusive) end date; throws the first typed rejection found.
 * Order: identity, currency, dates, then lines (so the most basic fault is the one reported).
 */
export function validateTerms(terms: ContractTerms): string {
  requireText(terms.customer.customerId, 'customer.customerId');
  requireText(terms.customer.legalName, 'customer.legalName');
  requireText(terms.customer.taxJurisdiction, 'customer.taxJurisdiction');
  requireText(terms.sellerEntity, 'sellerEntity');
  if (!isCurrencyCode(terms.currency)) {
    throw reject('UNKNOWN_CURRENCY', `unknown currency ${JSON.stringify(terms.currency)}`, { currency: terms.currency });
  }
  requireDate(terms.startDate, 'startDate');
  if (!Number.isSafeInteger(terms.termMonths)) throw reject('INVALID_TERM', `termMonths ${terms.termMonths} is not an integer`);
  if (terms.termMonths <= 0) {
    throw reject('START_AFTER_END', `a term of ${terms.termMonths} months ends before it starts`, { startDate: terms.startDate });
  }
  if (terms.termMonths > CONTRACT_TERM_MONTHS_MAX) {
    throw reject('INVALID_TERM', `termMonths ${terms.termMonths} exceeds ${CONTRACT_TERM_MONTHS_MAX}`);
  }
  const endDate = endDateOf(terms);
  if (!Number.isSafeInteger(terms.paymentTermsDays) || terms.paymentTermsDays < 0 || terms.paymentTermsDays > PAYMENT_TERMS_DAYS_MAX) {
    throw reject('INVALID_PAYMENT_TERMS', `Net ${terms.paymentTermsDays} is not 0..${PAYMENT_TERMS_DAYS_MAX} days`);
  }

  if (terms.priceLines.length === 0) throw reject('NO_PRICE_LINES', 'a contract needs at least one price line');
  limit(terms.priceLines.length, PRICE_LINES_PER_CONTRACT_MAX, 'price lines');
  unique(terms.priceLines.map((line) => line.lineId), 'DUPLICATE_LINE', 'line id');
  unique(
    terms.priceLines.flatMap((line) => (line.kind === 'usage' ? [line.meterCode] : [])),
    'DUPLICATE_METER',
    'usage meter',
  );
  for (const line of terms.priceLines) validateLine(line, terms.startDate, endDate);

  limit(terms.prepaidCredits.length, PREPAID_CREDITS_PER_CONTRACT_MAX, 'prepaid credits');
  unique(terms.prepaidCredits.map((credit) => credit.creditId), 'DUPLICATE_LINE', 'credit id');
  for (const credit of terms.prepaidCredits) {
    requireText(credit.creditId, 'creditId');
    requireText(credit.meterCode, 'credit meterCode');
    positive(credit.units, `credit ${credit.creditId} units`);
    nonNegativePrice(credit.pricePaid, `credit ${credit.creditId} pricePaid`);
    nonNegativeQuantity(credit.lowBalanceUnits, `credit ${credit.creditId} lowBalanceUnits`);
    requireDate(credit.validFrom, `credit ${credit.creditId} validFrom`);
    requireDate(credit.expiresOn, `credit ${credit.creditId} expiresOn`);
    if (credit.validFrom >= credit.expiresOn) {
      throw reject('START_AFTER_END', `credit ${credit.creditId} expires on ${credit.expiresOn}, not after ${credit.validFrom}`);
    }
    if (!Number.isSafeInteger(credit.priority)) throw reject('INVALID_QUANTITY', `credit ${credit.creditId} priority is not an integer`);
  }
  unique(terms.featureFlags.map((flag) => flag.featureCode), 'DUPLICATE_LINE', 'feature flag');
  for (const flag of terms.featureFlags) requireText(flag.featureCode, 'featureCode');
  return endDate;
}

function validateLine(line: PriceLine, startDate: string, endDate: string): void {
  requireText(line.lineId, 'lineId');
  requireText(line.productCode, `line ${line.lineId} productCode`);
  for (const discount of line.discounts) validateDiscount(discount, line);
  switch (line.kind) {
    case 'recurring_fee':
      nonNegativePrice(line.amountPerPeriod, `line ${line.lineId} amountPerPeriod`);
      validateRamps(line.ramps, line.lineId, startDate, endDate);
      for (const ramp of line.ramps) nonNegativePrice(ramp.amountPerPeriod, `line ${line.lineId} ramp amountPerPeriod`);
      return;
    case 'seats':
      nonNegativePrice(line.unitPricePerPeriod, `line ${line.lineId} unitPricePerPeriod`);
      seatCount(line.seats, line.lineId);
      validateRamps(line.ramps, line.lineId, startDate, endDate);
      for (const ramp of line.ramps) {
        nonNegativePrice(ramp.unitPricePerPeriod, `line ${line.lineId} ramp unitPricePerPeriod`);
        seatCount(ramp.seats, line.lineId);
      }
      return;
    case 'usage':
      requireText(line.meterCode, `line ${line.lineId} meterCode`);
      nonNegativeQuantity(line.includedUnitsPerMonth, `line ${line.lineId} includedUnitsPerMonth`);
      validatePricing(line.pricingModel, line.lineId);
      if (line.commit.minimumSpendPerPeriod !== null) {
        nonNegativePrice(line.commit.minimumSpendPerPeriod, `line ${line.lineId} minimumSpendPerPeriod`);
      }
      limit(line.thresholdPercents.length, THRESHOLDS_PER_LINE_MAX, 'threshold percents');
      unique(line.thresholdPercents.map(String), 'INVALID_THRESHOLD', 'threshold percent');
      for (const percent of line.thresholdPercents) {
        if (!Number.isSafeInteger(percent) || percent <= 0 || percent > 100) {
          throw reject('INVALID_THRESHOLD', `line ${line.lineId}: threshold ${percent}% is not an integer in 1..100`);
        }
      }
      validateRamps(line.ramps, line.lineId, startDate, endDate);
      for (const ramp of line.ramps) validatePricing(ramp.pricingModel, line.lineId);
      return;
    default: {
      const unknown: never = line;
      throw reject('MISSING_FIELD', `unknown price line kind ${JSON.stringify(unknown)}`);
    }
  }
}

function validateRamps(ramps: readonly RampBase[], lineId: string, startDate: string, endDate: string): void {
  limit(ramps.length, RAMPS_PER_LINE_MAX, 'ramps');
  for (const ramp of ramps) {
    requireDate(ramp.startDate, `line ${lineId} ramp startDate`);
    requireDate(ramp.endDate, `line ${lineId} ramp endDate`);
    if (ramp.startDate >= ramp.endDate) {
      throw reject('START_AFTER_END', `line ${lineId}: ramp ${ramp.startDate}..${ramp.endDate} ends before it starts`, { lineId });
    }
    if (ramp.startDate < startDate || ramp.endDate > endDate) {
      throw reject('RAMP_OUTSIDE_TERM', `line ${lineId}: ramp ${ramp.startDate}..${ramp.endDate} outside ${startDate}..${endDate}`, { lineId });
    }
  }
  const sorted = [...ramps].sort((a, b) => (a.startDate < b.startDate ? -1 : a.startDate > b.startDate ? 1 : 0));
  for (let index = 1; index < sorted.length; index += 1) {
    if (sorted[index].startDate < sorted[index - 1].endDate) {
      throw reject(
        'OVERLAPPING_RAMPS',
        `line ${lineId}: ramp from ${sorted[index].startDate} starts before the previous one ends (${sorted[index - 1].endDate})`,
        { lineId },
      );
    }
  }
}

function validatePricing(pricing: PricingModel, lineId: string): void {
  switch (pricing.model) {
    case 'flat':
      nonNegativePrice(pricing.amount, `line ${lineId} flat amount`);
      return;
    case 'per_unit':
      nonNegativePrice(pricing.unitPrice, `line ${lineId} unitPrice`);
      positivePricing(pricing.unitQuantity, `line ${lineId} unitQuantity`);
      return;
    case 'graduated':
    case 'volume':
      validateTiers(pricing.tiers, lineId);
      return;
    case 'package':
      nonNegativePrice(pricing.packagePrice, `line ${lineId} packagePrice`);
      positivePricing(pricing.packageSize, `line ${lineId} packageSize`);
      return;
    case 'percentage':
      nonNegativePrice(pricing.percent, `line ${lineId} percent`);
      nonNegativePrice(pricing.fixedFeePerUnit, `line ${lineId} fixedFeePerUnit`);
      if (pricing.percent.gt(HUNDRED)) throw reject('INVALID_PRICING', `line ${lineId}: ${pricing.percent}% exceeds 100%`);
      return;
    default: {
      const unknown: never = pricing;
      throw reject('INVALID_PRICING', `unknown pricing model ${JSON.stringify(unknown)}`);
    }
  }
}

function validateTiers(tiers: readonly PriceTier[], lineId: string): void {
  if (tiers.length === 0) throw reject('INVALID_TIERS', `line ${lineId}: no tiers`);
  limit(tiers.length, TIERS_PER_PRICING_MAX, 'tiers');
  let previousBound = ZERO;
  tiers.forEach((tier, index) => {
    nonNegativePrice(tier.unitPrice, `line ${lineId} tier ${index + 1} unitPrice`);
    nonNegativePrice(tier.flatFee, `line ${lineId} tier ${index + 1} flatFee`);
    positivePricing(tier.unitQuantity, `line ${lineId} tier ${index + 1} unitQuantity`);
    const last = index === tiers.length - 1;
    if (tier.upToUnits === null) {
      if (!last) throw reject('INVALID_TIERS', `line ${lineId}: only the last tier may be unbounded`);
      return;
    }
    if (last) throw reject('INVALID_TIERS', `line ${lineId}: the last tier must be unbounded (upToUnits null)`);
    if (!tier.upToUnits.gt(previousBound)) {
      throw reject('INVALID_TIERS', `line ${lineId}: tier bounds must increase (${tier.upToUnits} after ${previousBound})`);
    }
    previousBound = tier.upToUnits;
  });
}

function validateDiscount(discount: Discount, line: PriceLine): void {
  switch (discount.kind) {
    case 'percentage':
    case 'overage_after_commit':
      if (!discount.percent.gt(ZERO) || discount.percent.gt(HUNDRED)) {
        throw reject('INVALID_DISCOUNT', `line ${line.lineId}: discount ${discount.percent}% is not in (0, 100]`);
      }
      if (discount.kind === 'overage_after_commit' && line.kind !== 'usage') {
        throw reject('INVALID_DISCOUNT', `line ${line.lineId}: an overage discount needs a usage line`);
      }
      return;
    case 'fixed':
      nonNegativePrice(discount.amountPerPeriod, `line ${line.lineId} fixed discount`);
      return;
    default: {
      const unknown: never = discount;
      throw reject('INVALID_DISCOUNT', `unknown discount ${JSON.stringify(unknown)}`);
    }
  }
}

function requireText(value: string, field: string): void {
  if (value.trim().length === 0) throw reject('MISSING_FIELD', `${field} is empty`, { field });
}

function requireDate(value: string, field: string): void {
  if (!isIsoDate(value)) throw reject('INVALID_DATE', `${field} ${JSON.stringify(value)} is not a YYYY-MM-DD date`, { field });
}

function nonNegativePrice(value: Big, field: string): void {
  if (value.lt(ZERO)) throw reject('NEGATIVE_PRICE', `${field} is negative: ${value.toString()}`, { field });
}

function nonNegativeQuantity(value: Big, field: string): void {
  if (value.lt(ZERO)) throw reject('INVALID_QUANTITY', `${field} is negative: ${value.toString()}`, { field });
}

function positive(value: Big, field: string): void {
  if (!value.gt(ZERO)) throw reject('INVALID_QUANTITY', `${field} must be positive: ${value.toString()}`, { field });
}

function positivePricing(value: Big, field: string): void {
  if (!value.gt(ZERO)) throw reject('INVALID_PRICING', `${field} must be positive: ${value.toString()}`, { field });
}

function seatCount(seats: number, lineId: string): void {
  if (!Number.isSafeInteger(seats) || seats < 0) throw reject('INVALID_QUANTITY', `line ${lineId}: ${seats} seats`);
}

function unique(values: readonly string[], reasonCode: 'DUPLICATE_LINE' | 'DUPLICATE_METER' | 'INVALID_THRESHOLD', what: string): void {
  const seen = new Set<string>();
  for (const value of values) {
    if (seen.has(value)) throw reject(reasonCode, `duplicate ${what} ${JSON.stringify(value)}`, { value });
    seen.add(value);
  }
}

function limit(count: number, max: number, what: string): void {
  if (count > max) throw reject('LIMIT_EXCEEDED', `${count} ${what} exceed the limit of ${max}`);
}
