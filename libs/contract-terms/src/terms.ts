import type { Big } from '@billing/money';
import type {
  BillingAlignment,
  BillingCadence,
  BillingTiming,
  CommitScope,
  ContactRole,
  FeeCategory,
  FeePeriod,
  OveragePolicy,
  UsageAggregation,
} from './vocabulary';

/** The commercial terms of one contract version: Big amounts in the contract's currency, ISO dates, neutral literals. */

export interface PostalAddress {
  readonly line1: string;
  readonly line2: string | null;
  readonly city: string;
  readonly region: string | null;
  readonly postalCode: string;
  /** ISO 3166-1 alpha-2 */
  readonly countryCode: string;
}

export interface CustomerContact {
  readonly name: string;
  readonly email: string;
  readonly phone: string | null;
  readonly role: ContactRole;
}

export interface Customer {
  readonly customerId: string;
  readonly legalName: string;
  readonly billingAddress: PostalAddress;
  /** e.g. 'US-NY-NYC', 'DE': the key of the tax table. */
  readonly taxJurisdiction: string;
  readonly taxExempt: boolean;
  readonly taxExemptionCertificate: string | null;
  /** VAT id, EIN... */
  readonly taxId: string | null;
  readonly contacts: readonly CustomerContact[];
}

/** Price of `upToUnits` (cumulative, exclusive of the previous tier's bound); null = unbounded (last tier). */
export interface PriceTier {
  readonly upToUnits: Big | null;
  /** unitPrice is the price of `unitQuantity` units (0.004 per 1,000 tokens). */
  readonly unitPrice: Big;
  readonly unitQuantity: Big;
  readonly flatFee: Big;
}

export type PricingModel =
  | { readonly model: 'flat'; readonly amount: Big }
  | { readonly model: 'per_unit'; readonly unitPrice: Big; readonly unitQuantity: Big }
  | { readonly model: 'graduated'; readonly tiers: readonly PriceTier[] }
  | { readonly model: 'volume'; readonly tiers: readonly PriceTier[] }
  /** packagePrice per started package of packageSize units */
  | { readonly model: 'package'; readonly packagePrice: Big; readonly packageSize: Big }
  /** percent of the usage's amount (e.g. payment volume), plus a fixed fee per unit (transaction) */
  | { readonly model: 'percentage'; readonly percent: Big; readonly fixedFeePerUnit: Big };

export type Discount =
  | { readonly kind: 'percentage'; readonly percent: Big }
  /** Applies only to units beyond the included units (Acme: 20% once the included tokens are used). */
  | { readonly kind: 'overage_after_commit'; readonly percent: Big }
  | { readonly kind: 'fixed'; readonly amountPerPeriod: Big };

/** A price schedule for [startDate, endDate): overrides the line's base price on those dates. */
export interface RampBase {
  readonly startDate: string;
  readonly endDate: string;
}
export interface FeeRamp extends RampBase {
  readonly amountPerPeriod: Big;
}
export interface SeatRamp extends RampBase {
  readonly unitPricePerPeriod: Big;
  readonly seats: number;
}
export interface UsageRamp extends RampBase {
  readonly pricingModel: PricingModel;
}

interface LineBase {
  readonly lineId: string;
  readonly productCode: string;
  readonly description: string;
  readonly discounts: readonly Discount[];
}

/** A platform or subscription fee: a fixed amount per period. */
export interface RecurringFeeLine extends LineBase {
  readonly kind: 'recurring_fee';
  readonly category: FeeCategory;
  readonly amountPerPeriod: Big;
  readonly period: FeePeriod;
  readonly billingTiming: BillingTiming;
  readonly ramps: readonly FeeRamp[];
}

export interface SeatLine extends LineBase {
  readonly kind: 'seats';
  readonly seats: number;
  readonly unitPricePerPeriod: Big;
  readonly period: FeePeriod;
  readonly billingTiming: BillingTiming;
  readonly ramps: readonly SeatRamp[];
}

export interface UsageCommit {
  readonly scope: CommitScope;
  /** Overage billed period by period is trued up at the pool's end against the pooled allowance. */
  readonly trueUp: boolean;
  /** An optional minimum spend per billing period (null: none). */
  readonly minimumSpendPerPeriod: Big | null;
}

/** Usage is always billed in arrears. */
export interface UsageLine extends LineBase {
  readonly kind: 'usage';
  readonly meterCode: string;
  readonly aggregation: UsageAggregation;
  readonly pricingModel: PricingModel;
  readonly includedUnitsPerMonth: Big;
  readonly commit: UsageCommit;
  readonly overagePolicy: OveragePolicy;
  /** Percentages of the allowance at which entitlements emits ThresholdReached; empty = DEFAULT_THRESHOLD_PERCENTS. */
  readonly thresholdPercents: readonly number[];
  readonly ramps: readonly UsageRamp[];
}

export type PriceLine = RecurringFeeLine | SeatLine | UsageLine;

/** Prepaid units of a meter, bought up front, usable in [validFrom, expiresOn). */
export interface PrepaidCredit {
  readonly creditId: string;
  readonly meterCode: string;
  readonly units: Big;
  readonly pricePaid: Big;
  readonly validFrom: string;
  readonly expiresOn: string;
  /** lower burns first; ties burn the earliest expiry first */
  readonly priority: number;
  readonly lowBalanceUnits: Big;
}

export interface FeatureFlag {
  readonly featureCode: string;
  readonly enabled: boolean;
}

export interface ContractTerms {
  readonly customer: Customer;
  /** The seller's legal entity that books the contract ('US', 'EU'). */
  readonly sellerEntity: string;
  readonly currency: string;
  readonly startDate: string;
  readonly termMonths: number;
  readonly billingCadence: BillingCadence;
  readonly billingAlignment: BillingAlignment;
  /** Net N */
  readonly paymentTermsDays: number;
  readonly purchaseOrderNumber: string | null;
  readonly priceLines: readonly PriceLine[];
  readonly prepaidCredits: readonly PrepaidCredit[];
  readonly featureFlags: readonly FeatureFlag[];
}

export function usageLinesOf(terms: ContractTerms): UsageLine[] {
  return terms.priceLines.filter((line): line is UsageLine => line.kind === 'usage');
}

export function seatLinesOf(terms: ContractTerms): SeatLine[] {
  return terms.priceLines.filter((line): line is SeatLine => line.kind === 'seats');
}

/**
 * contracts.events.v1 usage lines carry no property for unique_count meters; until they do, every consumer counts
 * distinct values of this usage property (metering and rating must count the same thing).
 */
export const UNIQUE_COUNT_PROPERTY_DEFAULT = 'uniqueKey';

/** The usage property whose distinct values a line counts: unique_count lines only, null for the others. */
export function aggregationPropertyOf(line: UsageLine): string | null {
  return line.aggregation === 'unique_count' ? UNIQUE_COUNT_PROPERTY_DEFAULT : null;
}
